"""A waving stick figure and a waving hand for body and hands capture tests: known landmarks per frame (mediapipe
pose and hands order), drawn with OpenCV, and fake trackers that report them through the tracker contract.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from studio.capture.body_preset import HAND_JOINTS, POSE_NAMES
from studio.capture.trackers.base import TrackedFrame, Tracker

# Standing figure, torso height 1 (shoulder midpoint at 0, hip midpoint at (0, 1)), x = image right (subject's left).
_STANDING = {
    "nose": (0.0, -0.55), "left_eye_inner": (0.04, -0.62), "left_eye": (0.07, -0.62), "left_eye_outer": (0.1, -0.62),
    "right_eye_inner": (-0.04, -0.62), "right_eye": (-0.07, -0.62), "right_eye_outer": (-0.1, -0.62),
    "left_ear": (0.15, -0.58), "right_ear": (-0.15, -0.58), "mouth_left": (0.05, -0.47),
    "mouth_right": (-0.05, -0.47), "left_shoulder": (0.35, 0.0), "right_shoulder": (-0.35, 0.0),
    "left_hip": (0.2, 1.0), "right_hip": (-0.2, 1.0), "left_knee": (0.22, 1.5), "right_knee": (-0.22, 1.5),
    "left_ankle": (0.22, 2.0), "right_ankle": (-0.22, 2.0), "left_heel": (0.24, 2.05), "right_heel": (-0.24, 2.05),
    "left_foot_index": (0.3, 2.08), "right_foot_index": (-0.3, 2.08),
}
BONES = (("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
         ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"), ("left_shoulder", "left_hip"),
         ("right_shoulder", "right_hip"), ("left_hip", "right_hip"), ("left_hip", "left_knee"),
         ("left_knee", "left_ankle"), ("right_hip", "right_knee"), ("right_knee", "right_ankle"))


def _direction(angle: float) -> np.ndarray:
    """Unit vector at ``angle`` rad from straight down, turning towards image right."""
    return np.array([math.sin(angle), math.cos(angle)])


def arm_angles(frame: int) -> tuple[float, float]:
    """(upper arm, forearm) angles of the waving right arm at ``frame``: raised, swinging."""
    return -1.2 - 0.5 * math.sin(frame / 4), -0.9 - 0.6 * math.sin(frame / 3)


def skeleton(frame: int, torso: float, origin: tuple[float, float]) -> np.ndarray:
    """The 33 pose landmarks [33, 2] px at ``frame``: the subject's right arm waves; torso height ``torso`` px,
    shoulder midpoint at ``origin``, and the whole figure sways sideways a little.
    """
    points = {name: np.array(xy) for name, xy in _STANDING.items()}
    upper, fore = arm_angles(frame)
    for side, up, low in (("left", 0.3, 0.2), ("right", -upper, -fore)):
        sign = 1.0 if side == "left" else -1.0
        elbow = points[f"{side}_shoulder"] + 0.45 * _direction(sign * up)
        wrist = elbow + 0.4 * _direction(sign * (up + low))
        points[f"{side}_elbow"], points[f"{side}_wrist"] = elbow, wrist
        for name, turn in (("pinky", -0.3), ("index", 0.0), ("thumb", 0.4)):
            points[f"{side}_{name}"] = wrist + 0.12 * _direction(sign * (up + low + turn))
    sway = np.array([0.15 * math.sin(frame / 6), 0.0])
    return np.array([points[name] + sway for name in POSE_NAMES]) * torso + np.asarray(origin)


def draw_figure(points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The stick figure of landmarks [33, 2] on a light background, RGB uint8 of size (width, height)."""
    image = np.full((size[1], size[0], 3), 235, np.uint8)
    index = {name: i for i, name in enumerate(POSE_NAMES)}
    torso = float(np.linalg.norm(points[11] - points[23]))
    thickness = max(2, round(0.12 * torso))
    for start, end in BONES:
        a, b = points[index[start]], points[index[end]]
        cv2.line(image, tuple(int(v) for v in a), tuple(int(v) for v in b), (60, 60, 160), thickness, cv2.LINE_AA)
    head = points[index["nose"]]
    cv2.circle(image, tuple(int(v) for v in head), round(0.2 * torso), (200, 160, 130), -1, cv2.LINE_AA)
    return image


def hand(frame: int, palm: float, origin: tuple[float, float]) -> np.ndarray:
    """21 hand landmarks [21, 2] px (mediapipe order) of an open hand whose fingers curl and whose wrist turns."""
    turn = 0.4 * math.sin(frame / 5)
    curl = 0.5 + 0.4 * math.sin(frame / 3)
    points = np.zeros((len(HAND_JOINTS), 2))
    for finger, spread in enumerate((-0.9, -0.3, 0.0, 0.3, 0.6)):
        base = 1 + 4 * finger
        knuckle = np.array([math.sin(spread + turn), -math.cos(spread + turn)]) * (0.7 if finger == 0 else 1.0)
        points[base] = knuckle
        angle = spread + turn
        for joint in range(1, 4):
            angle += curl * (0.5 if finger else 0.3)
            points[base + joint] = points[base + joint - 1] + 0.35 * np.array([math.sin(angle), -math.cos(angle)])
    return points * palm + np.asarray(origin)


class ScriptedTracker(Tracker):
    """Reports scripted landmarks, one frame per call (all gaps on the frames in ``unseen``)."""

    def __init__(self, name: str, frames: list[np.ndarray], unseen: set[int] = frozenset()) -> None:
        self.name, self.frames, self.unseen, self.count = name, frames, set(unseen), 0
        self.landmark_count = len(frames[0])

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        index, self.count = self.count, self.count + 1
        if index in self.unseen or index >= len(self.frames):
            return self.lost()
        visible = ~np.isnan(self.frames[index]).any(axis=1)
        return TrackedFrame(self.frames[index].astype(np.float32), visible)
