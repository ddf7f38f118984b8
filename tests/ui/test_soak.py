"""Long sessions: 20,000 scripted edits, undos, redos and scrubs in the real window keep memory flat and
the event loop responsive (the figures are in docs/reliability.md)."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer

from studio.core import edits
from studio.ui.startup.gc_policy import IdleCollector

OPERATIONS = 20_000
WARM_UP = 5_000  # until the undo history has reached its limit and the tracks their length: steady state
CHUNK = 2  # operations per event-loop turn, as quick user input arrives
MAX_GROWTH_MB = 50
MAX_GUI_CPU_PER_TICK_S = 0.1
# A few gaps may exceed it (never twice over): fresh-clone runs showed 1 to 3 gaps of 104-114 ms, none of it
# collecting, where most runs stay at 43-56 ms. One kind of operation of the studio that got slow would repeat
# about 1,900 times in the run (15,000 operations, 8 kinds), so it still fails.
ALLOWED_SLOW_TICKS = 10


def rss_mb() -> float:
    """Resident set size of this process, from /proc/self/statm."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class TickRecorder:
    """A 10 ms timer on the GUI thread; the gaps between its ticks are the stalls a user would feel.

    Wall-clock gaps include time the machine gave to other processes; GUI-thread CPU time between ticks is
    the work the studio did without returning to the event loop.
    """

    def __init__(self) -> None:
        self.longest_wall = 0.0
        self.longest_cpu = 0.0
        self.gc_in_longest = 0.0  # seconds of garbage collection inside the longest CPU gap (for the report)
        self.slow_ticks = 0  # CPU gaps over MAX_GUI_CPU_PER_TICK_S
        self._gc_seconds = 0.0
        self._gc_started = 0.0
        self._last = (time.monotonic(), time.thread_time(), 0.0)
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._gc_started = time.thread_time()
        else:
            self._gc_seconds += time.thread_time() - self._gc_started

    def _tick(self) -> None:
        now = (time.monotonic(), time.thread_time(), self._gc_seconds)
        self.longest_wall = max(self.longest_wall, now[0] - self._last[0])
        self.slow_ticks += now[1] - self._last[1] > MAX_GUI_CPU_PER_TICK_S
        if now[1] - self._last[1] > self.longest_cpu:
            self.longest_cpu = now[1] - self._last[1]
            self.gc_in_longest = now[2] - self._last[2]
        self._last = now

    def reset(self) -> None:
        """Forget the gaps so far (after warm-up)."""
        self.longest_wall = self.longest_cpu = self.gc_in_longest = 0.0
        self.slow_ticks = 0
        self._last = (time.monotonic(), time.thread_time(), self._gc_seconds)

    def close(self) -> None:
        """Stop the timer and the GC bookkeeping."""
        self.timer.stop()
        gc.callbacks.remove(self._on_gc)


def script(window) -> Callable[[int], None]:
    """Operation ``i`` of a session: moves, keys, undos, redos and scrubs, as the window's own paths do."""
    session = window.session
    frames = session.project.timing.end - session.project.timing.start + 1

    def operation(i: int) -> None:
        step = i % 8
        if step in (0, 4):
            session.set_frame(session.project.timing.start + (i * 7) % frames)
        elif step == 1:
            kp = session.project.keypoints[i % len(session.project.keypoints)]
            session.push(edits.ChangeKeypoint(kp, kp.with_changes(x=kp.x + (1 if i % 16 == 1 else -1))))
        elif step == 2:
            kp_id = session.project.keypoints[(i // 8) % len(session.project.keypoints)].id
            values = session.project.sample_values(session.current_frame)[0][0]
            session.push(edits.set_key(session.project, kp_id, session.current_frame, values))
        elif step in (3, 6):
            window.undo_action.trigger()
        elif step == 5:
            window.redo_action.trigger()
        else:
            kp = session.project.keypoints[0]
            session.push(edits.ChangeKeypoint(kp, kp.with_changes(radius=kp.radius + 0.01)))
        session.finish_gesture()

    return operation


def run_chunked(qtbot, operation: Callable[[int], None], start: int, stop: int) -> None:
    """Run operations start..stop a chunk per event-loop turn, the way user input arrives."""
    position = [start]

    def chunk() -> None:
        end = min(position[0] + CHUNK, stop)
        for i in range(position[0], end):
            operation(i)
        position[0] = end
        if end < stop:
            QTimer.singleShot(0, chunk)

    QTimer.singleShot(0, chunk)
    qtbot.waitUntil(lambda: position[0] >= stop, timeout=600_000)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_twenty_thousand_operations_keep_memory_flat_and_the_loop_responsive(qtbot, window, monkeypatch) -> None:
    collector = IdleCollector()
    collector.start()
    ticks = TickRecorder()
    ticks.timer.start()
    operation = script(window)
    try:
        run_chunked(qtbot, operation, 0, WARM_UP)
        collector.settle()  # as the app does once the renderer is ready
        baseline = rss_mb()
        ticks.reset()
        run_chunked(qtbot, operation, WARM_UP, OPERATIONS)
        growth = rss_mb() - baseline
    finally:
        ticks.close()
        collector.stop()
        gc.unfreeze()
        collector.deleteLater()
    print(f"soak: rss growth {growth:.1f} MB, longest gap {ticks.longest_wall * 1000:.0f} ms wall, "
          f"{ticks.longest_cpu * 1000:.0f} ms GUI-thread CPU ({ticks.gc_in_longest * 1000:.0f} ms of it collecting)")
    assert len(window.session.undo.texts()) <= window.session.undo.limit
    assert growth <= MAX_GROWTH_MB
    report = (f"{ticks.slow_ticks} stalls over {MAX_GUI_CPU_PER_TICK_S * 1000:.0f} ms, the longest "
              f"{ticks.longest_cpu * 1000:.0f} ms ({ticks.gc_in_longest * 1000:.0f} ms of it collecting)")
    assert ticks.slow_ticks <= ALLOWED_SLOW_TICKS, report
    assert ticks.longest_cpu <= 2 * MAX_GUI_CPU_PER_TICK_S, report
