"""The audio clock: while the sound plays, the timeline's frame is read from where the sound is, not counted.

Playback that counts wall-clock time drifts from the sound (the audio device's clock is not the CPU's), so
while the sound plays, the frame is ``offset + position x fps`` from the sink's own position: the error never
accumulates. Sinks report their position coarsely (every 10-50 ms), so between two reports the clock adds
the wall time since the last one (at most ``MAX_EXTRAPOLATION``). The sink is an interface, so tests drive the
clock with a fake one (there is no sound device on a build machine).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

MAX_EXTRAPOLATION = 0.1  # seconds the clock runs on from the last reported position when reports stall


class AudioSink(Protocol):
    """Something that plays the project's sound: QtMultimedia in the studio, a fake in tests."""

    def load(self, data: bytes, suffix: str) -> None:
        """Take the sound file's bytes (``suffix`` names its format)."""

    def play(self, seconds: float) -> None:
        """Start playing from ``seconds`` into the sound."""

    def stop(self) -> None:
        """Stop playing."""

    def position(self) -> float | None:
        """Seconds into the sound being heard now, or None when not playing (stopped or past the end)."""

    def set_gain(self, gain: float) -> None:
        """Linear gain (0 = silent)."""


class AudioClock:
    """Maps the sink's play position to (fractional) timeline frames for a sound placed at frame ``offset``."""

    def __init__(self, sink: AudioSink, now: Callable[[], float] = time.perf_counter) -> None:
        self.sink = sink
        self._now = now
        self._running = False
        self._fps = 30.0
        self._offset = 0
        self._reported: float | None = None
        self._reported_at = 0.0

    @property
    def running(self) -> bool:
        """True from ``start`` until ``stop`` (the sink may still have stopped by itself at the sound's end)."""
        return self._running

    def start(self, frame: float, fps: float, offset: int, duration: float) -> bool:
        """Play from timeline ``frame`` when it falls inside the sound (``duration`` seconds from ``offset``);
        returns whether the sound started."""
        seconds = (frame - offset) / fps
        if not 0.0 <= seconds < duration:
            return False
        self._fps, self._offset = fps, offset
        self._reported, self._reported_at = seconds, self._now()
        self.sink.play(seconds)
        self._running = True
        return True

    def stop(self) -> None:
        """Stop the sound."""
        if self._running:
            self._running = False
            self.sink.stop()

    def frame(self) -> float | None:
        """The timeline frame the sound is at now, or None when no sound is playing."""
        if not self._running:
            return None
        position = self.sink.position()
        if position is None:
            return None
        now = self._now()
        if position != self._reported:
            self._reported, self._reported_at = position, now
        ahead = min(max(now - self._reported_at, 0.0), MAX_EXTRAPOLATION)
        return self._offset + (position + ahead) * self._fps
