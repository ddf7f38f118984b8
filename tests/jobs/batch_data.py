"""Tiny batch inputs made in the test: portraits (48 px PNGs) and projects with a few frames of motion."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from studio.core.keypoints import Keypoint
from studio.core.project import Project, Timing
from studio.core.project_file import save_project
from studio.core.tracks import Interpolation, Keyframe, Track
from studio.media.image_io import encode_png

SIZE = 48


def portrait(seed: int) -> np.ndarray:
    """A smooth, textured RGB image (a random pattern blurred), different per seed."""
    rng = np.random.default_rng(seed)
    image = cv2.resize((rng.random((8, 8, 3)) * 255).astype(np.uint8), (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)
    return image


def write_portraits(folder: Path, count: int) -> list[Path]:
    """``count`` portraits as folder/p0.png, p1.png, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"p{i}.png"
        cv2.imwrite(str(path), portrait(100 + i)[:, :, ::-1])
        paths.append(path)
    return paths


def write_project(path: Path, step: float, frames: int = 6) -> Path:
    """A project whose one keypoint slides ``step`` px right (and a little down) per frame."""
    project = Project(encode_png(portrait(7)), SIZE, SIZE)
    project.timing = Timing(10.0, 0, frames - 1)
    project.keypoints.append(Keypoint("k", "face", "#ff0000", 24.0, 24.0, radius=16.0))
    project.keypoints.append(Keypoint("j", "chin", "#00ff00", 24.0, 38.0, radius=10.0))
    project.tracks["k"] = Track(tuple(Keyframe(f, (24.0 + step * f, 24.0 + 0.5 * f, 0.05 * f, 1.0),
                                               Interpolation.LINEAR) for f in range(frames)))
    path.parent.mkdir(parents=True, exist_ok=True)
    save_project(project, path)
    return path


def write_batch_inputs(folder: Path, portraits: int = 6) -> tuple[list[Path], str]:
    """Two projects (wave, nod) and ``portraits`` portraits under ``folder``; returns (projects, source glob)."""
    projects = [write_project(folder / "wave.marionette", 1.5), write_project(folder / "nod.marionette", -1.0)]
    write_portraits(folder / "portraits", portraits)
    return projects, str(folder / "portraits" / "*.png")
