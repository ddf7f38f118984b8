"""Point tracker: pyramidal Lucas-Kanade optical flow on points placed on the first frame.

Each point is tracked forward and then backward; if the backward track misses its start by more than
``max_error`` pixels, or the point leaves the frame, it is lost for the rest of the take.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.core.errors import UserError
from studio.landmarks.frames import as_rgb_uint8


def check_points_inside(points: np.ndarray, width: int, height: int) -> None:
    """UserError naming the first point outside a width x height frame."""
    for i, (x, y) in enumerate(points):
        if not (0 <= x <= width - 1 and 0 <= y <= height - 1):
            raise UserError(
                f"point {i + 1} ({x:g}, {y:g}) is outside the {width}x{height} frame: "
                "give points inside the first frame"
            )


class FlowTracker(Tracker):
    """Follows the given points ([P, 2] pixels on the first frame) with forward-backward checked LK flow."""

    name = "flow"

    def __init__(
        self,
        points: np.ndarray | list[tuple[float, float]] | None = None,
        window: int = 21,
        levels: int = 3,
        max_error: float = 1.0,
    ) -> None:
        if points is None or len(points) == 0:
            raise UserError("the flow tracker needs points: give --points \"x,y;x,y\" on the first frame")
        start = np.asarray(points, dtype=np.float32).reshape(-1, 2)
        if not np.isfinite(start).all():
            raise UserError("flow tracker points must be finite numbers: give --points \"x,y;x,y\"")
        self._start = start
        self.landmark_count = len(start)
        self.max_error = max_error
        self._lk = {
            "winSize": (window, window),
            "maxLevel": levels,
            "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 0.001),
        }
        self._previous: np.ndarray | None = None
        self._points = start.copy()
        self._alive = np.ones(len(start), dtype=bool)

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        """The points in this frame; the first frame returns them as given."""
        gray = cv2.cvtColor(as_rgb_uint8(frame_rgb), cv2.COLOR_RGB2GRAY)
        height, width = gray.shape
        if self._previous is None:
            check_points_inside(self._start, width, height)
        elif self._alive.any():
            self._step(self._previous, gray, width, height)
        self._previous = gray
        landmarks = np.where(self._alive[:, None], self._points, np.nan).astype(np.float32)
        return TrackedFrame(landmarks, self._alive.copy())

    def _step(self, previous: np.ndarray, current: np.ndarray, width: int, height: int) -> None:
        """Move the live points from ``previous`` to ``current`` and retire the ones that fail."""
        alive = np.nonzero(self._alive)[0]
        start = self._points[alive].reshape(-1, 1, 2)
        forward, status, _ = cv2.calcOpticalFlowPyrLK(previous, current, start, None, **self._lk)
        backward, back_status, _ = cv2.calcOpticalFlowPyrLK(current, previous, forward, None, **self._lk)
        forward, backward = forward.reshape(-1, 2), backward.reshape(-1, 2)
        error = np.linalg.norm(backward - start.reshape(-1, 2), axis=1)
        inside = (
            (forward[:, 0] >= 0) & (forward[:, 0] <= width - 1) & (forward[:, 1] >= 0) & (forward[:, 1] <= height - 1)
        )
        ok = (status.ravel() == 1) & (back_status.ravel() == 1) & (error <= self.max_error) & inside
        ok &= np.isfinite(forward).all(axis=1)
        self._points[alive[ok]] = forward[ok]
        self._alive[alive[~ok]] = False
