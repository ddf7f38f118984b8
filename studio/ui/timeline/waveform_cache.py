"""The audio row's waveform envelopes: each sound is decoded once, on a worker thread, and kept."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.media.sound_file import ENVELOPE_BINS_PER_SECOND, waveform_envelope
from studio.ui.threads import BackgroundJob, start_job


class WaveformCache(QObject):
    """Envelopes by sound (the bytes object a Sound holds: copies of a Sound share it); ``ready`` when one is in."""

    ready = Signal()
    failed = Signal(str)
    bins_per_second = ENVELOPE_BINS_PER_SECOND

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._envelopes: dict[int, tuple[bytes, np.ndarray]] = {}
        self._jobs: dict[int, BackgroundJob] = {}

    def envelope(self, data: bytes) -> np.ndarray | None:
        """The envelope of ``data`` if computed; else None, and it is being computed (``ready`` follows)."""
        key = id(data)
        kept = self._envelopes.get(key)
        if kept is not None and kept[0] is data:
            return kept[1]
        if key not in self._jobs:
            self._jobs[key] = start_job(lambda: waveform_envelope(data), lambda env: self._done(data, env),
                                        lambda reason: self._failed(data, reason), self)
        return None

    def wait(self) -> None:
        """Wait for the envelopes being computed (shutdown and tests)."""
        for job in list(self._jobs.values()):
            job.wait()

    def _done(self, data: bytes, envelope: np.ndarray) -> None:
        self._jobs.pop(id(data), None)
        if len(self._envelopes) >= 8:  # a few sounds are plenty (undo across replacements); drop the old ones
            self._envelopes.clear()
        self._envelopes[id(data)] = (data, envelope)
        self.ready.emit()

    def _failed(self, data: bytes, reason: str) -> None:
        self._jobs.pop(id(data), None)
        self._envelopes[id(data)] = (data, np.zeros(0, np.float32))
        self.failed.emit(f"Could not read the sound's waveform: {reason}")
