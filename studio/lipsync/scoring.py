"""How well cues fit speech whose phone timing is known: the share of 10 ms frames showing an allowed shape."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.lipsync.cues import MouthCue
from studio.lipsync.phones import SILENCE, allowed_shapes
from studio.lipsync.shapes import REST_SHAPES

TruePhone = tuple[str, float, float]  # (ARPAbet or SIL, start seconds, end seconds)


def frames_of(cues: Sequence[MouthCue], frames: int) -> list[str]:
    """The shape shown in each 10 ms frame (at its middle); X after the last cue."""
    shapes = ["X"] * frames
    for cue in cues:
        first, last = _frame(cue.start), min(frames, _frame(cue.end))
        shapes[first:last] = [cue.shape] * max(0, last - first)
    return shapes


def allowed_frames(phones: Sequence[TruePhone], frames: int) -> list[str]:
    """The shapes the rules allow in each 10 ms frame for the true phone there (rest shapes in silence)."""
    allowed = [allowed_shapes(SILENCE, 0)] * frames
    for name, start, end in phones:
        first, last = _frame(start), min(frames, _frame(end))
        allowed[first:last] = [allowed_shapes(name, last - first)] * max(0, last - first)
    return allowed


def accuracy(cues: Sequence[MouthCue], phones: Sequence[TruePhone], tolerance: float = 0.0) -> float:
    """Share of frames whose shape some true phone within ``tolerance`` seconds allows."""
    frames = _frame(phones[-1][2])
    shown = frames_of(cues, frames)
    allowed = allowed_frames(phones, frames)
    reach = _frame(tolerance)
    hits = [any(shape in allowed[j] for j in range(max(0, i - reach), min(frames, i + reach + 1)))
            for i, shape in enumerate(shown)]
    return float(np.mean(hits)) if hits else 0.0


def pause_rest(cues: Sequence[MouthCue], phones: Sequence[TruePhone], min_pause: float = 0.25) -> float:
    """Share of frames inside true pauses of at least ``min_pause`` seconds where the mouth rests (X, A or B)."""
    frames = _frame(phones[-1][2])
    shown = frames_of(cues, frames)
    inside = [shown[i] in REST_SHAPES
              for name, start, end in _merged_pauses(phones) if end - start >= min_pause and name == SILENCE
              for i in range(_frame(start), min(frames, _frame(end)))]
    return float(np.mean(inside)) if inside else 1.0


def _frame(seconds: float) -> int:
    """The 10 ms frame an instant falls on (nearest boundary)."""
    return round(seconds * 100)


def _merged_pauses(phones: Sequence[TruePhone]) -> list[TruePhone]:
    """Adjacent silences joined into one pause."""
    merged: list[TruePhone] = []
    for name, start, end in phones:
        if name == SILENCE and merged and merged[-1][0] == SILENCE and abs(merged[-1][2] - start) < 1e-6:
            merged[-1] = (SILENCE, merged[-1][1], end)
        else:
            merged.append((name, start, end))
    return merged
