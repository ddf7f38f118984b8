"""Head pose (yaw, pitch, roll) from 3D face-mesh landmarks by a rigid fit (Kabsch) to a reference face.

Camera axes: x right, y down, z away from the camera (mediapipe's image coordinates). The reference is
the first face seen, turned to face the camera squarely using its eye line and forehead-chin line, so
angles are absolute up to how squarely those lines describe the performer. ``R = Rz(roll) Ry(yaw) Rx(pitch)``;
roll > 0 turns the face clockwise on screen.
"""

from __future__ import annotations

import math

import numpy as np

# Landmarks that move with the skull, not with expressions: eye corners, nose bridge, forehead, cheekbones.
RIGID_LANDMARKS = np.array(
    [33, 133, 263, 362, 1, 4, 5, 6, 168, 195, 197, 10, 151, 9, 8, 234, 454, 127, 356, 93, 323, 21, 251, 54, 284]
)
_RIGHT_EYE_OUTER, _LEFT_EYE_OUTER, _FOREHEAD, _CHIN = 33, 263, 10, 152


def kabsch(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Rotation R [3, 3] minimising |current - R @ reference| over centred point sets [M, 3] (no reflection)."""
    a = reference - reference.mean(axis=0)
    b = current - current.mean(axis=0)
    u, _, vt = np.linalg.svd(b.T @ a)
    d = np.diag([1.0, 1.0, np.sign(np.linalg.det(u @ vt)) or 1.0])
    return u @ d @ vt


def face_axes(points: np.ndarray) -> np.ndarray:
    """Rows: the face's right-to-left eye axis, its downward axis and its forward axis, in camera axes."""
    x = points[_LEFT_EYE_OUTER] - points[_RIGHT_EYE_OUTER]
    x /= np.linalg.norm(x)
    y = points[_CHIN] - points[_FOREHEAD]
    y -= x * (x @ y)
    y /= np.linalg.norm(y)
    return np.stack([x, y, np.cross(x, y)])


def euler_angles(rotation: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in radians of ``R = Rz(roll) Ry(yaw) Rx(pitch)``."""
    yaw = math.asin(float(np.clip(-rotation[2, 0], -1.0, 1.0)))
    pitch = math.atan2(float(rotation[2, 1]), float(rotation[2, 2]))
    roll = math.atan2(float(rotation[1, 0]), float(rotation[0, 0]))
    return yaw, pitch, roll


class HeadPoseEstimator:
    """Estimates head rotation frame after frame against the first face it is given."""

    def __init__(self) -> None:
        self._reference: np.ndarray | None = None

    def reset(self) -> None:
        """Forget the reference face; the next face becomes it."""
        self._reference = None

    def estimate(self, landmarks: np.ndarray) -> tuple[float, float, float]:
        """(yaw, pitch, roll) in radians from face-mesh landmarks [>=468, 3] (x, y, z in pixels)."""
        points = np.asarray(landmarks, dtype=np.float64)
        rigid = points[RIGID_LANDMARKS]
        if self._reference is None:
            self._reference = (rigid - rigid.mean(axis=0)) @ face_axes(points).T
        return euler_angles(kabsch(self._reference, rigid))
