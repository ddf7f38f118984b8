"""A fake audio sink on a fake clock: plays at ``rate`` x real time and reports its position in coarse steps."""

from __future__ import annotations

import math


class FakeTime:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeSink:
    """Reports positions rounded down to ``step`` seconds, advancing at ``rate`` (a device clock that is off)."""

    def __init__(self, time: FakeTime, rate: float = 1.0, step: float = 0.02, duration: float = 1e9) -> None:
        self.time, self.rate, self.step, self.duration = time, rate, step, duration
        self.started_at: float | None = None
        self.start_seconds = 0.0
        self.plays: list[float] = []
        self.stops = 0
        self.gain = 1.0
        self.loaded: tuple[bytes, str] | None = None

    def load(self, data: bytes, suffix: str) -> None:
        self.loaded = (data, suffix)

    def play(self, seconds: float) -> None:
        self.plays.append(seconds)
        self.started_at, self.start_seconds = self.time(), seconds

    def stop(self) -> None:
        self.stops += 1
        self.started_at = None

    def true_position(self) -> float | None:
        if self.started_at is None:
            return None
        position = self.start_seconds + (self.time() - self.started_at) * self.rate
        return position if position < self.duration else None

    def position(self) -> float | None:
        true = self.true_position()
        return None if true is None else math.floor(true / self.step + 1e-9) * self.step

    def set_gain(self, gain: float) -> None:
        self.gain = gain
