"""Playing the project's sound with the timeline: in sync during playback, a short snippet while scrubbing.

The window wires it: ``set_playing`` follows the playback controller, ``frame_now`` is the controller's clock
(the frame the sound is at, so playback follows the sound), ``scrub`` is called while the ruler is dragged.
The sink is made on first use; without QtMultimedia or a sound device the studio plays silently and says
so once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.audio import Sound
from studio.ui.audio.audio_clock import AudioClock, AudioSink
from studio.ui.audio.qt_sink import NoSoundOutput, QtSink
from studio.ui.session import Session

SNIPPET_MS = 120  # how long a scrub plays, as After Effects and Blender do
RESYNC_FRAMES = 2.0  # a playhead this far from the sound during playback was moved: the sound jumps there


class SoundPlayer(QObject):
    """The project's sound, played in step with the session's playhead."""

    message = Signal(str)

    def __init__(self, session: Session, sink_factory: Callable[[], AudioSink] = QtSink,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._sink_factory = sink_factory
        self._clock: AudioClock | None = None
        self._silent = False
        self._loaded: bytes | None = None
        self._playing = False
        self._ended_at: float | None = None
        self._snippet = QTimer(self)
        self._snippet.setSingleShot(True)
        self._snippet.timeout.connect(self._end_snippet)
        session.document_changed.connect(self._on_document_changed)
        session.project_replaced.connect(self._on_project_replaced)
        session.frame_changed.connect(self._on_frame_changed)

    @property
    def sound(self) -> Sound | None:
        """The project's sound when it can be heard (present and not muted)."""
        sound = self.session.project.sound
        return sound if sound is not None and sound.gain > 0 else None

    def frame_now(self) -> float | None:
        """The timeline frame the sound is at while it plays (None otherwise): the playback clock."""
        if not self._playing or self._clock is None:
            return None
        frame = self._clock.frame()
        if frame is None and self._clock.running and self._ended_at is None:
            self._ended_at = float(self.session.current_frame)  # the sound ran out: do not restart it here
        return frame

    def set_playing(self, playing: bool) -> None:
        """Follow the playback controller: start the sound at the playhead, or stop it."""
        self._playing = playing
        self._ended_at = None
        self._snippet.stop()
        if playing:
            self._start(self.session.current_frame)
        elif self._clock is not None:
            self._clock.stop()

    def scrub(self, frame: int) -> None:
        """Play a short snippet of the sound at ``frame`` (the ruler is being dragged)."""
        if self._playing:
            return
        if self._start(frame):
            self._snippet.start(SNIPPET_MS)

    def shutdown(self) -> None:
        """Stop the sound and the snippet timer."""
        self._snippet.stop()
        self._playing = False
        if self._clock is not None:
            self._clock.stop()

    def _start(self, frame: float) -> bool:
        """Start the sound at timeline ``frame`` if it is audible there."""
        sound, clock = self.sound, self._ready_clock()
        if sound is None or clock is None:
            return False
        if self._loaded is not sound.data:
            clock.sink.load(sound.data, sound.suffix)
            self._loaded = sound.data
        clock.sink.set_gain(sound.gain)
        return clock.start(frame, self.session.project.timing.fps, sound.offset, math.inf)

    def _ready_clock(self) -> AudioClock | None:
        """The clock over the sink, made on first use; None (said once) when there is no sound output."""
        if self._clock is None and not self._silent:
            try:
                self._clock = AudioClock(self._sink_factory())
            except NoSoundOutput as error:
                self._silent = True
                self.message.emit(f"No sound output ({error}): playing silently")
        return self._clock

    def _end_snippet(self) -> None:
        if not self._playing and self._clock is not None:
            self._clock.stop()

    def _on_frame_changed(self, frame: int) -> None:
        """During playback: start the sound when the playhead enters it, follow the playhead when it jumps."""
        if not self._playing or self.sound is None:
            return
        if self._ended_at is not None and frame < self._ended_at:
            self._ended_at = None  # looped back into the sound
        heard = self._clock.frame() if self._clock is not None else None
        entered = heard is None and self._ended_at is None
        if entered or (heard is not None and abs(heard - frame) > RESYNC_FRAMES):
            self._start(frame)

    def _on_document_changed(self, what: str) -> None:
        if what not in ("sound", "settings") or self._clock is None:
            return
        if self.sound is None:
            self._clock.stop()
        elif self._playing:
            self._ended_at = None
            self._start(self.session.current_frame)

    def _on_project_replaced(self) -> None:
        self.shutdown()
        self._loaded = None
