"""Face tracker: mediapipe face mesh in tracking mode (468 landmarks, 478 with irises) plus head pose."""

from __future__ import annotations

import cv2
import numpy as np

from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.capture.trackers.head_pose import HeadPoseEstimator
from studio.landmarks.face_mesh import mesh_points
from studio.landmarks.frames import as_rgb_uint8


def downscaled(frame: np.ndarray, max_side: int | None) -> np.ndarray:
    """The frame shrunk so its longer side is at most ``max_side`` (unchanged when None or small enough)."""
    height, width = frame.shape[:2]
    if not max_side or max(height, width) <= max_side:
        return frame
    factor = max_side / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


class FaceTracker(Tracker):
    """One face: landmarks in pixels and ``extra["head_pose"] = (yaw, pitch, roll)`` in radians.

    refine_landmarks adds the 10 iris landmarks (slower); max_side downscales large frames before the
    network (landmarks still come back in full-frame pixels).
    """

    name = "face"
    has_head = True

    def __init__(
        self,
        refine_landmarks: bool = True,
        max_side: int | None = None,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        import mediapipe as mp

        self.landmark_count = 478 if refine_landmarks else 468
        self.max_side = max_side
        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False,
            max_num_faces=1,
            refine_landmarks=refine_landmarks,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._head = HeadPoseEstimator()

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        """Landmarks of the face in this frame, or all gaps when there is none."""
        rgb = as_rgb_uint8(frame_rgb)
        height, width = rgb.shape[:2]
        result = self._mesh.process(downscaled(rgb, self.max_side))
        if not result.multi_face_landmarks:
            return self.lost()
        points = mesh_points(result.multi_face_landmarks[0].landmark, width, height)
        head_pose = self._head.estimate(points)
        return TrackedFrame(
            points[:, :2].copy(), np.ones(len(points), dtype=bool), {"head_pose": head_pose, "depth": points[:, 2]}
        )

    def close(self) -> None:
        """Release the mediapipe graph."""
        self._mesh.close()
