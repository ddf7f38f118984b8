"""Rebuild resources/sample.marionette from resources/sample.png: face keypoints, a head turn, a smile, blinks.

Run from the repository root: ``.venv/bin/python resources/build_sample.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from studio.capture.face_preset import place_face_keypoints
from studio.core.presets import named_keypoints
from studio.core.project import Project, Timing
from studio.core.project_file import save_project
from studio.core.tracks import Interpolation, Keyframe, Track
from studio.media.image_io import encode_png, load_image

HERE = Path(__file__).resolve().parent
KEY_FRAMES = (0, 20, 40, 44, 47, 50, 60, 75, 90, 100, 103, 106, 119)


def _turn(frame: int) -> tuple[float, float]:
    """Head turn: (x shift in px, roll in radians) at a frame."""
    phase = math.sin(2 * math.pi * frame / 119)
    return 9.0 * phase, math.radians(5.0) * phase


def _smile(frame: int) -> float:
    """0..1 smile amount: rises from frame 55 to 80, fades by 115."""
    return float(np.interp(frame, [0, 55, 80, 100, 115, 119], [0, 0, 1, 1, 0, 0]))


def _blink(frame: int) -> float:
    """0..1 eyelid closure around frames 47 and 103."""
    return float(np.interp(frame, [0, 44, 47, 50, 100, 103, 106, 119], [0, 0, 1, 0, 0, 1, 0, 0]))


def build() -> Project:
    """The sample project, with keys computed from the three motions above."""
    image = load_image(HERE / "sample.png")
    height, width = image.shape[:2]
    project = Project(encode_png(image), width, height)
    project.timing = Timing(30.0, 0, 119)
    project.keypoints = named_keypoints(place_face_keypoints(image))
    by_name = {kp.name: kp for kp in project.keypoints}
    pivot = np.array([by_name["chin"].x, by_name["chin"].y + 40.0])
    lower_lid = {"right_eye_upper": by_name["right_eye_lower"], "left_eye_upper": by_name["left_eye_lower"]}
    for kp in project.keypoints:
        keys = []
        for frame in KEY_FRAMES:
            x, y = kp.x, kp.y
            if kp.name in ("mouth_right", "mouth_left"):
                side = -1.0 if kp.name == "mouth_right" else 1.0
                x += side * 4.0 * _smile(frame)
                y -= 5.0 * _smile(frame)
            if kp.name in lower_lid:
                y += 0.8 * (lower_lid[kp.name].y - kp.y) * _blink(frame)
            shift, roll = _turn(frame)
            c, s = math.cos(roll), math.sin(roll)
            dx, dy = x - pivot[0], y - pivot[1]
            x, y = pivot[0] + c * dx - s * dy + shift, pivot[1] + s * dx + c * dy
            keys.append(Keyframe(frame, (x, y, roll, 1.0), Interpolation.SMOOTH))
        project.tracks[kp.id] = Track(tuple(keys))
    return project


if __name__ == "__main__":
    save_project(build(), HERE / "sample.marionette")
