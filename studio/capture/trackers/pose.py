"""Body tracker: mediapipe pose in tracking mode, 33 landmarks (mediapipe's PoseLandmark order)."""

from __future__ import annotations

import numpy as np

from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.landmarks.frames import as_rgb_uint8

POSE_LANDMARK_COUNT = 33


class PoseTracker(Tracker):
    """One person's body; a landmark whose visibility score is below ``min_visibility`` is a gap.

    Uses the full pose model that ships inside the mediapipe package (the lite and heavy ones would
    have to be downloaded); mediapipe's own smoothing is off so the studio's One Euro filter is the
    only smoothing.
    """

    name = "pose"
    landmark_count = POSE_LANDMARK_COUNT

    def __init__(
        self,
        min_visibility: float = 0.5,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        import mediapipe as mp

        self.min_visibility = min_visibility
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=False,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        """Body landmarks in this frame; all gaps when nobody is found."""
        rgb = as_rgb_uint8(frame_rgb)
        height, width = rgb.shape[:2]
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return self.lost()
        marks = result.pose_landmarks.landmark
        points = np.array([(p.x * width, p.y * height) for p in marks], dtype=np.float32)
        visible = np.array([p.visibility >= self.min_visibility for p in marks], dtype=bool)
        points[~visible] = np.nan
        return TrackedFrame(points, visible)

    def close(self) -> None:
        """Release the mediapipe graph."""
        self._pose.close()
