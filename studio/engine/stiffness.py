"""Stiffness maps: the project's stiff areas (circles) as an HxW float32 image in [0, 1] for generators that hold
stiff parts more rigidly (the mesh: capability ``stiffness``).

A circle is at its strength inside 80% of its radius and fades linearly to 0 at its edge; overlapping circles
take the strongest. A map (not the circles) reaches the generator so a painted stiffness matte can later take
the same path, resized with the source like the region.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from studio.core.rig import StiffArea

_SOLID = 0.8


def stiffness_map(areas: Sequence[StiffArea], size: tuple[int, int],
                  scale: np.ndarray | None = None) -> np.ndarray | None:
    """The map (H x W float32) of ``areas`` (source pixels, times ``scale`` per axis) at ``size`` (W, H); None
    without areas."""
    if not areas:
        return None
    width, height = size
    factor = np.ones(2) if scale is None else np.asarray(scale, np.float64)
    xs = np.arange(width, dtype=np.float64) + 0.5
    ys = np.arange(height, dtype=np.float64) + 0.5
    out = np.zeros((height, width), np.float32)
    radius_scale = float(np.sqrt(factor.prod()))
    for area in areas:
        cx, cy, radius = area.x * factor[0], area.y * factor[1], area.radius * radius_scale
        distance = np.hypot(xs[None, :] - cx, ys[:, None] - cy)
        fade = np.clip((radius - distance) / ((1.0 - _SOLID) * radius), 0.0, 1.0)
        np.maximum(out, (area.strength * fade).astype(np.float32), out=out)
    return out


def fit_stiffness(stiffness: np.ndarray | None, size: tuple[int, int]) -> np.ndarray | None:
    """A stiffness map resized to ``size`` (W, H) with bilinear filtering; None stays None."""
    if stiffness is None or (stiffness.shape[1], stiffness.shape[0]) == tuple(size):
        return stiffness
    return cv2.resize(np.asarray(stiffness, np.float32), (int(size[0]), int(size[1])), interpolation=cv2.INTER_LINEAR)
