"""Drafts while dragging: draft frames during a drag or a scrub, the full frame last on release, never out of order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from studio.core.edits import ChangeKeypoint
from studio.core.project import Project
from studio.ui.canvas.keypoint_drag import KeypointDrag
from studio.ui.canvas.radius_drag import RadiusDrag
from studio.ui.preview.preview_link import PreviewLink
from studio.ui.preview.preview_view import PreviewView
from studio.ui.preview.preview_worker import PreviewResult, PreviewWorker
from studio.ui.session import Session
from studio.ui.timeline.timeline_drags import ScrubDrag
from tests.ui.conftest import make_project
from tests.ui.preview.draft_generators import DRAFT_GREY, FULL_GREY, DraftingGenerator, draft_registry


@dataclass
class Rig:
    """A session, worker, view and link wired as the window wires them; ``shown`` = (seq, draft, grey) painted."""

    session: Session
    worker: PreviewWorker
    view: PreviewView
    link: PreviewLink
    shown: list[tuple[int, bool, int]]


def make_rig(qtbot, generator: str, project: Project | None = None) -> Rig:
    project = project or make_project()
    project.render = project.render.with_changes(generator=generator, device="cpu")
    session = Session(project)
    worker = PreviewWorker(draft_registry)
    view = PreviewView()
    qtbot.addWidget(view)
    view.show()
    link = PreviewLink(session, worker, view)
    link.settle.setInterval(600000)  # the tests below release the mouse; test_resting_* sets its own
    shown: list[tuple[int, bool, int]] = []
    view.painted.connect(lambda seq: shown.append((seq, view.shown_draft, view.image.pixel(0, 0) & 0xFF)))
    link.start()
    qtbot.waitUntil(lambda: view.shown_seq >= link.last_seq > 0, timeout=30000)
    return Rig(session, worker, view, link, shown)


@pytest.fixture
def rig(qtbot) -> Iterator[Rig]:
    DraftingGenerator.delay = 0.01
    DraftingGenerator.drafts_rendered = 0
    DraftingGenerator.threads = {"full": set(), "draft": set()}
    rig = make_rig(qtbot, "drafting")
    yield rig
    rig.link.shutdown()
    rig.worker.shutdown()


def drag(qtbot, rig: Rig, steps: int = 12) -> KeypointDrag:
    """Drag keypoint b by small steps, letting the worker answer between some of them; not yet released."""
    kp = rig.session.project.keypoint("b")
    gesture = KeypointDrag(rig.session, ["b"], (kp.x, kp.y))
    for step in range(steps):
        gesture.update((kp.x + step, kp.y + step / 2))
        qtbot.wait(3)
    return gesture


def test_a_drag_shows_drafts_then_the_full_frame_last(qtbot, rig) -> None:
    before = len(rig.shown)
    gesture = drag(qtbot, rig)
    assert rig.session.gesture_active
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq, timeout=30000)
    assert rig.view.shown_draft and "draft" in rig.view.status_text().split(" · ")
    assert rig.shown[-1][1:] == (True, DRAFT_GREY)
    gesture.finish()
    assert not rig.session.gesture_active
    full_seq = rig.link.last_seq
    qtbot.waitUntil(lambda: rig.view.shown_seq == full_seq, timeout=30000)
    qtbot.wait(50)
    during = rig.shown[before:]
    assert [seq for seq, _, _ in during] == sorted({seq for seq, _, _ in during})  # strictly increasing
    assert during[-1] == (full_seq, False, FULL_GREY)
    assert all(draft for seq, draft, _ in during if seq < full_seq)
    assert not rig.view.shown_draft and "draft" not in rig.view.status_text().split(" · ")


def test_a_stale_draft_never_replaces_a_newer_full_frame(qtbot, rig) -> None:
    image = np.zeros((4, 4, 3), np.uint8)
    seq = rig.view.shown_seq
    assert rig.view.show_result(PreviewResult(seq + 2, 0.0, image, 1.0))
    assert not rig.view.show_result(PreviewResult(seq + 1, 0.0, image, 1.0, draft=True))
    assert rig.view.shown_seq == seq + 2 and not rig.view.shown_draft


def test_releasing_without_moving_asks_for_nothing_more_than_a_full_frame(qtbot, rig) -> None:
    kp = rig.session.project.keypoint("b")
    gesture = KeypointDrag(rig.session, ["b"], (kp.x, kp.y))
    seq = rig.link.last_seq
    gesture.finish()
    assert rig.link.last_seq == seq  # nothing was drafted, so the frame shown is already full


def test_a_scrub_shows_drafts_and_the_full_frame_when_it_stops(qtbot, rig) -> None:
    class Surface:
        session = rig.session

        def x_to_frame(self, x: float) -> float:
            return x / 10.0

    scrub = ScrubDrag(Surface(), QPointF(200.0, 5.0))
    assert rig.session.gesture_active
    for x in range(210, 300, 10):
        scrub.move_to(QPointF(float(x), 5.0))
        qtbot.wait(3)
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq, timeout=30000)
    assert rig.view.shown_draft
    scrub.finish()
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq and not rig.view.shown_draft, timeout=30000)
    assert rig.view.shown_frame == rig.session.current_frame


def test_resting_during_a_drag_shows_the_full_frame_until_the_mouse_moves_on(qtbot, rig) -> None:
    rig.link.settle.setInterval(50)
    gesture = drag(qtbot, rig)
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq and not rig.view.shown_draft, timeout=30000)
    assert rig.session.gesture_active and rig.shown[-1][1:] == (False, FULL_GREY)
    rig.link.settle.setInterval(600000)
    kp = rig.session.project.keypoint("b")
    gesture.update((kp.x + 3, kp.y))
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq, timeout=30000)
    assert rig.view.shown_draft
    gesture.finish()


def test_an_idle_worker_warms_the_draft_once_per_rest_pose(qtbot, rig) -> None:
    qtbot.waitUntil(lambda: DraftingGenerator.drafts_rendered == 1, timeout=30000)
    rig.session.set_frame(5)
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq, timeout=30000)
    qtbot.wait(50)
    assert DraftingGenerator.drafts_rendered == 1  # same rest pose: nothing more to warm
    keypoint = rig.session.project.keypoint("c")
    rig.session.push(ChangeKeypoint(keypoint, keypoint.with_changes(x=keypoint.x + 2)))
    qtbot.waitUntil(lambda: DraftingGenerator.drafts_rendered == 2, timeout=30000)


def test_a_radius_drag_is_a_gesture(qtbot, rig) -> None:
    kp = rig.session.project.keypoint("b")
    gesture = RadiusDrag(rig.session, "b", (kp.x, kp.y))
    assert rig.session.gesture_active
    gesture.update((kp.x + 30, kp.y))
    gesture.finish()
    assert not rig.session.gesture_active


def test_without_drafts_nothing_changes(qtbot) -> None:
    rig = make_rig(qtbot, "warp")
    try:
        qtbot.waitUntil(lambda: rig.link._drafts is False, timeout=30000)
        results: list[PreviewResult] = []
        rig.worker.result_ready.connect(results.append)
        gesture = drag(qtbot, rig)
        seq = rig.link.last_seq
        gesture.finish()
        assert rig.link.last_seq == seq  # no second render of the same pose on release
        qtbot.waitUntil(lambda: rig.view.shown_seq == seq, timeout=30000)
        assert results and not any(r.draft for r in results)
        assert "draft" not in rig.view.status_text().split(" · ") and not rig.view.shown_draft
    finally:
        rig.link.shutdown()
        rig.worker.shutdown()


def test_full_frames_of_a_drafting_generator_take_every_core_and_drafts_leave_one_for_the_gui(qtbot, rig,
                                                                                            monkeypatch) -> None:
    from studio.engine.device import physical_core_count
    from studio.ui.preview import preview_worker
    from studio.ui.preview.preview_worker import preview_thread_count

    monkeypatch.setattr(preview_worker, "load_average", lambda: 0.5)  # an idle machine
    DraftingGenerator.threads = {"full": set(), "draft": set()}  # the rig's first frame came before the patch
    cores = physical_core_count()
    full, draft = preview_thread_count(cores, full_learned_frame=True), preview_thread_count(cores)
    gesture = drag(qtbot, rig)
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq and rig.view.shown_draft, timeout=30000)
    assert f"CPU ({draft} thread{'s' if draft != 1 else ''})" in rig.view.status_text()
    gesture.finish()
    qtbot.waitUntil(lambda: rig.view.shown_seq == rig.link.last_seq and not rig.view.shown_draft, timeout=30000)
    assert DraftingGenerator.threads == {"full": {full}, "draft": {draft}}
    assert f"CPU ({full} thread{'s' if full != 1 else ''})" in rig.view.status_text()  # the frame's own count
