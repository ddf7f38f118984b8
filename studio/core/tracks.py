"""Tracks: per-keypoint keyframes on integer frames with hold / linear / smooth interpolation.

A keyframe stores the four channels of a keypoint's pose (x, y, rotation, scale) and the
interpolation of the segment that leaves it. Smooth segments are cubic Bezier curves written in
Hermite form: a key's tangents are slopes (channel units per frame); the Bezier handles sit one
third of the segment away along them. Tangents left as None are automatic (Catmull-Rom, flat at
the ends).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

CHANNELS = ("x", "y", "rotation", "scale")


class Interpolation(StrEnum):
    """How a segment between two keys is filled."""

    HOLD = "hold"
    LINEAR = "linear"
    SMOOTH = "smooth"


Values = tuple[float, float, float, float]


def _check_values(values: tuple[float, ...], label: str) -> None:
    if len(values) != len(CHANNELS) or not all(math.isfinite(v) for v in values):
        raise ValueError(f"{label} must be {len(CHANNELS)} finite numbers")


@dataclass(frozen=True)
class Keyframe:
    """One key: frame number, channel values, outgoing interpolation, optional tangent slopes."""

    frame: int
    values: Values
    interpolation: Interpolation = Interpolation.SMOOTH
    in_tangent: Values | None = None
    out_tangent: Values | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.frame, int) or isinstance(self.frame, bool):
            raise ValueError("keyframe frame must be an integer")
        _check_values(self.values, "keyframe values")
        if self.values[3] <= 0:
            raise ValueError("keyframe scale must be positive")
        for label, tangent in (("in_tangent", self.in_tangent), ("out_tangent", self.out_tangent)):
            if tangent is not None:
                _check_values(tangent, label)
        object.__setattr__(self, "interpolation", Interpolation(self.interpolation))

    def with_changes(self, **changes: object) -> Keyframe:
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Track:
    """The keyframes of one keypoint, sorted by frame, at most one per frame. Immutable."""

    keys: tuple[Keyframe, ...] = ()

    def __post_init__(self) -> None:
        frames = [k.frame for k in self.keys]
        if frames != sorted(set(frames)):
            object.__setattr__(self, "keys", tuple(sorted({k.frame: k for k in self.keys}.values(),
                                                          key=lambda k: k.frame)))

    def __len__(self) -> int:
        return len(self.keys)

    def frames(self) -> list[int]:
        """Frame numbers of the keys."""
        return [k.frame for k in self.keys]

    def key_at(self, frame: int) -> Keyframe | None:
        """The key on exactly this frame, or None."""
        for key in self.keys:
            if key.frame == frame:
                return key
        return None

    def with_key(self, key: Keyframe) -> Track:
        """A track with ``key`` added, replacing any key on the same frame."""
        return Track(tuple(k for k in self.keys if k.frame != key.frame) + (key,))

    def without_frames(self, frames: set[int]) -> Track:
        """A track without the keys on these frames."""
        return Track(tuple(k for k in self.keys if k.frame not in frames))

    def with_frames_moved(self, mapping: dict[int, int]) -> Track:
        """Keys moved in time by ``{old_frame: new_frame}``; a moved key replaces a key it lands on."""
        moved = [k.with_changes(frame=mapping[k.frame]) for k in self.keys if k.frame in mapping]
        landed = {k.frame for k in moved}
        kept = [k for k in self.keys if k.frame not in mapping and k.frame not in landed]
        return Track(tuple(kept + moved))
