"""Collects tracked frames into a TrackedMotion as they arrive (from a file job or a live camera)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from studio.capture.motion import TrackedMotion
from studio.capture.trackers.base import TrackedFrame, Tracker


class MotionRecorder:
    """Appends (timestamp, TrackedFrame) samples; ``motion()`` returns the take so far.

    Safe to read from one thread (the UI) while another (the tracking thread) appends. ``origin`` is the source's
    time zero on ``clock`` (time.monotonic): the earliest arrival minus timestamp, i.e. late by at most the
    tracker's fastest frame, so a face take and a sound take recorded together can share one clock.
    """

    def __init__(self, tracker: Tracker, fps: float, frame_size: tuple[int, int],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.tracker_name = tracker.name
        self.landmark_count = tracker.landmark_count
        self.has_head = tracker.has_head
        self.fps = fps
        self.frame_size = frame_size
        self._times: list[float] = []
        self._landmarks: list[np.ndarray] = []
        self._visible: list[np.ndarray] = []
        self._rolls: list[float] = []
        self._poses: list[np.ndarray] = []
        self._depths: list[np.ndarray] = []
        self._lock = threading.Lock()
        self._clock = clock
        self.origin: float | None = None

    def __len__(self) -> int:
        with self._lock:
            return len(self._times)

    def add(self, timestamp: float, frame: TrackedFrame) -> bool:
        """Append one sample; a timestamp not after the last one is skipped (returns False)."""
        if frame.landmarks.shape != (self.landmark_count, 2):
            raise ValueError(f"tracked frame has {frame.landmarks.shape}, expected ({self.landmark_count}, 2)")
        landmarks = np.where(frame.visible[:, None], frame.landmarks, np.nan).astype(np.float32)
        head_pose = frame.extra.get("head_pose")
        pose = np.full(3, np.nan) if head_pose is None else np.asarray(head_pose, dtype=np.float64)
        depth = frame.extra.get("depth")
        depth = (np.full(self.landmark_count, np.nan, np.float32) if depth is None
                 else np.where(frame.visible, depth, np.nan).astype(np.float32))
        arrived = self._clock() - timestamp
        with self._lock:
            if self._times and timestamp <= self._times[-1]:
                return False
            self.origin = arrived if self.origin is None else min(self.origin, arrived)
            self._times.append(float(timestamp))
            self._landmarks.append(landmarks)
            self._visible.append(frame.visible.astype(bool))
            self._rolls.append(float(head_pose[2]) if head_pose is not None else float("nan"))
            self._poses.append(pose)
            self._depths.append(depth)
        return True

    def motion(self) -> TrackedMotion:
        """The take recorded so far."""
        count = self.landmark_count
        with self._lock:
            times, landmarks = np.array(self._times, dtype=np.float64), np.array(self._landmarks, np.float32)
            visible, rolls = np.array(self._visible, dtype=bool), np.array(self._rolls, dtype=np.float64)
            poses, depths = np.array(self._poses, np.float64), np.array(self._depths, np.float32)
        return TrackedMotion(
            tracker=self.tracker_name,
            fps=self.fps,
            times=times,
            landmarks=landmarks.reshape(-1, count, 2),
            visible=visible.reshape(-1, count),
            frame_size=self.frame_size,
            head_rotation=rolls if self.has_head else None,
            head_pose=poses.reshape(-1, 3) if self.has_head else None,
            depth=depths.reshape(-1, count) if self.has_head else None,
        )
