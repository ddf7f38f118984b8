"""Auto-place face: a detection that finishes before the window connects to it still ends the job."""

from __future__ import annotations

from studio.ui import main_window
from studio.ui.threads import start_job


def test_a_job_that_finished_before_the_connection_is_cleared(qtbot, window, monkeypatch) -> None:
    failures: list[str] = []

    def finished_at_once(session, on_done, on_failure, parent):
        job = start_job(lambda: None, lambda _r: None, failures.append, parent)
        job.wait()  # the worst case: finished is emitted before the window connects to it
        return job

    monkeypatch.setattr(main_window, "start_face_placement", finished_at_once)
    window.auto_place_face()
    qtbot.waitUntil(lambda: window._face_job is None, timeout=5000)
    assert window.face_action.isEnabled()
