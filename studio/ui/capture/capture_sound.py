"""Runs the sound that drives the mouth for the capture panel: a microphone (opened on the GUI thread, it never
blocks) or a sound file (decoded on a worker, then paced to real time), both read on LiveSound's thread; shapes,
errors and the end of a file reach the GUI as queued signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from studio.capture.live_sound import MIC_BUFFER, LiveSound, PacedSoundSource, SoundRecorder
from studio.core.errors import UserError
from studio.lipsync.live_mouth import SoundSource
from studio.ui.capture.capture_runner import error_text
from studio.ui.capture.capture_source import SoundChoice
from studio.ui.threads import BackgroundJob

if TYPE_CHECKING:
    from collections.abc import Callable

SOUND_ENDED = "the sound file ended"


def open_sound_file(choice: SoundChoice) -> SoundSource:
    """The file decoded to 16 kHz mono and paced like a microphone (blocking: call it off the GUI thread)."""
    from studio.lipsync.live_mouth import FileSoundSource

    assert choice.path is not None
    return PacedSoundSource(FileSoundSource(choice.path), MIC_BUFFER)


class SoundRunner(QObject):
    """Owns at most one running sound. ``shape_ready(seconds, shape)`` per shape (stream seconds), ``ended(reason)``
    when a file ends, ``failed(message)`` on an error (one line). ``stop`` joins the thread.

    ``file_opener`` opens a file choice off the GUI thread (tests may give another pacing).
    """

    shape_ready = Signal(float, str)
    failed = Signal(str)
    ended = Signal(str)
    file_started = Signal(str)  # a sound file (path) began to drive the mouth: the window plays it aloud
    silenced = Signal()  # the sound stopped
    _shaped = Signal(int, float, str)
    _crashed = Signal(int, str)
    _finished = Signal(int)

    def __init__(self, parent: QObject | None = None,
                 file_opener: Callable[[SoundChoice], SoundSource] = open_sound_file) -> None:
        super().__init__(parent)
        self.file_opener = file_opener
        self._live: LiveSound | None = None
        self._opening: BackgroundJob | None = None
        self._recorder: SoundRecorder | None = None
        self._generation = 0
        self._shaped.connect(self._relay_shape)
        self._crashed.connect(self._relay_failure)
        self._finished.connect(self._relay_end)

    @property
    def running(self) -> bool:
        """True while a sound is opening or running."""
        return self._opening is not None or self._live is not None

    @property
    def recording(self) -> bool:
        """True while shapes go to the recorder."""
        return self._recorder is not None

    def start(self, choice: SoundChoice, record: bool = False) -> None:
        """Stop any running sound, then open ``choice`` (a file off the GUI thread) and start listening."""
        self.stop()
        self._recorder = SoundRecorder() if record else None
        self._generation += 1
        generation = self._generation
        if choice.is_microphone:
            from studio.ui.capture.capture_mic import MicrophoneSource

            assert choice.device is not None
            try:
                self._listen(generation, MicrophoneSource(choice.device, self))
            except UserError as error:
                self._on_open_failed(generation, str(error))
            return
        job = BackgroundJob(lambda: self.file_opener(choice), self)
        job.succeeded.connect(lambda source: self._on_opened(generation, source, str(choice.path)))
        job.failed.connect(lambda message: self._on_open_failed(generation, message))
        job.finished.connect(job.deleteLater)
        self._opening = job
        job.start()

    def _on_opened(self, generation: int, source: SoundSource, path: str) -> None:
        if generation != self._generation:
            return
        self._opening = None
        self._listen(generation, source)
        self.file_started.emit(path)

    def _on_open_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._opening = None
            self._recorder = None
            self.failed.emit(message)

    def _listen(self, generation: int, source: SoundSource) -> None:
        live = LiveSound(source, lambda seconds, shape: self._shaped.emit(generation, seconds, shape),
                         lambda: self._finished.emit(generation),
                         lambda error: self._crashed.emit(generation, error_text(error)))
        live.recorder = self._recorder
        self._live = live
        live.start()

    def start_recording(self) -> bool:
        """Record the shapes of the running sound from now on; False when no sound runs yet."""
        if self._live is None:
            return False
        self._recorder = SoundRecorder()
        self._live.recorder = self._recorder
        return True

    def take_recording(self) -> SoundRecorder | None:
        """Stop recording (the sound keeps running) and hand over what was recorded."""
        recorder, self._recorder = self._recorder, None
        if self._live is not None:
            self._live.recorder = None
        return recorder

    def stop(self) -> None:
        """Stop the sound and join its thread (a recording, if any, is kept for ``take_recording``)."""
        self._generation += 1
        was_running = self.running
        if self._opening is not None:
            self._opening.wait()
            self._opening = None
        live, self._live = self._live, None
        if live is not None:
            live.stop()
        if was_running:
            self.silenced.emit()

    def _relay_shape(self, generation: int, seconds: float, shape: str) -> None:
        if generation == self._generation:
            self.shape_ready.emit(seconds, shape)

    def _relay_failure(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.stop()
            self.failed.emit(message)

    def _relay_end(self, generation: int) -> None:
        if generation == self._generation:
            self.stop()
            self.ended.emit(SOUND_ENDED)
