"""Retiming a take: resampling to the project's frame rate and reducing samples to few keys."""

from __future__ import annotations

import math

import numpy as np

from studio.capture.motion import TrackedMotion
from studio.capture.smoothing import unwrap_known
from studio.core.key_reduction import reduce_keys


def key_reduce(times: np.ndarray, values: np.ndarray, tolerance: float) -> np.ndarray:
    """Indices of the samples to keep as keys (first and last always) so that straight lines between them
    stay within ``tolerance`` of every sample in every channel (Ramer-Douglas-Peucker over time).

    times: [T] increasing; values: [T, ...] without NaN. Returns int64 [M], increasing.
    """
    values = np.asarray(values, dtype=np.float64)
    if np.isnan(values).any():
        raise ValueError("key_reduce needs values without gaps: fill the gaps first")
    return np.asarray(reduce_keys(np.asarray(times, dtype=np.float64), values, tolerance), dtype=np.int64)


def resample(motion: TrackedMotion, fps: float) -> TrackedMotion:
    """The take sampled every 1/fps s from its first sample to its last, linear in time.

    A resampled landmark is visible only where both surrounding samples saw it; elsewhere it is a gap
    (NaN), so gaps are neither invented nor hidden. Head roll is interpolated on the unwrapped angle.
    """
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps}")
    if motion.frame_count < 2:
        return motion.with_arrays(fps=float(fps))
    count = math.floor(motion.duration * fps + 1e-6) + 1
    grid = motion.times[0] + np.arange(count) / fps
    right = np.clip(np.searchsorted(motion.times, grid, side="left"), 1, motion.frame_count - 1)
    left = right - 1
    weight = np.clip((grid - motion.times[left]) / (motion.times[right] - motion.times[left]), 0.0, 1.0)
    landmarks, visible = _blend(motion.landmarks, motion.visible, left, right, weight)
    head_rotation = motion.head_rotation
    if head_rotation is not None:
        head_rotation, _ = _blend(unwrap_known(head_rotation), ~np.isnan(head_rotation), left, right, weight)
    head_pose = motion.head_pose
    if head_pose is not None:
        head_pose, _ = _blend(unwrap_known(head_pose), ~np.isnan(head_pose), left, right, weight)
    depth = motion.depth
    if depth is not None:
        depth = _blend(depth, motion.visible, left, right, weight)[0].astype(np.float32)
    return motion.with_arrays(
        fps=float(fps), times=grid, landmarks=landmarks.astype(np.float32), visible=visible,
        head_rotation=head_rotation, head_pose=head_pose, depth=depth,
    )


def _blend(
    values: np.ndarray, known: np.ndarray, left: np.ndarray, right: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Linear blend of samples ``left`` and ``right`` (values [T, ...], known [T, ...] bool) at ``weight``.

    The result is known where each side it depends on is known (a side with zero weight is ignored);
    unknown results are NaN.
    """
    shape = (-1,) + (1,) * (values.ndim - 1)
    w = weight.reshape(shape)
    on_left, on_right = np.isclose(w, 0.0), np.isclose(w, 1.0)
    ok = (known[left] | _trim(on_right, known.ndim)) & (known[right] | _trim(on_left, known.ndim))
    a, b = np.nan_to_num(values[left].astype(np.float64)), np.nan_to_num(values[right].astype(np.float64))
    blended = (1 - w) * a + w * b
    mask = ok.reshape(ok.shape + (1,) * (values.ndim - known.ndim))
    return np.where(mask, blended, np.nan), ok


def _trim(flags: np.ndarray, ndim: int) -> np.ndarray:
    """Drop trailing singleton axes so ``flags`` broadcasts against an array of ``ndim`` axes."""
    return flags.reshape(flags.shape[:ndim])
