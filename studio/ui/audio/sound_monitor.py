"""Hearing the line that drives the mouth: a sound file the Capture dock reads is played aloud meanwhile.

The file is read on a worker, then played from its start through the same kind of sink as the project's sound
(QtMultimedia in the studio, a fake in tests). A microphone is never played back (it would feed itself).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.ui.audio.audio_clock import AudioSink
from studio.ui.audio.qt_sink import NoSoundOutput, QtSink
from studio.ui.threads import BackgroundJob, start_job


class SoundMonitor(QObject):
    """Plays one sound file at a time from its start; ``stop`` silences it. Without a sound output it stays silent
    and says so once (``message``). ``sink_factory`` makes the sink on first use (tests give a fake one)."""

    message = Signal(str)

    def __init__(self, sink_factory: Callable[[], AudioSink] = QtSink, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sink_factory = sink_factory
        self._sink: AudioSink | None = None
        self._silent = False
        self._wanted = 0  # which play_file call the next loaded file belongs to; stop() makes older ones stale
        self._jobs: list[BackgroundJob] = []

    def play_file(self, path: str) -> None:
        """Read ``path`` off the GUI thread and play it from its start (a later call or ``stop`` wins)."""
        self._wanted += 1
        wanted = self._wanted
        job = start_job(lambda: Path(path).read_bytes(), lambda data: self._play(wanted, data, Path(path).suffix),
                        lambda _error: None, self, lambda: self._jobs.remove(job))
        self._jobs.append(job)

    def stop(self) -> None:
        """Silence the file being played (and one still being read)."""
        self._wanted += 1
        if self._sink is not None:
            self._sink.stop()

    def shutdown(self) -> None:
        """Stop playing and wait for a file still being read (the window is closing)."""
        self.stop()
        for job in list(self._jobs):
            job.wait()

    def _play(self, wanted: int, data: bytes, suffix: str) -> None:
        if wanted != self._wanted:
            return
        sink = self._ready_sink()
        if sink is None:
            return
        sink.load(data, suffix)
        sink.set_gain(1.0)
        sink.play(0.0)

    def _ready_sink(self) -> AudioSink | None:
        """The sink, made on first use; None (said once) when there is no sound output."""
        if self._sink is None and not self._silent:
            try:
                self._sink = self.sink_factory()
            except NoSoundOutput as error:
                self._silent = True
                self.message.emit(f"No sound output ({error}): the sound file drives the mouth silently")
        return self._sink
