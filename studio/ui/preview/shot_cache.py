"""Playback > Cache Shot for Playback: renders the whole shot once on a worker, with progress and Cancel.

The job runs on its own thread with its own generator (the preview keeps rendering meanwhile); its frames
reach the ``FrameCache`` only when every frame is done and the document is still the version it started
from, so a cancelled or outdated job never leaves a half cache in use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from studio.plugins.api import Registry
from studio.ui.preview.frame_cache import FrameCache, ShotJob, render_shot
from studio.ui.threads import BackgroundJob


class ShotCacher(QObject):
    """Runs one caching job at a time. Signals: ``progressed(done, total)``, ``finished(str)`` (a one-line
    outcome: cached, cancelled, outdated or the error)."""

    progressed = Signal(int, int)
    finished = Signal(str)

    def __init__(self, cache: FrameCache, registry_factory: Callable[[], Registry],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache = cache
        self._registry_factory = registry_factory
        self._job: BackgroundJob | None = None
        self._cancel = threading.Event()
        self._shot: ShotJob | None = None
        self._version = -1

    @property
    def running(self) -> bool:
        """True while a job renders."""
        return self._job is not None

    def start(self, shot: ShotJob) -> None:
        """Render ``shot`` in the background (a running job is cancelled first)."""
        self.cancel()
        self._cancel = threading.Event()
        self._shot = shot
        self._version = shot.version
        cancel, factory = self._cancel, self._registry_factory
        job = BackgroundJob(lambda: render_shot(shot, factory, self.progressed.emit, cancel))
        job.succeeded.connect(lambda frames, job=job: self._on_done(job, frames))
        job.failed.connect(lambda message, job=job: self._on_failed(job, message))
        job.finished.connect(job.deleteLater)
        self._job = job
        job.start()

    def document_changed(self, version: int) -> None:
        """The document moved on: a running job's frames would be outdated, so it stops."""
        self._version = version
        if self._job is not None:
            self._cancel.set()

    def cancel(self) -> None:
        """Stop a running job between frames; nothing it rendered is kept."""
        self._cancel.set()

    def wait(self) -> None:
        """Cancel and wait for a running job's thread (at shutdown)."""
        job = self._job
        self._cancel.set()
        if job is not None:
            job.wait()

    def _on_done(self, job: BackgroundJob, frames: dict[int, np.ndarray]) -> None:
        if job is not self._job or self._shot is None:
            return
        self._job = None
        if self._shot.version != self._version:
            self.finished.emit("The shot changed while caching: cache it again to play it at full rate.")
        elif self.cache.adopt(self._shot.version, frames):
            megabytes = self.cache.nbytes / (1024 * 1024)
            self.finished.emit(f"Cached {len(frames)} frames ({megabytes:.0f} MB): playback shows them at full rate.")
        else:
            self.finished.emit("The shot's frames did not fit the cache.")

    def _on_failed(self, job: BackgroundJob, message: str) -> None:
        if job is not self._job:
            return
        self._job = None
        if self._shot is not None and self._shot.version != self._version:
            self.finished.emit("The shot changed while caching: cache it again to play it at full rate.")
        elif self._cancel.is_set():
            self.finished.emit("Caching the shot was cancelled.")
        else:
            self.finished.emit(f"Caching the shot failed: {message}")


def show_progress(cacher: ShotCacher, parent: QWidget | None) -> QProgressDialog:
    """A non-modal progress dialog for a running job: Cancel stops it; it closes when the job ends."""
    dialog = QProgressDialog("Rendering the shot for playback…", "Cancel", 0, 1, parent)
    dialog.setWindowTitle("Cache Shot for Playback")
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    def finished(_message: Any) -> None:
        cacher.progressed.disconnect(progressed)
        cacher.finished.disconnect(finished)
        dialog.close()
        dialog.deleteLater()

    cacher.progressed.connect(progressed)
    cacher.finished.connect(finished)
    dialog.canceled.connect(cacher.cancel)
    dialog.show()
    return dialog
