"""Lift face keypoints to 3D: each keypoint's depth from mediapipe's face mesh on the source image.

Depth is the mesh's relative z in source pixels (larger = further from the camera). A keypoint named after the face
preset takes its landmark's z; any other keypoint over the face takes the inverse-distance mean z of the nearest
mesh points; keypoints off the face keep their depth (None = flat, on the head's centre plane).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.capture.face_preset import FACE_PRESET, NO_FACE_MESSAGE
from studio.core.edits import ChangeKeypoint, Edit, Macro
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.landmarks.face_mesh import detect_face_landmarks

NEAREST = 4


def keypoint_depths(mesh: np.ndarray, keypoints: Sequence[Keypoint]) -> list[float | None]:
    """Depth of each keypoint from face-mesh points [N, 3] (x, y, z pixels); None for keypoints off the face."""
    mesh = np.asarray(mesh, dtype=np.float64)
    landmark_of = dict(FACE_PRESET)
    low, high = mesh[:, :2].min(axis=0), mesh[:, :2].max(axis=0)
    margin = 0.1 * (high - low)
    depths: list[float | None] = []
    for kp in keypoints:
        point = np.array([kp.x, kp.y])
        if kp.name in landmark_of and landmark_of[kp.name] < len(mesh):
            depths.append(float(mesh[landmark_of[kp.name], 2]))
        elif np.all(point >= low - margin) and np.all(point <= high + margin):
            distance = np.linalg.norm(mesh[:, :2] - point, axis=1)
            nearest = np.argsort(distance)[:NEAREST]
            weights = 1.0 / np.maximum(distance[nearest], 1e-3)
            depths.append(float((mesh[nearest, 2] * weights).sum() / weights.sum()))
        else:
            depths.append(kp.depth)
    return depths


def lift_keypoints(image: np.ndarray, keypoints: Sequence[Keypoint]) -> list[Keypoint]:
    """The keypoints with depths from the face mesh of ``image`` (RGB uint8); UserError when no face is found."""
    mesh = detect_face_landmarks(image)
    if mesh is None:
        raise UserError(NO_FACE_MESSAGE)
    return [kp.with_changes(depth=depth) for kp, depth in zip(keypoints, keypoint_depths(mesh, keypoints),
                                                               strict=True)]


def needs_lifting(keypoints: Sequence[Keypoint]) -> bool:
    """Whether any keypoint named after the face preset still has no depth."""
    names = dict(FACE_PRESET)
    return any(kp.depth is None and kp.name in names for kp in keypoints)


def depth_edit(project: Project, lifted: Sequence[Keypoint]) -> Edit | None:
    """One undo step giving the project's keypoints the depths of ``lifted`` (matched by id); None if none changed."""
    depth_of = {kp.id: kp.depth for kp in lifted}
    edits: list[Edit] = [ChangeKeypoint(kp, kp.with_changes(depth=depth_of[kp.id])) for kp in project.keypoints
                         if kp.id in depth_of and depth_of[kp.id] != kp.depth]
    return Macro(edits, "Lift face keypoints to 3D") if edits else None
