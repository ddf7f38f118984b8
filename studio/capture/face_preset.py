"""Named face keypoints bound to mediapipe face-mesh landmarks, and placing them on a still image.

Names use the subject's own left and right (as mediapipe and anatomy do): ``left_eye_upper`` is the
eye that appears on the right of a front-facing portrait. Every index is below 468, so the preset
binds to face-mesh output with or without the refined iris landmarks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.core.errors import UserError
from studio.core.keypoints import Keypoint, new_keypoint_id
from studio.landmarks.face_mesh import detect_face_landmarks

FACE_PRESET: tuple[tuple[str, int], ...] = (
    ("forehead", 10),
    ("right_brow_outer", 70),
    ("right_brow_inner", 107),
    ("left_brow_inner", 336),
    ("left_brow_outer", 300),
    ("right_eye_upper", 159),
    ("right_eye_lower", 145),
    ("left_eye_upper", 386),
    ("left_eye_lower", 374),
    ("right_cheek", 234),
    ("left_cheek", 454),
    ("nose_tip", 1),
    ("mouth_right", 61),
    ("mouth_left", 291),
    ("upper_lip", 0),
    ("lower_lip", 17),
    ("jaw_right", 172),
    ("jaw_left", 397),
    ("chin", 152),
)

HEAD_NAME = "head"
HEAD_COLOUR = "#ced4da"

NO_FACE_MESSAGE = "no face found in the image: use --keypoints grid or place keypoints by hand"


def place_face_keypoints(image: np.ndarray) -> list[tuple[str, float, float]]:
    """Place the FACE_PRESET keypoints on a portrait: (name, x, y) in image pixels, in preset order."""
    landmarks = detect_face_landmarks(image)
    if landmarks is None:
        raise UserError(NO_FACE_MESSAGE)
    return [(name, float(landmarks[index, 0]), float(landmarks[index, 1])) for name, index in FACE_PRESET]


def with_head_parent(keypoints: Sequence[Keypoint]) -> list[Keypoint]:
    """The face keypoints under a new "head" keypoint (first in the list) at the centre of their bounding box.

    Moving, turning or scaling the head then carries the eyes, brows and mouth with it; their own keys stay
    relative to it (studio.core.rig).
    """
    if not keypoints:
        return []
    xy = np.array([(kp.x, kp.y) for kp in keypoints], np.float64)
    low, high = xy.min(axis=0), xy.max(axis=0)
    centre = (low + high) / 2.0
    radius = max(4.0, 0.5 * float(np.linalg.norm(high - low)))
    head = Keypoint(new_keypoint_id(), HEAD_NAME, HEAD_COLOUR, float(centre[0]), float(centre[1]), radius=radius)
    return [head, *(kp.with_changes(parent=head.id) for kp in keypoints)]
