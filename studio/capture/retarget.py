"""Retargeting: turn a performer's tracked landmarks into the motion of a project's keypoints.

Pure numpy. Positions are pixels (x right, y down); rotations are radians relative to the rest pose,
positive turning +x towards +y (clockwise on screen).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studio.capture.body_preset import LIMBS, body_size
from studio.capture.gaps import fill_gaps
from studio.capture.head_turn import HeadLimits, head_turn
from studio.capture.motion import TrackedMotion
from studio.capture.neutral import Neutral, neutral_of_motion
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


def _neutral(motion: TrackedMotion, neutral: int | np.ndarray | Neutral, neutral_roll: float | None) -> Neutral:
    """The neutral from a frame index of the take, landmarks [N, 2] (with ``neutral_roll``) or a Neutral."""
    if isinstance(neutral, Neutral):
        points = neutral.landmarks
    elif isinstance(neutral, (int, np.integer)):
        if not -motion.frame_count <= neutral < motion.frame_count:
            raise UserError(
                f"neutral frame {neutral} is outside the take (0..{motion.frame_count - 1}): pick a frame in it"
            )
        found = neutral_of_motion(motion, int(neutral))
        if neutral_roll is None:
            return found
        pose = np.array([np.nan, np.nan, np.nan]) if found.head_pose is None else found.head_pose.copy()
        pose[2] = neutral_roll
        return Neutral(found.landmarks, pose, found.depth)
    else:
        points = np.asarray(neutral, dtype=np.float64)
        neutral = Neutral(points, None if neutral_roll is None else np.array([np.nan, np.nan, neutral_roll]))
    if points.shape != (motion.landmark_count, 2):
        raise ValueError(f"neutral landmarks must be [{motion.landmark_count}, 2], got {points.shape}")
    return neutral


def retarget(
    motion: TrackedMotion,
    bindings: Sequence[Binding],
    rest_positions: np.ndarray,
    neutral: int | np.ndarray | Neutral = 0,
    mode: str = "relative",
    scale: str | float = "auto",
    neutral_roll: float | None = None,
    rest_depth: np.ndarray | None = None,
    head: HeadLimits | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Keypoint positions [T, K, 2] and rotations [T, K] driven by ``motion``.

    relative: ``rest + (landmark - neutral landmark) * scale``; "auto" scale is the body size of the bound rest
    positions over the performer's (torso or shoulders for pose, palm for hands, else bounding-box diagonals).
    absolute: landmarks mapped by the similarity that best takes the bound neutral landmarks onto the rest
    positions (a float ``scale`` replaces the fitted scale).
    ``neutral`` is a frame index of the take, landmarks [N, 2] (head roll ``neutral_roll``) or a Neutral.
    Face takes with a head pose and depths, onto keypoints with ``rest_depth`` [K] (NaN = flat), turn the head in
    3D in relative mode (studio.capture.head_turn), limited by ``head``; the head roll (gained and limited by
    ``head``) turns every bound keypoint's frame; pose and hands takes turn each keypoint's frame with its limb.
    Gaps are interpolated first; unbound keypoints and landmarks never seen stay at rest.
    """
    if mode not in RETARGET_MODES:
        raise ValueError(f"unknown retarget mode {mode!r}: choose one of {', '.join(RETARGET_MODES)}")
    rest = np.asarray(rest_positions, dtype=np.float64)
    _check_bindings(bindings, len(rest), motion.landmark_count)
    filled = fill_gaps(motion, "interpolate")
    landmarks = filled.landmarks.astype(np.float64)
    base = _neutral(filled, neutral, neutral_roll)
    positions = np.broadcast_to(rest, (motion.frame_count, len(rest), 2)).copy()
    rotations = np.zeros((motion.frame_count, len(rest)))
    if not bindings:
        return positions, rotations
    keys = np.array([b.keypoint for b in bindings])
    marks = np.array([b.landmark for b in bindings])
    anchor = base.landmarks[marks]
    seen = ~np.isnan(anchor).any(axis=1)
    if not seen.any():
        raise UserError("the neutral frame has no bound landmark: choose a frame where the performer is seen")
    keys, marks, anchor = keys[seen], marks[seen], anchor[seen]
    limits = head or HeadLimits()
    factor = _relative_factor(motion.tracker, motion.landmark_count, anchor, marks, rest[keys], scale)
    moved = _moved(landmarks[:, marks], anchor, rest[keys], mode, factor, scale)
    roll = None
    if mode == "relative" and rest_depth is not None:
        turned = _head_turn(filled, landmarks, base, marks, rest[keys], np.asarray(rest_depth)[keys], factor,
                            limits)
        if turned is not None:
            moved, roll = turned
    positions[:, keys] = np.where(np.isnan(moved), rest[keys], moved)
    if motion.tracker in LIMBS:
        rotations[:, keys] = limb_rotations(landmarks, base.landmarks, marks, LIMBS[motion.tracker])
    elif roll is not None:
        rotations[:, keys] = roll[:, None]
    elif filled.head_rotation is not None:
        rotations[:, keys] = limits.gain * _relative_roll(filled.head_rotation, base.roll)[:, None]
    return positions, rotations


def _head_turn(filled: TrackedMotion, landmarks: np.ndarray, base: Neutral, marks: np.ndarray, rest: np.ndarray,
               depth: np.ndarray, factor: float, limits: HeadLimits) -> tuple[np.ndarray, np.ndarray] | None:
    """3D head-turn positions and roll, or None when the take or the keypoints lack head pose or depth."""
    if filled.head_pose is None or base.head_pose is None or base.depth is None or np.isnan(depth).all():
        return None
    known = ~np.isnan(depth)
    rest3d = np.column_stack([rest, np.where(known, depth, depth[known].mean())])
    return head_turn(landmarks, filled.head_pose, base.landmarks, base.depth, base.head_pose, marks, rest3d,
                     factor, limits)


