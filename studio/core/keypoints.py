"""Keypoints: named handles pinned on the source image, each with a local affine frame."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass, replace

import numpy as np

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PALETTE = (
    "#ff6b6b", "#ffa94d", "#ffd43b", "#69db7c", "#38d9a9",
    "#4dabf7", "#748ffc", "#da77f2", "#f783ac", "#a9e34b",
)


def new_keypoint_id() -> str:
    """A short unique id for a new keypoint."""
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Keypoint:
    """A keypoint's identity and rest pose on the source image.

    x, y: rest position in source-image pixels; rotation in radians (counter-clockwise on screen
    is negative because y points down; we store the mathematical angle in image coordinates);
    scale: uniform scale of the local frame; radius: radius of influence in pixels; depth: distance from the
    camera in the same pixel units, larger = further (mediapipe's convention), None = not lifted to 3D (flat);
    parent: the id of the keypoint this one follows (its keys are then relative to the parent: studio.core.rig),
    or None.
    """

    id: str
    name: str
    color: str
    x: float
    y: float
    rotation: float = 0.0
    scale: float = 1.0
    radius: float = 60.0
    depth: float | None = None
    parent: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("keypoint name must not be empty")
        if not _COLOUR.match(self.color):
            raise ValueError(f"keypoint colour {self.color!r} is not #RRGGBB")
        for label, value in (("x", self.x), ("y", self.y), ("rotation", self.rotation)):
            if not math.isfinite(value):
                raise ValueError(f"keypoint {label} must be finite")
        if not (math.isfinite(self.scale) and self.scale > 0):
            raise ValueError("keypoint scale must be positive")
        if not (math.isfinite(self.radius) and self.radius > 0):
            raise ValueError("keypoint radius must be positive")
        if self.depth is not None and not math.isfinite(self.depth):
            raise ValueError("keypoint depth must be finite")
        if self.parent is not None and (not self.parent or self.parent == self.id):
            raise ValueError("a keypoint cannot be its own parent")

    def with_changes(self, **changes: object) -> Keypoint:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    @property
    def rest_values(self) -> np.ndarray:
        """The rest pose as a channel vector [x, y, rotation, scale]."""
        return np.array([self.x, self.y, self.rotation, self.scale], dtype=np.float64)


def frames_from_channels(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn channel values [..., 4] (x, y, rotation, scale) into positions [..., 2] and jacobians [..., 2, 2].

    The jacobian is ``scale * R(rotation)`` with R the standard 2x2 rotation in image coordinates.
    """
    values = np.asarray(values, dtype=np.float64)
    positions = values[..., :2].astype(np.float32)
    cos = np.cos(values[..., 2]) * values[..., 3]
    sin = np.sin(values[..., 2]) * values[..., 3]
    jacobians = np.empty(values.shape[:-1] + (2, 2), dtype=np.float32)
    jacobians[..., 0, 0] = cos
    jacobians[..., 0, 1] = -sin
    jacobians[..., 1, 0] = sin
    jacobians[..., 1, 1] = cos
    return positions, jacobians
