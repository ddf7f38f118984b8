"""Collects tracked frames into a TrackedMotion as they arrive (from a file job or a live camera)."""

from __future__ import annotations

import numpy as np

from studio.capture.motion import TrackedMotion
from studio.capture.trackers.base import TrackedFrame, Tracker


class MotionRecorder:
    """Appends (timestamp, TrackedFrame) samples; ``motion()`` returns the take so far."""

    def __init__(self, tracker: Tracker, fps: float, frame_size: tuple[int, int]) -> None:
        self.tracker_name = tracker.name
        self.landmark_count = tracker.landmark_count
        self.has_head = tracker.has_head
        self.fps = fps
        self.frame_size = frame_size
        self._times: list[float] = []
        self._landmarks: list[np.ndarray] = []
        self._visible: list[np.ndarray] = []
        self._rolls: list[float] = []

    def __len__(self) -> int:
        return len(self._times)

    def add(self, timestamp: float, frame: TrackedFrame) -> bool:
        """Append one sample; a timestamp not after the last one is skipped (returns False)."""
        if self._times and timestamp <= self._times[-1]:
            return False
        if frame.landmarks.shape != (self.landmark_count, 2):
            raise ValueError(f"tracked frame has {frame.landmarks.shape}, expected ({self.landmark_count}, 2)")
        self._times.append(float(timestamp))
        self._landmarks.append(np.where(frame.visible[:, None], frame.landmarks, np.nan).astype(np.float32))
        self._visible.append(frame.visible.astype(bool))
        head_pose = frame.extra.get("head_pose")
        self._rolls.append(float(head_pose[2]) if head_pose is not None else float("nan"))
        return True

    def motion(self) -> TrackedMotion:
        """The take recorded so far."""
        count = self.landmark_count
        return TrackedMotion(
            tracker=self.tracker_name,
            fps=self.fps,
            times=np.array(self._times, dtype=np.float64),
            landmarks=np.array(self._landmarks, dtype=np.float32).reshape(-1, count, 2),
            visible=np.array(self._visible, dtype=bool).reshape(-1, count),
            frame_size=self.frame_size,
            head_rotation=np.array(self._rolls, dtype=np.float64) if self.has_head else None,
        )
