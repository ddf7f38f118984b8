"""mediapipe face-mesh landmarks of one still image, in pixels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from studio.landmarks.frames import as_rgb_uint8


def mesh_points(landmarks: Iterable[Any], width: int, height: int) -> np.ndarray:
    """mediapipe's normalised face-mesh landmarks as [N, 3] float32 pixels (z scaled by the width, like x)."""
    return np.array([(p.x * width, p.y * height, p.z * width) for p in landmarks], dtype=np.float32)


def detect_face_landmarks(image: np.ndarray) -> np.ndarray | None:
    """Run mediapipe FaceMesh (static image, refined) on one RGB uint8 image.

    Returns [478, 3] float32: x, y in pixels, z in the same pixel scale (mediapipe's z times the
    image width, smaller = nearer the camera); None when no face is found.
    """
    import mediapipe as mp

    rgb = as_rgb_uint8(image)
    height, width = rgb.shape[:2]
    with mp.solutions.face_mesh.FaceMesh(
        static_image_mode=True, refine_landmarks=True, max_num_faces=1, min_detection_confidence=0.5
    ) as mesh:
        result = mesh.process(rgb)
    if not result.multi_face_landmarks:
        return None
    return mesh_points(result.multi_face_landmarks[0].landmark, width, height)
