"""Keypoint presets placed on a source image by mediapipe: face (lifted to 3D), body (pose) and hands.

One function for `new --keypoints face|body|hands` and the studio's Keypoints menu.
"""

from __future__ import annotations

import numpy as np

from studio.capture.body_preset import HAND_JOINTS, POSE_NAMES, body_size
from studio.capture.face_depth import keypoint_depths
from studio.capture.face_preset import FACE_PRESET, NO_FACE_MESSAGE
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.presets import named_keypoints
from studio.landmarks.body import detect_hand_landmarks, detect_pose_landmarks
from studio.landmarks.face_mesh import detect_face_landmarks

PRESETS = ("face", "body", "hands")
MIN_VISIBILITY = 0.5
NO_BODY_MESSAGE = "no body found in the image: use --keypoints grid or place keypoints by hand"
NO_HANDS_MESSAGE = "no hand found in the image: use --keypoints grid or place keypoints by hand"


def _inside(x: float, y: float, width: int, height: int) -> bool:
    return 0 <= x <= width and 0 <= y <= height


def face_keypoints(image: np.ndarray) -> list[Keypoint]:
    """The face preset on a portrait, each keypoint with its face-mesh depth (lifted to 3D)."""
    mesh = detect_face_landmarks(image)
    if mesh is None:
        raise UserError(NO_FACE_MESSAGE)
    keypoints = named_keypoints([(name, float(mesh[i, 0]), float(mesh[i, 1])) for name, i in FACE_PRESET])
    return [kp.with_changes(depth=d) for kp, d in zip(keypoints, keypoint_depths(mesh, keypoints), strict=True)]


def body_keypoints(image: np.ndarray) -> list[Keypoint]:
    """Keypoints on the pose landmarks mediapipe sees on the image (visible and inside it), named as POSE_NAMES."""
    found = detect_pose_landmarks(image)
    height, width = image.shape[:2]
    if found is None:
        raise UserError(NO_BODY_MESSAGE)
    points = [(name, float(x), float(y)) for name, (x, y, seen) in zip(POSE_NAMES, found, strict=True)
              if seen >= MIN_VISIBILITY and _inside(x, y, width, height)]
    if not points:
        raise UserError(NO_BODY_MESSAGE)
    size = body_size(np.where(found[:, 2:] >= MIN_VISIBILITY, found[:, :2], np.nan), "pose")
    return named_keypoints(points, None if size is None else max(4.0, 0.3 * size))


def hand_keypoints(image: np.ndarray) -> list[Keypoint]:
    """Keypoints on the 21 joints of each hand mediapipe finds, named ``left_hand_wrist``, ``right_hand_...``."""
    hands = detect_hand_landmarks(image)
    height, width = image.shape[:2]
    points = [(f"{side}_hand_{joint}", float(x), float(y))
              for side in ("left", "right") if side in hands
              for joint, (x, y) in zip(HAND_JOINTS, hands[side], strict=True) if _inside(x, y, width, height)]
    if not points:
        raise UserError(NO_HANDS_MESSAGE)
    palms = [float(np.linalg.norm(h[9] - h[0])) for h in hands.values()]
    return named_keypoints(points, max(4.0, 0.5 * float(np.mean(palms))))


def preset_keypoints(preset: str, image: np.ndarray) -> list[Keypoint]:
    """The named preset (face, body or hands) placed on ``image`` (RGB uint8); UserError when nothing is found."""
    placers = {"face": face_keypoints, "body": body_keypoints, "hands": hand_keypoints}
    if preset not in placers:
        raise UserError(f"unknown keypoint preset {preset!r}: choose one of {', '.join(PRESETS)}")
    return placers[preset](image)
