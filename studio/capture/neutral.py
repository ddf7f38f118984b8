"""The performer's neutral pose: the frame every later frame is measured against (calibrated or the first seen)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.capture.motion import TrackedMotion
from studio.capture.trackers.base import TrackedFrame


@dataclass(frozen=True, eq=False)
class Neutral:
    """landmarks: float64 [N, 2] px, NaN where unseen; head_pose: (yaw, pitch, roll) rad or None (no head);
    depth: float64 [N] px (larger = further) or None (the tracker gives no depth).
    """

    landmarks: np.ndarray
    head_pose: np.ndarray | None = None
    depth: np.ndarray | None = None

    @property
    def roll(self) -> float | None:
        """The head roll in radians, or None without a head pose."""
        if self.head_pose is None or np.isnan(self.head_pose[2]):
            return None
        return float(self.head_pose[2])


def neutral_of_frame(tracked: TrackedFrame) -> Neutral:
    """A tracked frame as a neutral (what Calibrate Neutral stores)."""
    landmarks = np.where(tracked.visible[:, None], tracked.landmarks, np.nan).astype(np.float64)
    pose = tracked.extra.get("head_pose")
    depth = tracked.extra.get("depth")
    return Neutral(landmarks, None if pose is None else np.asarray(pose, dtype=np.float64),
                   None if depth is None else np.where(tracked.visible, depth, np.nan).astype(np.float64))


def neutral_of_motion(motion: TrackedMotion, index: int, landmarks: np.ndarray | None = None) -> Neutral:
    """Frame ``index`` of a take as its neutral (``landmarks`` [T, N, 2] replaces the take's, e.g. gap-filled)."""
    points = motion.landmarks if landmarks is None else landmarks
    pose = None if motion.head_pose is None else motion.head_pose[index].astype(np.float64)
    if pose is None and motion.head_rotation is not None:
        pose = np.array([np.nan, np.nan, motion.head_rotation[index]])
    depth = None if motion.depth is None else motion.depth[index].astype(np.float64)
    return Neutral(np.asarray(points[index], dtype=np.float64), pose, depth)
