"""mediapipe pose and hands landmarks of one still image, in pixels (the body and hands keypoint presets)."""

from __future__ import annotations

import numpy as np

from studio.landmarks.frames import as_rgb_uint8

HAND_POINTS = 21


def detect_pose_landmarks(image: np.ndarray) -> np.ndarray | None:
    """Run mediapipe Pose (static image, the model that ships in the wheel) on one RGB uint8 image.

    Returns [33, 3] float32: x, y in pixels and the landmark's visibility score in [0, 1]; None when nobody is found.
    """
    import mediapipe as mp

    rgb = as_rgb_uint8(image)
    height, width = rgb.shape[:2]
    with mp.solutions.pose.Pose(static_image_mode=True, model_complexity=1, min_detection_confidence=0.5) as pose:
        result = pose.process(rgb)
    if result.pose_landmarks is None:
        return None
    return np.array([(p.x * width, p.y * height, p.visibility) for p in result.pose_landmarks.landmark],
                    dtype=np.float32)


def detect_hand_landmarks(image: np.ndarray, mirrored: bool = False) -> dict[str, np.ndarray]:
    """Run mediapipe Hands (static image) on one RGB uint8 image: {"left"|"right": [21, 2] float32 pixels}.

    Sides are the subject's own; mediapipe labels hands as if the picture were a mirrored selfie, so its labels
    are swapped unless ``mirrored``. The more confident hand keeps a side both claim; an empty dict when none.
    """
    import mediapipe as mp

    rgb = as_rgb_uint8(image)
    height, width = rgb.shape[:2]
    with mp.solutions.hands.Hands(static_image_mode=True, max_num_hands=2, model_complexity=1,
                                  min_detection_confidence=0.5) as hands:
        result = hands.process(rgb)
    found: dict[str, np.ndarray] = {}
    if not result.multi_hand_landmarks:
        return found
    ranked = sorted(zip(result.multi_handedness, result.multi_hand_landmarks, strict=True),
                    key=lambda pair: -pair[0].classification[0].score)
    for handedness, hand in ranked:
        label = handedness.classification[0].label.lower()
        side = label if mirrored else {"left": "right", "right": "left"}[label]
        if side in found:
            side = "left" if side == "right" else "right"
        if side not in found:
            found[side] = np.array([(p.x * width, p.y * height) for p in hand.landmark], dtype=np.float32)
    return found
