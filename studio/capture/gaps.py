"""Filling gaps in tracked motion: frames where a landmark was not seen get a value from its neighbours."""

from __future__ import annotations

import numpy as np

from studio.capture.motion import TrackedMotion

FILL_MODES = ("interpolate", "hold")


def fill_gap_series(times: np.ndarray, values: np.ndarray, known: np.ndarray, mode: str) -> np.ndarray:
    """Fill one channel series over time.

    times: [T]; values: [T, C] (any float dtype); known: [T] bool. "interpolate" draws a straight line
    between the surrounding known samples; "hold" keeps the last known value. Before the first known
    sample both modes hold the first one. A series never known stays NaN (never zero).
    """
    if mode not in FILL_MODES:
        raise ValueError(f"unknown fill mode {mode!r}: choose one of {', '.join(FILL_MODES)}")
    out = np.array(values, dtype=np.float64)
    if not known.any() or known.all():
        return out.astype(values.dtype)
    known_index = np.nonzero(known)[0]
    if mode == "interpolate":
        for c in range(out.shape[1]):
            out[:, c] = np.interp(times, times[known_index], out[known_index, c])
    else:
        last = np.maximum.accumulate(np.where(known, np.arange(len(times)), -1))
        last[last < 0] = known_index[0]
        out = out[last]
    return out.astype(values.dtype)


def _partly_known(known: np.ndarray) -> np.ndarray:
    """Columns of ``known`` [T, N] with both known and unknown samples (the only ones filling changes)."""
    return np.nonzero(known.any(axis=0) & ~known.all(axis=0))[0]


def fill_gaps(motion: TrackedMotion, mode: str = "interpolate") -> TrackedMotion:
    """A copy of ``motion`` with every gap filled per landmark; ``visible`` keeps what was really seen.

    Landmarks the tracker never saw stay NaN. Head rotation, head pose and depths are filled the same way.
    """
    landmarks = motion.landmarks.copy()
    depth = None if motion.depth is None else motion.depth.copy()
    known = motion.visible & ~np.isnan(motion.landmarks).any(axis=2)
    for n in _partly_known(known):
        landmarks[:, n] = fill_gap_series(motion.times, motion.landmarks[:, n], known[:, n], mode)
    if depth is not None:
        seen = known & ~np.isnan(depth)
        for n in _partly_known(seen):
            depth[:, n] = fill_gap_series(motion.times, depth[:, n, None], seen[:, n], mode)[:, 0]
    head_rotation = motion.head_rotation
    if head_rotation is not None:
        known = ~np.isnan(head_rotation)
        head_rotation = fill_gap_series(motion.times, head_rotation[:, None], known, mode)[:, 0]
    head_pose = motion.head_pose
    if head_pose is not None:
        head_pose = fill_gap_series(motion.times, head_pose, ~np.isnan(head_pose).any(axis=1), mode)
    return motion.with_arrays(landmarks=landmarks, head_rotation=head_rotation, head_pose=head_pose, depth=depth)
