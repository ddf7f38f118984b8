"""Worker jobs that finish before the code that started them returns still end: the face placement, the region
commands (a region job whose end went unnoticed kept the canvas tools busy, and its deleted thread crashed the
window's shutdown in one full run)."""

from __future__ import annotations

import numpy as np

from studio.ui import main_window, threads
from studio.ui.canvas import canvas_tools
from studio.ui.threads import start_job


def test_a_job_that_finished_before_the_connection_is_cleared(qtbot, window, monkeypatch) -> None:
    failures: list[str] = []

    def finished_at_once(session, on_done, on_failure, parent, on_finished):
        job = start_job(lambda: None, lambda _r: None, failures.append, parent, on_finished)
        job.wait()  # the worst case: finished is emitted before the window connects to it
        return job

    monkeypatch.setattr(main_window, "start_face_placement", finished_at_once)
    window.auto_place_face()
    qtbot.waitUntil(lambda: window._face_job is None, timeout=5000)
    assert window.face_action.isEnabled()


def test_a_region_job_that_ends_before_start_job_returns_frees_the_region_commands(qtbot, window,
                                                                                  monkeypatch) -> None:
    def start_and_finish(*args, **kwargs):
        job = threads.start_job(*args, **kwargs)
        job.wait()  # the worst case: the thread has ended before the caller can connect anything to it
        return job

    found = np.full((96, 96), 255, np.uint8)
    monkeypatch.setattr("studio.capture.person_matte.person_matte", lambda image: found)
    monkeypatch.setattr(canvas_tools, "start_job", start_and_finish)
    window.canvas_tools.suggest_action.trigger()
    qtbot.waitUntil(lambda: window.canvas_tools.suggest_action.isEnabled(), timeout=10000)
    assert window.canvas_tools._job is None and window.session.project.region_png is not None
