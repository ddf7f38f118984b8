"""The GC policy: automatic collection off, the generations that are due collected from the event loop."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from studio.ui.startup.gc_policy import IdleCollector, collect_due


@pytest.fixture
def gc_state() -> Iterator[None]:
    """Restore the session's GC switch and thresholds after a test that changes them."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    (gc.enable if enabled else gc.disable)()


class Node:
    """A GC-tracked object without a free list, so every one counts as an allocation."""


def make_cycles(count: int) -> None:
    for _ in range(count):
        node = Node()
        node.self = node


def test_collect_due_collects_the_oldest_generation_past_its_threshold(gc_state) -> None:
    gc.disable()
    gc.collect()
    gc.set_threshold(50, 1000, 1000)
    assert collect_due() == -1
    make_cycles(100)
    assert collect_due() == 0
    assert gc.get_count()[0] < 50
    make_cycles(100)
    gc.set_threshold(0, 1000, 1000)
    assert collect_due() == -1, "a zero threshold never triggers, as in CPython"


def test_older_generations_are_collected_as_often_as_automatic_gc_would(gc_state) -> None:
    gc.disable()
    gc.collect()
    gc.set_threshold(1, 1, 1)
    seen = []
    for _ in range(7):
        make_cycles(5)
        seen.append(collect_due())
    assert seen == [0, 0, 1, 0, 0, 1, 2]
    assert gc.get_count()[1:] == (0, 0)


@pytest.mark.parametrize("enabled", [True, False])
def test_idle_collector_turns_automatic_gc_off_and_collects_from_the_event_loop(qtbot, gc_state, enabled) -> None:
    (gc.enable if enabled else gc.disable)()
    gc.set_threshold(10, 1000, 1000)
    collector = IdleCollector(interval_ms=5)
    collector.start()
    assert not gc.isenabled()
    make_cycles(200)
    assert gc.get_count()[0] > 10
    qtbot.waitUntil(lambda: gc.get_count()[0] <= 10, timeout=2000)
    collector.stop()
    assert gc.isenabled() == enabled
    collector.deleteLater()


def test_settle_freezes_the_survivors_so_full_collections_skip_them(gc_state) -> None:
    collector = IdleCollector()
    kept = [Node() for _ in range(100)]
    collector.settle()
    assert gc.get_freeze_count() >= len(kept)
    assert all(not gc.is_tracked(n) or n not in gc.get_objects(generation=2) for n in kept[:3])
    collector.deleteLater()
