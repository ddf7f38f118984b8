"""A live mouth from sound: the loudness of the last 40 ms picks a mouth shape, every 20 ms (Character Animator's
microphone mode, without recognition). A shape reflects sound at most WINDOW + HOP = 60 ms old, plus what the
source buffers, well inside the 200 ms a live puppet allows.

A microphone and a sound file are the same ``SoundSource``: tests (and rehearsals) feed a file through the code
path a microphone uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from studio.core.audio import ShapePoses
from studio.core.project import Project
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS, face_axes, mouth_pose
from studio.media.audio_decode import SPEECH_RATE, decode_audio

WINDOW = 0.04  # seconds of sound measured for each shape
HOP = 0.02  # a new shape this often
SILENCE_DB = -50.0  # quieter than this is silence, whatever the loudest sound so far
# Below the loudest level so far (dB): rest, then teeth together, open, wide open.
_STEPS = ((-30.0, "X"), (-18.0, "B"), (-8.0, "C"), (0.0, "D"))


class SoundSource(Protocol):
    """Mono float samples in [-1, 1] at ``rate``, in the order they were heard."""

    rate: int

    def read(self, count: int) -> np.ndarray | None:
        """Up to ``count`` new samples (fewer when that is all there is yet); None when the source has ended."""


class FileSoundSource:
    """A sound file (or a stored sound's bytes) read as a live source, decoded once."""

    def __init__(self, sound: Path | str | bytes, rate: int = SPEECH_RATE) -> None:
        self.rate = rate
        self._samples = decode_audio(sound, rate)
        self._next = 0

    def read(self, count: int) -> np.ndarray | None:
        """The next ``count`` samples; None after the end."""
        if self._next >= len(self._samples):
            return None
        chunk = self._samples[self._next: self._next + count]
        self._next += len(chunk)
        return chunk


class LoudnessMouth:
    """Turns a stream of samples into (seconds, shape) every HOP: louder sound opens the mouth wider, relative to
    the loudest sound heard so far (so it suits any microphone gain)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._window = round(WINDOW * rate)
        self._hop = round(HOP * rate)
        self._buffer = np.zeros(0, np.float32)
        self._heard = 0  # samples consumed before the buffer's first sample
        self._loudest = SILENCE_DB

    def feed(self, samples: np.ndarray) -> list[tuple[float, str]]:
        """Shapes for every whole hop the new samples complete, each stamped with the end of its window."""
        self._buffer = np.concatenate([self._buffer, samples.astype(np.float32, copy=False)])
        shapes = []
        while len(self._buffer) >= self._window:
            window = self._buffer[: self._window]
            shapes.append(((self._heard + self._window) / self.rate, self._shape(window)))
            self._buffer = self._buffer[self._hop:]
            self._heard += self._hop
        return shapes

    def _shape(self, window: np.ndarray) -> str:
        level = 10.0 * math.log10(float(np.mean(window.astype(np.float64) ** 2)) + 1e-12)
        self._loudest = max(self._loudest, level)
        if level < SILENCE_DB:
            return "X"
        below = level - self._loudest
        return next(shape for step, shape in _STEPS if below <= step)


def live_shapes(source: SoundSource, chunk: float = 0.01) -> Iterator[tuple[float, str]]:
    """Every (seconds, shape) of ``source``, read ``chunk`` seconds at a time as a microphone delivers it."""
    mouth = LoudnessMouth(source.rate)
    count = max(1, round(chunk * source.rate))
    while (samples := source.read(count)) is not None:
        yield from mouth.feed(samples)


def mouth_values(project: Project, shape: str, amplitude: float = 1.0,
                 poses: ShapePoses | None = None) -> dict[str, tuple[float, float, float, float]]:
    """The mouth keypoints' channel values (keypoint id -> x, y, rotation, scale) for ``shape`` on their rest
    pose: what a live puppet sends for the mouth."""
    u, v, width = face_axes(project)
    pose = mouth_pose(shape, amplitude, poses)
    values = {}
    for kp in project.keypoints:
        if kp.name in MOUTH_KEYPOINTS:
            du, dv = pose[kp.name]
            x, y, rotation, scale = kp.rest_values
            offset = (du * u + dv * v) * width
            values[kp.id] = (float(x + offset[0]), float(y + offset[1]), float(rotation), float(scale))
    return values
