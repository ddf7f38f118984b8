"""Keypoint presets: an even grid, or named points (e.g. from a face detector) turned into keypoints."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.core.edits import AddKeypoint, Macro
from studio.core.keypoints import PALETTE, Keypoint, new_keypoint_id
from studio.core.project import Project


def grid_keypoints(width: int, height: int, rows: int = 3, columns: int = 3) -> list[Keypoint]:
    """rows x columns keypoints evenly spread over the image, radius half the spacing."""
    xs = (np.arange(columns) + 0.5) * width / columns
    ys = (np.arange(rows) + 0.5) * height / rows
    radius = 0.5 * min(width / columns, height / rows)
    return [Keypoint(new_keypoint_id(), f"grid_{r}_{c}", PALETTE[(r * columns + c) % len(PALETTE)],
                     float(xs[c]), float(ys[r]), radius=float(radius))
            for r in range(rows) for c in range(columns)]


def named_keypoints(points: Sequence[tuple[str, float, float]],
                    radius: float | None = None) -> list[Keypoint]:
    """Keypoints at named points; the default radius is 12% of the points' bounding-box diagonal."""
    if not points:
        return []
    xy = np.array([(x, y) for _, x, y in points], dtype=np.float64)
    if radius is None:
        diagonal = float(np.linalg.norm(xy.max(axis=0) - xy.min(axis=0)))
        radius = max(4.0, 0.12 * diagonal)
    return [Keypoint(new_keypoint_id(), name, PALETTE[i % len(PALETTE)], float(x), float(y), radius=radius)
            for i, (name, x, y) in enumerate(points)]


def add_keypoints_edit(project: Project, keypoints: Sequence[Keypoint], label: str) -> Macro:
    """One undo step adding placed keypoints; a name already taken gets a number ("chin 2"), so nothing is replaced."""
    taken = {kp.name for kp in project.keypoints}
    edits = []
    for keypoint in keypoints:
        name, number = keypoint.name, 2
        while name in taken:
            name, number = f"{keypoint.name} {number}", number + 1
        taken.add(name)
        edits.append(AddKeypoint(keypoint.with_changes(name=name)))
    return Macro(list(edits), label)
