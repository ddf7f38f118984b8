"""Thread tracking holds no signal connection (no reference cycle) and forgets finished or deleted threads."""

from __future__ import annotations

from PySide6.QtCore import SIGNAL, QEvent
from PySide6.QtWidgets import QApplication

from studio.ui import threads
from studio.ui.threads import BackgroundJob, running_threads


def test_a_finished_job_is_forgotten_and_holds_no_connection(qtbot) -> None:
    job = BackgroundJob(lambda: 42)
    assert job.receivers(SIGNAL("finished()")) == 0, "a connection from the tracker would keep the job in a cycle"
    with qtbot.waitSignal(job.succeeded, timeout=10000):
        job.start()
    job.wait()
    assert job not in running_threads()
    assert job not in threads._threads


def test_a_job_deleted_by_qt_is_forgotten_without_touching_it(qtbot) -> None:
    job = BackgroundJob(lambda: None)
    job.start()
    job.wait()
    job.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert running_threads() == []
