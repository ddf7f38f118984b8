"""3D head turns: the performer's head rotation retargeted onto keypoints lifted to 3D, under weak perspective.

Each frame's motion is split into a rigid head part and an expression part. With R the head rotation relative to
the neutral (from the face tracker's yaw, pitch, roll), the performer's neutral landmarks N (x, y, depth) predict
``P = s * Π(R (N - c)) + m`` (Π drops z; c the centre of the bound landmarks; scale s and shift m fitted on the
landmarks that move with the skull); the expression is what remains, ``e = L - P``. The portrait's keypoints K
(x, y, depth), rotated about their own centre c_K by the gained and limited rotation R', become
``c_K + f (m - c) + s * Π(R' (K - c_K)) + f e`` with f the performer-to-portrait size ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from studio.capture.trackers.head_pose import RIGID_LANDMARKS


@dataclass(frozen=True)
class HeadLimits:
    """Head-rotation gain (1 = as performed) and the largest yaw and pitch (radians) the portrait turns by."""

    gain: float = 1.0
    max_yaw: float = math.radians(30.0)
    max_pitch: float = math.radians(20.0)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.gain) and self.gain >= 0):
            raise ValueError(f"head gain must be zero or more, got {self.gain}")
        if not (0 <= self.max_yaw <= math.pi / 2 and 0 <= self.max_pitch <= math.pi / 2):
            raise ValueError("head limits must be between 0 and 90 degrees")

    def apply(self, angles: np.ndarray) -> np.ndarray:
        """Angles [..., 3] (yaw, pitch, roll) times the gain, yaw and pitch clipped to the limits."""
        out = np.asarray(angles, dtype=np.float64) * self.gain
        out[..., 0] = np.clip(out[..., 0], -self.max_yaw, self.max_yaw)
        out[..., 1] = np.clip(out[..., 1], -self.max_pitch, self.max_pitch)
        return out


def rotation_matrices(angles: np.ndarray) -> np.ndarray:
    """``R = Rz(roll) Ry(yaw) Rx(pitch)`` [..., 3, 3] from angles [..., 3] (yaw, pitch, roll) in radians.

    Camera axes: x right, y down, z away from the camera (studio.capture.trackers.head_pose's convention).
    """
    angles = np.asarray(angles, dtype=np.float64)
    yaw, pitch, roll = angles[..., 0], angles[..., 1], angles[..., 2]
    cy, sy, cp, sp, cr, sr = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
    out = np.empty(angles.shape[:-1] + (3, 3))
    out[..., 0, 0], out[..., 0, 1], out[..., 0, 2] = cr * cy, cr * sy * sp - sr * cp, cr * sy * cp + sr * sp
    out[..., 1, 0], out[..., 1, 1], out[..., 1, 2] = sr * cy, sr * sy * sp + cr * cp, sr * sy * cp - cr * sp
    out[..., 2, 0], out[..., 2, 1], out[..., 2, 2] = -sy, cy * sp, cy * cp
    return out


def euler_from_matrices(rotations: np.ndarray) -> np.ndarray:
    """(yaw, pitch, roll) [..., 3] of rotations [..., 3, 3] built as in ``rotation_matrices``."""
    yaw = np.arcsin(np.clip(-rotations[..., 2, 0], -1.0, 1.0))
    pitch = np.arctan2(rotations[..., 2, 1], rotations[..., 2, 2])
    roll = np.arctan2(rotations[..., 1, 0], rotations[..., 0, 0])
    return np.stack([yaw, pitch, roll], axis=-1)


def relative_angles(poses: np.ndarray, neutral_pose: np.ndarray) -> np.ndarray:
    """Head rotation of each frame relative to the neutral, as (yaw, pitch, roll) [T, 3]."""
    relative = rotation_matrices(poses) @ rotation_matrices(neutral_pose).T
    return euler_from_matrices(relative)


def _fit_rows(neutral3d: np.ndarray, landmarks: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Landmarks the rigid fit uses: the skull ones when the face mesh is there, else the bound ones; all known."""
    rows = RIGID_LANDMARKS if len(neutral3d) > RIGID_LANDMARKS.max() else np.unique(marks)
    known = np.isfinite(neutral3d[rows]).all(axis=1) & np.isfinite(landmarks[:, rows]).all(axis=(0, 2))
    return rows[known]


def head_turn(landmarks: np.ndarray, poses: np.ndarray, neutral_points: np.ndarray, neutral_depth: np.ndarray,
              neutral_pose: np.ndarray, marks: np.ndarray, rest3d: np.ndarray, factor: float,
              limits: HeadLimits) -> tuple[np.ndarray, np.ndarray] | None:
    """Bound keypoint positions [T, B, 2] and the applied head roll [T]; None when the head cannot be fitted.

    landmarks: [T, N, 2] gap-filled; poses: [T, 3] head angles; neutral_points [N, 2], neutral_depth [N],
    neutral_pose [3]; marks: [B] bound landmark of each bound keypoint; rest3d: [B, 3] the keypoints' rest
    (x, y, depth); factor: portrait size / performer size.
    """
    neutral3d = np.column_stack([neutral_points, neutral_depth])
    anchor = neutral3d[marks]
    rows = _fit_rows(neutral3d, landmarks, marks)
    if len(rows) < 3 or not np.isfinite(anchor).all() or not np.isfinite(poses).all():
        return None
    true_angles = relative_angles(poses, neutral_pose)
    true_rot = rotation_matrices(true_angles)
    centre = anchor.mean(axis=0)
    fit_model = np.einsum("tij,nj->tni", true_rot, neutral3d[rows] - centre)[..., :2]
    observed = landmarks[:, rows].astype(np.float64)
    model_c = fit_model - fit_model.mean(axis=1, keepdims=True)
    observed_c = observed - observed.mean(axis=1, keepdims=True)
    scale = (model_c * observed_c).sum(axis=(1, 2)) / np.maximum((model_c**2).sum(axis=(1, 2)), 1e-9)
    shift = observed.mean(axis=1) - scale[:, None] * fit_model.mean(axis=1)
    predicted = scale[:, None, None] * np.einsum("tij,nj->tni", true_rot, anchor - centre)[..., :2]
    expression = landmarks[:, marks] - (predicted + shift[:, None])
    applied = limits.apply(true_angles)
    rest_centre = rest3d.mean(axis=0)
    turned = np.einsum("tij,nj->tni", rotation_matrices(applied), rest3d - rest_centre)[..., :2]
    moved = (rest_centre[:2] + factor * (shift - centre[:2]))[:, None] + scale[:, None, None] * turned
    return moved + factor * expression, applied[:, 2]
