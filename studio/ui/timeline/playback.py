"""Real-time playback: steps the session's current frame at project fps.

A single-shot precise QTimer is re-armed for the wall-clock time of the next frame, so playback keeps
real time: when the GUI thread is late the controller jumps to the frame that is due and counts the
frames it skipped in ``dropped_frames``. With a clock (``set_clock``: the frame the sound is at while it plays)
the frame comes from the clock instead, so picture follows sound and never drifts from it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from studio.ui.session import Session


class PlaybackController(QObject):
    """Play, pause, loop and frame stepping for one session."""

    playing_changed = Signal(bool)
    loop_changed = Signal(bool)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._loop = True
        self._playing = False
        self._dropped = 0
        self._anchor_time = 0.0
        self._anchor_frame = 0
        self._ticks = 0
        self._own_frame: int | None = None
        self._clock: Callable[[], float | None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)
        session.project_replaced.connect(self._on_project_replaced)
        session.document_changed.connect(self._on_document_changed)
        session.frame_changed.connect(self._on_frame_changed)

    @property
    def is_playing(self) -> bool:
        """True while the playhead advances by itself."""
        return self._playing

    @property
    def loop(self) -> bool:
        """True when playback wraps from the range end to its start."""
        return self._loop

    @property
    def dropped_frames(self) -> int:
        """Frames skipped since play() because the GUI thread was late."""
        return self._dropped

    def set_clock(self, clock: Callable[[], float | None] | None) -> None:
        """Follow ``clock`` (a fractional frame, or None when it is not running) instead of counting time."""
        self._clock = clock

    def set_loop(self, enabled: bool) -> None:
        """Turn looping on or off."""
        if enabled != self._loop:
            self._loop = enabled
            self.loop_changed.emit(enabled)

    def play(self) -> None:
        """Start advancing from the current frame (from the range start when parked at the end)."""
        if self._playing:
            return
        timing = self.session.project.timing
        if self.session.current_frame >= timing.end:
            self.session.set_frame(timing.start)
        self._dropped = 0
        self._playing = True
        self._reanchor()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        """Stop advancing; the playhead stays where it is."""
        if not self._playing:
            return
        self._playing = False
        self._timer.stop()
        self.playing_changed.emit(False)

    def toggle(self) -> None:
        """Play when paused, pause when playing (the Space key)."""
        if self._playing:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Pause and rewind to the range start."""
        self.pause()
        self.session.set_frame(self.session.project.timing.start)

    def step(self, delta: int) -> None:
        """Pause and move the playhead by ``delta`` frames (Left/Right keys)."""
        self.pause()
        self.session.set_frame(self.session.current_frame + int(delta))

    def go_to_start(self) -> None:
        """Jump to the first frame of the range."""
        self.session.set_frame(self.session.project.timing.start)

    def go_to_end(self) -> None:
        """Jump to the last frame of the range (pauses: there is nothing left to play)."""
        self.pause()
        self.session.set_frame(self.session.project.timing.end)

    def _reanchor(self) -> None:
        self._anchor_time = time.perf_counter()
        self._anchor_frame = self.session.current_frame
        self._ticks = 0
        self._arm()

    def _arm(self) -> None:
        fps = self.session.project.timing.fps
        due = self._anchor_time + (self._ticks + 1) / fps
        delay_ms = max(0, math.ceil((due - time.perf_counter()) * 1000.0))
        self._timer.start(delay_ms)

    def _on_timer(self) -> None:
        if not self._playing:
            return
        timing = self.session.project.timing
        frame = self._heard_frame()
        if frame is None:
            frame = self._counted_frame()
        elif frame == self.session.current_frame:
            self._arm()
            return
        if frame > timing.end:
            if not self._loop:
                self.session.set_frame(timing.end)
                self.pause()
                return
            frame = timing.start + (frame - timing.start) % timing.frame_count
        self._own_frame = frame
        self.session.set_frame(frame)
        self._own_frame = None
        self._arm()

    def _counted_frame(self) -> int:
        """The frame due by the wall clock since the anchor (counting the frames skipped on the way)."""
        elapsed = time.perf_counter() - self._anchor_time
        due_ticks = max(self._ticks + 1, math.floor(elapsed * self.session.project.timing.fps + 1e-6))
        self._dropped += due_ticks - self._ticks - 1
        self._ticks = due_ticks
        return self._anchor_frame + due_ticks

    def _heard_frame(self) -> int | None:
        """The frame the clock (the sound) is at, re-anchoring the wall-clock count there; None without one."""
        heard = self._clock() if self._clock is not None else None
        if heard is None:
            return None
        whole = math.floor(heard + 1e-6)
        self._anchor_frame, self._ticks = whole, 0
        self._anchor_time = time.perf_counter() - (heard - whole) / self.session.project.timing.fps
        return whole

    def _on_project_replaced(self) -> None:
        self.pause()

    def _on_frame_changed(self, frame: int) -> None:
        if self._playing and frame != self._own_frame:
            self._reanchor()

    def _on_document_changed(self, what: str) -> None:
        if what == "settings" and self._playing:
            self._reanchor()
