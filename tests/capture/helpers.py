"""Hand-made TrackedMotion values for capture unit tests."""

from __future__ import annotations

import numpy as np

from studio.capture.motion import TrackedMotion


def make_motion(
    landmarks: np.ndarray,
    fps: float = 10.0,
    visible: np.ndarray | None = None,
    head_rotation: np.ndarray | None = None,
    tracker: str = "face",
) -> TrackedMotion:
    """A motion sampled at ``fps`` from landmarks [T, N, 2]; NaN landmarks are gaps unless ``visible`` says."""
    landmarks = np.asarray(landmarks, dtype=np.float32)
    if visible is None:
        visible = ~np.isnan(landmarks).any(axis=2)
    return TrackedMotion(
        tracker=tracker,
        fps=fps,
        times=np.arange(len(landmarks)) / fps,
        landmarks=landmarks,
        visible=visible,
        frame_size=(640, 480),
        head_rotation=head_rotation,
    )
