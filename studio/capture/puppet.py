"""Live puppet: each tracked frame becomes a one-frame driving pose for the preview (runs on the tracking thread).

No Qt here. The GUI swaps in new ``PuppetSettings`` by assignment; the tracking thread notices and restarts
its smoothing filter. Retargeting itself is studio.capture.retarget.retarget on a one-sample motion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.capture.bindings import usable_bindings
from studio.capture.head_turn import HeadLimits
from studio.capture.motion import TrackedMotion
from studio.capture.neutral import Neutral, neutral_of_frame
from studio.capture.retarget import Binding, retarget
from studio.capture.smoothing import OneEuroFilter, one_euro_settings
from studio.capture.trackers.base import TrackedFrame
from studio.core.keypoints import frames_from_channels
from studio.core.project import PoseArrays


@dataclass(frozen=True, eq=False)
class PuppetSettings:
    """What the puppet needs: bindings, rest channel values [K, 4] (x, y, rotation, scale), radii [K],
    retarget mode, One Euro strength in [0, 1], the calibrated neutral (None = the first frame that sees a bound
    landmark becomes neutral), the tracker's name (pose and hands turn keypoints with their limbs), the rest
    depths [K] (NaN = flat; None = no keypoint lifted to 3D) and the head rotation gain and limits.
    """

    bindings: tuple[Binding, ...]
    rest: np.ndarray
    radii: np.ndarray
    mode: str = "relative"
    strength: float = 0.0
    neutral: Neutral | None = None
    tracker: str = "live"
    depth: np.ndarray | None = None
    head: HeadLimits | None = None


class LivePuppet:
    """Turns tracked frames into driving poses; keeps the smoothing state between frames of one run."""

    def __init__(self, settings: PuppetSettings) -> None:
        self.settings = settings
        self._applied: PuppetSettings | None = None
        self._filter: OneEuroFilter | None = None
        self._auto_neutral: Neutral | None = None

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
        current = neutral_of_frame(tracked)
        landmarks = current.landmarks
        if self._filter is not None:
            landmarks = self._filter(landmarks, timestamp)
        neutral = settings.neutral
        if neutral is None:
            if self._auto_neutral is None:
                self._auto_neutral = Neutral(landmarks.copy(), current.head_pose, current.depth)
            neutral = self._auto_neutral
        pose = current.head_pose
        motion = TrackedMotion(
            tracker=settings.tracker, fps=30.0, times=np.zeros(1), landmarks=landmarks[None].astype(np.float32),
            visible=tracked.visible[None].copy(), frame_size=(1, 1),
            head_rotation=None if pose is None else pose[2:3].copy(),
            head_pose=None if pose is None else pose[None].copy(),
            depth=None if current.depth is None else current.depth[None].astype(np.float32),
        )
        positions, rotations = retarget(motion, bindings, settings.rest[:, :2], neutral=neutral,
                                        mode=settings.mode, rest_depth=settings.depth, head=settings.head)
        channels = np.array(settings.rest, dtype=np.float64)[None].copy()
        channels[0, :, :2] = positions[0]
        channels[0, :, 2] += rotations[0]
        pose_positions, jacobians = frames_from_channels(channels)
        return PoseArrays(pose_positions, jacobians, settings.radii)
