"""Mouth cues onto a project: keys on the face preset's mouth keypoints, as one undoable edit.

Each mouth shape is a pose of the mouth keypoints stored as displacements in units of face width, along the
face's own axes (u from the subject's right cheek to the left one, v down the face), so the same shapes fit any
face size and head tilt. The displacements are added to the pose the keypoint has from its keys outside the
sound's range (its rest pose if it has none), so lip-syncing twice gives the same keys.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from studio.core.audio import MouthCue, ShapePoses
from studio.core.edits import ChangeTiming, Edit, Macro, replace_tracks
from studio.core.errors import UserError
from studio.core.project import Project
from studio.core.sampling import MotionSampler
from studio.core.tracks import Interpolation, Keyframe, Track

# The face preset's mouth keypoints (names as studio.capture.face_preset gives them).
MOUTH_KEYPOINTS = ("mouth_right", "mouth_left", "upper_lip", "lower_lip", "jaw_right", "jaw_left", "chin")
TRANSITION_FRAMES = 2  # a held shape keeps its pose until this many frames before the next shape

# Per shape: (corner spread, upper lip rise, lower lip drop, jaw drop), in face widths; the corners move
# outwards by the spread (inwards when negative), the jaw keypoints drop by 60% of the chin's drop.
_SHAPE_PARAMETERS = {
    "A": (0.0, 0.0, -0.008, 0.0),
    "B": (0.01, 0.004, 0.02, 0.012),
    "C": (0.012, 0.012, 0.065, 0.05),
    "D": (0.015, 0.018, 0.11, 0.095),
    "E": (-0.03, 0.015, 0.06, 0.045),
    "F": (-0.06, 0.01, 0.025, 0.015),
    "G": (0.005, 0.0, -0.012, 0.008),
    "H": (0.01, 0.012, 0.055, 0.045),
    "X": (0.0, 0.0, 0.0, 0.0),
}


def mouth_pose(shape: str, amplitude: float = 1.0, poses: ShapePoses | None = None) -> dict[str, tuple[float, float]]:
    """(u, v) displacement of every mouth keypoint for ``shape``, in face widths, scaled by ``amplitude``; a shape
    the animator posed (in ``poses``, studio.core.audio.MouthShapes) replaces the built-in one."""
    if poses and shape in poses:
        built_in = mouth_pose(shape)
        posed = {name: tuple(poses[shape].get(name, built_in[name])) for name in MOUTH_KEYPOINTS}
        return {name: (amplitude * u, amplitude * v) for name, (u, v) in posed.items()}
    spread, rise, drop, jaw = (amplitude * value for value in _SHAPE_PARAMETERS[shape])
    return {
        "mouth_right": (-spread, drop * 0.3), "mouth_left": (spread, drop * 0.3),
        "upper_lip": (0.0, -rise), "lower_lip": (0.0, drop),
        "jaw_right": (0.0, 0.6 * jaw), "jaw_left": (0.0, 0.6 * jaw), "chin": (0.0, jaw),
    }


def face_axes(project: Project) -> tuple[np.ndarray, np.ndarray, float]:
    """The face's u and v unit axes (image pixels) and its width, from the cheeks, jaw or mouth corners."""
    points = {kp.name: np.array([kp.x, kp.y]) for kp in project.keypoints}
    for right, left, factor in (("right_cheek", "left_cheek", 1.0), ("jaw_right", "jaw_left", 1.15),
                                ("mouth_right", "mouth_left", 2.5)):
        if right in points and left in points:
            across = points[left] - points[right]
            width = float(np.hypot(*across))
            if width > 1e-6:
                u = across / width
                return u, np.array([-u[1], u[0]]), width * factor
    raise UserError("the project's face has no pair of cheek, jaw or mouth-corner keypoints to measure it; "
                    "make it with `new IMAGE --keypoints face`")


def lip_sync_edit(project: Project, cues: Sequence[MouthCue], start_frame: int | None = None,
                  amplitude: float = 1.0, poses: ShapePoses | None = None) -> Edit:
    """One edit that keys the mouth keypoints for ``cues`` from ``start_frame`` (default: the shot's first frame),
    replacing their keys over the sound's range and lengthening the shot if the sound runs past its end.
    ``poses`` are the animator's shapes (the built-in ones where absent)."""
    ids = {kp.name: kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS}
    if not ids:
        raise UserError(f"the project has no mouth keypoints ({', '.join(MOUTH_KEYPOINTS)}); make it with "
                        "`new IMAGE --keypoints face`")
    if not cues:
        raise UserError("no mouth cues to key: the sound is empty")
    first, last = sound_frames(project, cues, start_frame)
    shape_at = _key_shapes(cues, project.timing.fps, first, last)
    u, v, width = face_axes(project)
    tracks = {}
    for name, kp_id in ids.items():
        outside = Track(tuple(k for k in project.track(kp_id).keys if not first <= k.frame <= last))
        frames = sorted(shape_at)
        base = MotionSampler([outside], project.keypoint(kp_id).rest_values[None, :]).sample(frames)[:, 0, :]
        keys = []
        for frame, values in zip(frames, base, strict=True):
            du, dv = mouth_pose(shape_at[frame], amplitude, poses)[name]
            offset = (du * u + dv * v) * width
            keys.append(Keyframe(frame, (float(values[0] + offset[0]), float(values[1] + offset[1]),
                                         float(values[2]), float(values[3])), Interpolation.LINEAR))
        tracks[kp_id] = Track(tuple(keys))
    keys_edit = replace_tracks(project, tracks, first, last, "Lip sync")
    if last <= project.timing.end:
        return keys_edit
    longer = dataclasses.replace(project.timing, end=last)
    return Macro([ChangeTiming(project.timing, longer), keys_edit], "Lip sync")


def sound_frames(project: Project, cues: Sequence[MouthCue], start_frame: int | None = None) -> tuple[int, int]:
    """The first and last frame the cues cover when the sound starts at ``start_frame`` (default: the shot's)."""
    first = project.timing.start if start_frame is None else start_frame
    return first, first + math.ceil(cues[-1].end * project.timing.fps - 1e-9)


def _key_shapes(cues: Sequence[MouthCue], fps: float, first: int, last: int) -> dict[int, str]:
    """Frame -> shape: a key where each cue starts, one holding it before the next, rest at the end."""
    shapes: dict[int, str] = {}
    for cue in cues:
        start, end = first + round(cue.start * fps), first + round(cue.end * fps)
        shapes.setdefault(start, cue.shape)
        hold = end - TRANSITION_FRAMES
        if hold - start >= TRANSITION_FRAMES:
            shapes.setdefault(hold, cue.shape)
    shapes[last] = "X"
    return shapes
