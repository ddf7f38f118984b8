"""Named body and hand keypoints bound to mediapipe pose and hands landmarks: the presets, the limbs that turn each
keypoint's local frame, and the body size that scales relative motion.

Names use the subject's own left and right (as mediapipe does). Pose indices follow mediapipe's PoseLandmark
order (33); hand names are ``left_hand_<joint>`` (tracker slots 0-20) and ``right_hand_<joint>`` (21-41), joints
in mediapipe's HandLandmark order.
"""

from __future__ import annotations

import numpy as np

POSE_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
HAND_JOINTS: tuple[str, ...] = (
    "wrist", "thumb_cmc", "thumb_mcp", "thumb_ip", "thumb_tip", "index_finger_mcp", "index_finger_pip",
    "index_finger_dip", "index_finger_tip", "middle_finger_mcp", "middle_finger_pip", "middle_finger_dip",
    "middle_finger_tip", "ring_finger_mcp", "ring_finger_pip", "ring_finger_dip", "ring_finger_tip", "pinky_mcp",
    "pinky_pip", "pinky_dip", "pinky_tip",
)
HAND_SIDES = ("left", "right")

POSE_PRESET: tuple[tuple[str, int], ...] = tuple((name, i) for i, name in enumerate(POSE_NAMES))
HAND_PRESET: tuple[tuple[str, int], ...] = tuple(
    (f"{side}_hand_{joint}", s * len(HAND_JOINTS) + j)
    for s, side in enumerate(HAND_SIDES) for j, joint in enumerate(HAND_JOINTS)
)


def _pose_limbs() -> dict[int, tuple[int, int]]:
    """Pose landmark -> the segment (from, to) whose turn turns its keypoint's frame."""
    index = {name: i for i, name in enumerate(POSE_NAMES)}
    limbs: dict[int, tuple[int, int]] = {}
    for head in ("nose", "mouth_left", "mouth_right", "left_eye_inner", "left_eye", "left_eye_outer",
                 "right_eye_inner", "right_eye", "right_eye_outer", "left_ear", "right_ear"):
        limbs[index[head]] = (index["right_ear"], index["left_ear"])
    for side in ("left", "right"):
        chain = {"shoulder": (f"{side}_shoulder", f"{side}_elbow"), "elbow": (f"{side}_shoulder", f"{side}_elbow"),
                 "wrist": (f"{side}_elbow", f"{side}_wrist"), "pinky": (f"{side}_wrist", f"{side}_index"),
                 "index": (f"{side}_wrist", f"{side}_index"), "thumb": (f"{side}_wrist", f"{side}_index"),
                 "hip": (f"{side}_hip", f"{side}_knee"), "knee": (f"{side}_hip", f"{side}_knee"),
                 "ankle": (f"{side}_knee", f"{side}_ankle"), "heel": (f"{side}_ankle", f"{side}_foot_index"),
                 "foot_index": (f"{side}_ankle", f"{side}_foot_index")}
        for joint, (start, end) in chain.items():
            limbs[index[f"{side}_{joint}"]] = (index[start], index[end])
    return limbs


def _hand_limbs() -> dict[int, tuple[int, int]]:
    """Hand landmark -> its bone (parent joint, joint); the wrist follows wrist -> middle finger knuckle."""
    count = len(HAND_JOINTS)
    limbs: dict[int, tuple[int, int]] = {}
    for slot in range(len(HAND_SIDES)):
        base = slot * count
        limbs[base] = (base, base + 9)
        for finger_start in (1, 5, 9, 13, 17):
            for joint in range(finger_start, finger_start + 4):
                parent = 0 if joint == finger_start else joint - 1
                limbs[base + joint] = (base + parent, base + joint)
    return limbs


POSE_LIMBS = _pose_limbs()
HAND_LIMBS = _hand_limbs()
LIMBS: dict[str, dict[int, tuple[int, int]]] = {"pose": POSE_LIMBS, "hands": HAND_LIMBS}

# Segments whose length is the body size: torso height (shoulder midpoint to hip midpoint), else shoulder width;
# for hands the palm (wrist to middle finger knuckle) of either hand.
_SHOULDERS, _HIPS = (11, 12), (23, 24)


def body_size(points: np.ndarray, tracker: str) -> float | None:
    """The body size of landmark positions [N, 2] (NaN = unknown) for ``tracker``, None when it cannot be measured.

    pose: torso height, else shoulder width; hands: the mean palm length of the hands in view.
    """
    points = np.asarray(points, dtype=np.float64)
    if tracker == "pose" and len(points) > max(_HIPS):
        shoulders, hips = points[list(_SHOULDERS)], points[list(_HIPS)]
        torso = float(np.linalg.norm(shoulders.mean(axis=0) - hips.mean(axis=0)))
        if np.isfinite(torso) and torso > 1e-6:
            return torso
        width = float(np.linalg.norm(shoulders[0] - shoulders[1]))
        return width if np.isfinite(width) and width > 1e-6 else None
    if tracker == "hands" and len(points) >= len(HAND_PRESET):
        count = len(HAND_JOINTS)
        palms = [float(np.linalg.norm(points[s * count + 9] - points[s * count])) for s in range(len(HAND_SIDES))]
        palms = [p for p in palms if np.isfinite(p) and p > 1e-6]
        return float(np.mean(palms)) if palms else None
    return None
