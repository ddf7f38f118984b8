"""Retargeting: turn a performer's tracked landmarks into the motion of a project's keypoints.

Pure numpy. Positions are pixels (x right, y down); rotations are radians relative to the rest pose,
positive turning +x towards +y (clockwise on screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studio.capture.gaps import fill_gaps
from studio.capture.motion import TrackedMotion
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.takes import Take

RETARGET_MODES = ("relative", "absolute")


@dataclass(frozen=True)
class Binding:
    """Keypoint ``keypoint`` (index into the project's keypoints) follows tracker landmark ``landmark``."""

    keypoint: int
    landmark: int


def point_spread(points: np.ndarray) -> float:
    """Size of a point set: the diagonal of its bounding box (0 for fewer than two distinct points)."""
    if len(points) < 2:
        return 0.0
    return float(np.linalg.norm(points.max(axis=0) - points.min(axis=0)))


def similarity_fit(source: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Least-squares similarity ``target ≈ scale * R @ source + shift`` (Umeyama 1991, no reflection).

    source, target: [M, 2]. Returns (scale, R [2, 2], shift [2]); one point gives a pure shift.
    """
    source_mean, target_mean = source.mean(axis=0), target.mean(axis=0)
    a, b = source - source_mean, target - target_mean
    variance = float((a**2).sum())
    if len(source) < 2 or variance < 1e-12:
        return 1.0, np.eye(2), target_mean - source_mean
    u, sigma, vt = np.linalg.svd(b.T @ a)
    d = np.diag([1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    rotation = u @ d @ vt
    scale = float(np.trace(np.diag(sigma) @ d) / variance)
    return scale, rotation, target_mean - scale * rotation @ source_mean


def _neutral(motion: TrackedMotion, neutral: int | np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Neutral landmark positions [N, 2] from a frame index or given directly."""
    if isinstance(neutral, (int, np.integer)):
        if not -motion.frame_count <= neutral < motion.frame_count:
            raise UserError(
                f"neutral frame {neutral} is outside the take (0..{motion.frame_count - 1}): pick a frame in it"
            )
        return landmarks[int(neutral)]
    neutral = np.asarray(neutral, dtype=np.float64)
    if neutral.shape != (motion.landmark_count, 2):
        raise ValueError(f"neutral landmarks must be [{motion.landmark_count}, 2], got {neutral.shape}")
    return neutral


def retarget(
    motion: TrackedMotion,
    bindings: Sequence[Binding],
    rest_positions: np.ndarray,
    neutral: int | np.ndarray = 0,
    mode: str = "relative",
    scale: str | float = "auto",
    neutral_roll: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Keypoint positions [T, K, 2] and rotations [T, K] driven by ``motion``.

    relative: ``rest + (landmark - neutral landmark) * scale``; "auto" scale is the size of the bound rest
    positions over the size of the bound neutral landmarks (bounding-box diagonals).
    absolute: landmarks mapped by the similarity that best takes the bound neutral landmarks onto the rest
    positions (a float ``scale`` replaces the fitted scale).
    ``neutral`` is a frame index of the take or landmarks [N, 2]. Head roll, relative to the neutral roll
    (the neutral frame's, or ``neutral_roll``), drives every bound keypoint's rotation. Gaps are
    interpolated first; unbound keypoints and landmarks never seen stay at rest.
    """
    if mode not in RETARGET_MODES:
        raise ValueError(f"unknown retarget mode {mode!r}: choose one of {', '.join(RETARGET_MODES)}")
    rest = np.asarray(rest_positions, dtype=np.float64)
    _check_bindings(bindings, len(rest), motion.landmark_count)
    filled = fill_gaps(motion, "interpolate")
    landmarks = filled.landmarks.astype(np.float64)
    neutral_points = _neutral(motion, neutral, landmarks)
    positions = np.broadcast_to(rest, (motion.frame_count, len(rest), 2)).copy()
    rotations = np.zeros((motion.frame_count, len(rest)))
    if not bindings:
        return positions, rotations
    keys = np.array([b.keypoint for b in bindings])
    marks = np.array([b.landmark for b in bindings])
    anchor = neutral_points[marks]
    seen = ~np.isnan(anchor).any(axis=1)
    if not seen.any():
        raise UserError("the neutral frame has no bound landmark: choose a frame where the performer is seen")
    keys, marks, anchor = keys[seen], marks[seen], anchor[seen]
    moved = _moved(landmarks[:, marks], anchor, rest[keys], mode, scale)
    positions[:, keys] = np.where(np.isnan(moved), rest[keys], moved)
    if filled.head_rotation is not None:
        rotations[:, keys] = _relative_roll(filled.head_rotation, neutral, neutral_roll)[:, None]
    return positions, rotations


def _check_bindings(bindings: Sequence[Binding], keypoint_count: int, landmark_count: int) -> None:
    """ValueError for a binding whose keypoint or landmark does not exist."""
    for binding in bindings:
        if not 0 <= binding.keypoint < keypoint_count or not 0 <= binding.landmark < landmark_count:
            raise ValueError(f"{binding} is out of range ({keypoint_count} keypoints, {landmark_count} landmarks)")


def _moved(tracked: np.ndarray, anchor: np.ndarray, rest: np.ndarray, mode: str,
           scale: str | float) -> np.ndarray:
    """Bound keypoint positions [T, B, 2] from tracked landmarks [T, B, 2], their neutral [B, 2] and rest [B, 2]."""
    if mode == "relative":
        if scale == "auto":
            performer = point_spread(anchor)
            factor = point_spread(rest) / performer if performer > 1e-6 else 1.0
        else:
            factor = float(scale)
        return rest + (tracked - anchor) * factor
    factor, rotation, shift = similarity_fit(anchor, rest)
    if scale != "auto":
        factor = float(scale)
        shift = rest.mean(axis=0) - factor * rotation @ anchor.mean(axis=0)
    return factor * tracked @ rotation.T + shift


def _relative_roll(roll: np.ndarray, neutral: int | np.ndarray, neutral_roll: float | None) -> np.ndarray:
    """Head roll [T] relative to the neutral roll (given, or the neutral frame's), wrapped then unwrapped."""
    reference = neutral_roll
    if reference is None:
        reference = float(roll[int(neutral)]) if isinstance(neutral, (int, np.integer)) else 0.0
    return np.unwrap(np.angle(np.exp(1j * np.nan_to_num(roll - reference))))


def retarget_take(
    motion: TrackedMotion,
    keypoints: Sequence[Keypoint],
    bindings: Sequence[Binding],
    neutral: int | np.ndarray = 0,
    mode: str = "relative",
    scale: str | float = "auto",
    name: str = "take",
    neutral_roll: float | None = None,
) -> Take:
    """The document take (studio.core.takes.Take) of the bound keypoints driven by ``motion``.

    Channel values are absolute: retargeted x, y; the keypoint's rest rotation plus the head roll (relative to
    ``neutral_roll`` when given, as for calibrated landmarks); its rest scale. A sample is valid where the tracker
    saw the bound landmark (filled gaps are not valid).
    """
    bound = sorted({b.keypoint for b in bindings})
    if not bound:
        raise UserError("no keypoint is bound to a tracked landmark: bind keypoints before recording")
    rest = np.array([kp.rest_values for kp in keypoints], dtype=np.float64)
    positions, rotations = retarget(motion, bindings, rest[:, :2], neutral, mode, scale, neutral_roll=neutral_roll)
    values = np.empty((motion.frame_count, len(bound), 4))
    values[:, :, :2] = positions[:, bound]
    values[:, :, 2] = rest[bound, 2] + rotations[:, bound]
    values[:, :, 3] = rest[bound, 3]
    landmark_of = {b.keypoint: b.landmark for b in bindings}
    valid = motion.visible[:, [landmark_of[k] for k in bound]]
    return Take(name, tuple(keypoints[k].id for k in bound), motion.times - motion.times[0], values, valid)
