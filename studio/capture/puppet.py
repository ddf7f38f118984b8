"""Live puppet: each tracked frame becomes a one-frame driving pose for the preview (runs on the tracking thread).

No Qt here. The GUI swaps in new ``PuppetSettings`` by assignment; the tracking thread notices and restarts
its smoothing filter. Retargeting itself is studio.capture.retarget.retarget on a one-sample motion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from studio.capture.bindings import usable_bindings
from studio.capture.motion import TrackedMotion
from studio.capture.retarget import Binding, retarget
from studio.capture.smoothing import OneEuroFilter, one_euro_settings
from studio.capture.trackers.base import TrackedFrame
from studio.core.keypoints import frames_from_channels
from studio.core.project import PoseArrays


@dataclass(frozen=True, eq=False)
class PuppetSettings:
    """What the puppet needs: bindings, rest channel values [K, 4] (x, y, rotation, scale), radii [K],
    retarget mode, One Euro strength in [0, 1], and the calibrated neutral landmarks [N, 2] and head roll
    (None = the first frame that sees a bound landmark becomes neutral).
    """

    bindings: tuple[Binding, ...]
    rest: np.ndarray
    radii: np.ndarray
    mode: str = "relative"
    strength: float = 0.0
    neutral: np.ndarray | None = None
    neutral_roll: float | None = None


def head_roll(tracked: TrackedFrame) -> float | None:
    """The head roll of a tracked frame in radians, or None when the tracker gives no head pose."""
    head_pose = tracked.extra.get("head_pose")
    return None if head_pose is None else float(head_pose[2])


class LivePuppet:
    """Turns tracked frames into driving poses; keeps the smoothing state between frames of one run."""

    def __init__(self, settings: PuppetSettings) -> None:
        self.settings = settings
        self._applied: PuppetSettings | None = None
        self._filter: OneEuroFilter | None = None
        self._auto_neutral: tuple[np.ndarray, float | None] | None = None

    def pose(self, tracked: TrackedFrame, timestamp: float) -> PoseArrays | None:
        """The pose for this frame: positions [1, K, 2], jacobians [1, K, 2, 2], radii [K]; None if nothing bound
        was seen.
        """
        settings = self.settings
        if settings is not self._applied:
            self._applied = settings
            strength = settings.strength
            self._filter = OneEuroFilter(*one_euro_settings(strength)) if strength > 0 else None
            self._auto_neutral = None
        bindings = usable_bindings(settings.bindings, len(tracked.visible))
        if not bindings or not tracked.visible[[b.landmark for b in bindings]].any():
            return None
        landmarks = np.where(tracked.visible[:, None], tracked.landmarks, np.nan).astype(np.float64)
        if self._filter is not None:
            landmarks = self._filter(landmarks, timestamp)
        roll = head_roll(tracked)
        neutral, neutral_roll = settings.neutral, settings.neutral_roll
        if neutral is None:
            if self._auto_neutral is None:
                self._auto_neutral = (landmarks.copy(), roll)
            neutral, neutral_roll = self._auto_neutral
        motion = TrackedMotion(
            tracker="live", fps=30.0, times=np.zeros(1), landmarks=landmarks[None].astype(np.float32),
            visible=tracked.visible[None].copy(), frame_size=(1, 1),
            head_rotation=None if roll is None else np.array([roll]),
        )
        reference = None if neutral_roll is None or math.isnan(neutral_roll) else neutral_roll
        positions, rotations = retarget(motion, bindings, settings.rest[:, :2], neutral=neutral,
                                        mode=settings.mode, neutral_roll=reference)
        channels = np.array(settings.rest, dtype=np.float64)[None].copy()
        channels[0, :, :2] = positions[0]
        channels[0, :, 2] += rotations[0]
        pose_positions, jacobians = frames_from_channels(channels)
        return PoseArrays(pose_positions, jacobians, settings.radii)
