"""Worker threads of the UI: every QThread the studio starts is tracked, so tests can catch leaks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QThread, Signal

from studio.core.errors import CancelledError, UserError

_log = logging.getLogger(__name__)
_threads: set[QThread] = set()


def _forget_finished() -> None:
    """Drop threads that finished or that Qt already deleted (no signal connection: it would make a cycle)."""
    _threads.difference_update([t for t in _threads if not shiboken6.isValid(t) or t.isFinished()])


def track_thread(thread: QThread) -> None:
    """Remember a thread until it finishes, so that ``running_threads`` can report it."""
    _forget_finished()
    _threads.add(thread)


def running_threads() -> list[QThread]:
    """Tracked threads that are still running (tests fail when one outlives its test)."""
    _forget_finished()
    return [thread for thread in _threads if thread.isRunning()]


class BackgroundJob(QThread):
    """Runs one function off the GUI thread; ``succeeded(result)`` or ``failed(message)`` arrive queued.

    A UserError becomes its one-line message; any other exception is logged and reported in one line,
    so a bug in a job never reaches the user as a traceback.
    """

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[[], Any], parent: Any = None) -> None:
        super().__init__(parent)
        self._function = function
        track_thread(self)

    def run(self) -> None:
        """Call the function on this thread and emit its outcome."""
        try:
            result = self._function()
        except (UserError, CancelledError) as error:
            self.failed.emit(str(error))
            return
        except Exception as error:  # a bug must reach the user as a message, not a dead thread
            _log.exception("background job failed")
            self.failed.emit(f"unexpected error: {type(error).__name__}: {error}")
            return
        self.succeeded.emit(result)


def start_job(function: Callable[[], Any], on_success: Callable[[Any], None],
              on_failure: Callable[[str], None], parent: Any = None,
              on_finished: Callable[[], None] | None = None) -> BackgroundJob:
    """Start ``function`` on a BackgroundJob and connect its outcome; the job deletes itself when done.

    ``on_finished`` runs when the thread has ended, before the job is deleted: everything is connected before the
    thread starts, so a job that ends at once still reports (a connection made after this returns could miss it).
    """
    job = BackgroundJob(function, parent)
    job.succeeded.connect(on_success)
    job.failed.connect(on_failure)
    if on_finished is not None:
        job.finished.connect(on_finished)
    job.finished.connect(job.deleteLater)
    job.start()
    return job


class JobGroup:
    """The jobs one owner starts (``start``), forgotten as they end; ``wait`` joins those still running."""

    def __init__(self) -> None:
        self._jobs: list[BackgroundJob] = []

    def start(self, function: Callable[[], Any], on_success: Callable[[Any], None],
              on_failure: Callable[[str], None]) -> None:
        """Start ``function`` on a job (see ``start_job``) and keep it until it ends."""
        job = start_job(function, on_success, on_failure,
                        on_finished=lambda: self._jobs.remove(job) if job in self._jobs else None)
        self._jobs.append(job)

    @property
    def running(self) -> bool:
        """True while one of the jobs has not been seen to end."""
        return bool(self._jobs)

    def wait(self) -> None:
        """Wait for the jobs still running (the owner is shutting down)."""
        for job in list(self._jobs):
            job.wait()
