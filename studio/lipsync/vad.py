"""Voice activity from loudness: which 10 ms frames hold speech, and where to cut long audio at pauses."""

from __future__ import annotations

import numpy as np

FRAME = 160  # samples per 10 ms frame at 16 kHz
MIN_PAUSE = 20  # frames of quiet that make a pause worth cutting at
HANGOVER = 15  # quiet gaps shorter than this (frames) inside speech still count as speech
MIN_BURST = 5  # louder bursts shorter than this (frames) are clicks, not speech


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """Loudness of every 10 ms frame in dB (full scale); a partial last frame is padded with silence."""
    count = max(1, -(-len(samples) // FRAME))
    padded = np.zeros(count * FRAME, dtype=np.float64)
    padded[: len(samples)] = samples
    power = np.mean(padded.reshape(count, FRAME) ** 2, axis=1)
    return 10.0 * np.log10(power + 1e-10)


def speech_frames(samples: np.ndarray) -> np.ndarray:
    """A bool per 10 ms frame: True where someone speaks (above the noise floor and near the loud parts)."""
    levels = frame_levels(samples)
    floor, peak = np.percentile(levels, 10), np.percentile(levels, 99)
    threshold = max(floor + 10.0, peak - 35.0)
    loud = levels > threshold
    return _drop_runs(_drop_runs(loud, False, HANGOVER), True, MIN_BURST)


def _drop_runs(mask: np.ndarray, value: bool, shorter_than: int) -> np.ndarray:
    """``mask`` with every inner run of ``value`` shorter than ``shorter_than`` frames flipped."""
    result = mask.copy()
    for start, end in _runs(mask, value):
        if end - start < shorter_than and start > 0 and end < len(mask):
            result[start:end] = not value
    return result


def _runs(mask: np.ndarray, value: bool) -> list[tuple[int, int]]:
    """(start, end) frame ranges where ``mask`` equals ``value``."""
    padded = np.concatenate([[False], mask == value, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def pauses(speech: np.ndarray, min_frames: int = MIN_PAUSE) -> list[tuple[int, int]]:
    """(start, end) frame ranges of quiet at least ``min_frames`` long."""
    return [(s, e) for s, e in _runs(speech, False) if e - s >= min_frames]


def chunk_bounds(samples: np.ndarray, target: float = 6.0, longest: float = 12.0) -> list[tuple[int, int]]:
    """Frame ranges covering the audio, cut in the middle of pauses about every ``target`` seconds.

    A stretch with no pause is cut at its quietest frame so no chunk exceeds ``longest`` seconds.
    """
    speech = speech_frames(samples)
    levels = frame_levels(samples)
    total = len(speech)
    cuts = [(s + e) // 2 for s, e in pauses(speech)]
    target_frames, longest_frames = int(target * 100), int(longest * 100)
    bounds: list[tuple[int, int]] = []
    start = 0
    while total - start > target_frames + target_frames // 2:
        ahead = [c for c in cuts if start + target_frames <= c <= start + longest_frames]
        if ahead:
            cut = ahead[0]
        elif total - start <= longest_frames:
            break
        else:
            window = levels[start + target_frames: start + longest_frames]
            cut = start + target_frames + int(np.argmin(window))
        if total - cut < target_frames // 2:
            break
        bounds.append((start, cut))
        start = cut
    bounds.append((start, total))
    return bounds