def limb_rotations(landmarks: np.ndarray, neutral: np.ndarray, marks: np.ndarray,
                   limbs: dict[int, tuple[int, int]]) -> np.ndarray:
    """Turn [T, B] of each bound landmark's limb since the neutral (0 for landmarks without a limb or not seen)."""
    out = np.zeros((len(landmarks), len(marks)))
    columns = np.array([c for c, mark in enumerate(marks) if int(mark) in limbs], dtype=np.int64)
    if not len(columns):
        return out
    starts, ends = np.array([limbs[int(marks[c])] for c in columns]).T
    now = landmarks[:, ends] - landmarks[:, starts]
    then = neutral[ends] - neutral[starts]
    angle = np.arctan2(now[..., 1], now[..., 0]) - np.arctan2(then[:, 1], then[:, 0])
    wrapped = (angle + math.pi) % (2 * math.pi) - math.pi
    out[:, columns] = np.where(np.isnan(wrapped), 0.0, wrapped)
    return np.unwrap(out, axis=0) if len(out) > 1 else out


def _check_bindings(bindings: Sequence[Binding], keypoint_count: int, landmark_count: int) -> None:
    """ValueError for a binding whose keypoint or landmark does not exist."""
    pairs = np.array([(b.keypoint, b.landmark) for b in bindings], dtype=np.int64).reshape(-1, 2)
    bad = (pairs < 0).any(axis=1) | (pairs[:, 0] >= keypoint_count) | (pairs[:, 1] >= landmark_count)
    if bad.any():
        binding = bindings[int(np.argmax(bad))]
        raise ValueError(f"{binding} is out of range ({keypoint_count} keypoints, {landmark_count} landmarks)")


def _relative_factor(tracker: str, count: int, anchor: np.ndarray, marks: np.ndarray, rest: np.ndarray,
                     scale: str | float) -> float:
    """Portrait size over performer size: body size for pose and hands when measurable, else point spreads."""
    if scale != "auto":
        return float(scale)
    on_portrait = np.full((count, 2), np.nan)
    on_portrait[marks] = rest
    on_performer = np.full((count, 2), np.nan)
    on_performer[marks] = anchor
    portrait, performer = body_size(on_portrait, tracker), body_size(on_performer, tracker)
    if portrait is None or performer is None:
        portrait, performer = point_spread(rest), point_spread(anchor)
    return portrait / performer if performer > 1e-6 else 1.0


def _moved(tracked: np.ndarray, anchor: np.ndarray, rest: np.ndarray, mode: str, factor: float,
           scale: str | float) -> np.ndarray:
    """Bound keypoint positions [T, B, 2] from tracked landmarks [T, B, 2], their neutral [B, 2] and rest [B, 2]."""
    if mode == "relative":
        return rest + (tracked - anchor) * factor
    fitted, rotation, shift = similarity_fit(anchor, rest)
    if scale != "auto":
        fitted = float(scale)
        shift = rest.mean(axis=0) - fitted * rotation @ anchor.mean(axis=0)
    return fitted * tracked @ rotation.T + shift


def _relative_roll(roll: np.ndarray, reference: float | None) -> np.ndarray:
    """Head roll [T] relative to the neutral roll (0 when unknown), wrapped then unwrapped."""
    return np.unwrap(np.angle(np.exp(1j * np.nan_to_num(roll - (reference or 0.0)))))


def rest_depths(keypoints: Sequence[Keypoint]) -> np.ndarray | None:
    """The keypoints' depths [K] (NaN where not lifted), or None when none was lifted to 3D."""
    if all(kp.depth is None for kp in keypoints):
        return None
    return np.array([np.nan if kp.depth is None else kp.depth for kp in keypoints], dtype=np.float64)


def retarget_take(
    motion: TrackedMotion,
    keypoints: Sequence[Keypoint],
    bindings: Sequence[Binding],
    neutral: int | np.ndarray | Neutral = 0,
    mode: str = "relative",
    scale: str | float = "auto",
    name: str = "take",
    neutral_roll: float | None = None,
    head: HeadLimits | None = None,
) -> Take:
    """The document take (studio.core.takes.Take) of the bound keypoints driven by ``motion``.

    Channel values are absolute: retargeted x, y (keypoints with a depth turn with the head in 3D); the keypoint's
    rest rotation plus the head roll or limb turn (relative to the neutral); its rest scale. A sample is valid where
    the tracker saw the bound landmark (filled gaps are not valid).
    """
    bound = sorted({b.keypoint for b in bindings})
    if not bound:
        raise UserError("no keypoint is bound to a tracked landmark: bind keypoints before recording")
    rest = np.array([kp.rest_values for kp in keypoints], dtype=np.float64)
    positions, rotations = retarget(motion, bindings, rest[:, :2], neutral, mode, scale, neutral_roll=neutral_roll,
                                    rest_depth=rest_depths(keypoints), head=head)
    values = np.empty((motion.frame_count, len(bound), 4))
    values[:, :, :2] = positions[:, bound]
    values[:, :, 2] = rest[bound, 2] + rotations[:, bound]
    values[:, :, 3] = rest[bound, 3]
    landmark_of = {b.keypoint: b.landmark for b in bindings}
    valid = motion.visible[:, [landmark_of[k] for k in bound]]
    return Take(name, tuple(keypoints[k].id for k in bound), motion.times - motion.times[0], values, valid)
