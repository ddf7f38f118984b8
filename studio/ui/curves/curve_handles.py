"""Where the curve editor draws keys and Bezier tangent handles, in display units.

Display units are channel units, except rotation which is shown in degrees. A smooth segment's handles sit
one third of the segment away from its keys, along the keys' (resolved) slopes, as in studio.core.tracks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from studio.core.sampling import resolved_tangents
from studio.core.tracks import CHANNELS, Interpolation, Keyframe, Track

ROTATION = CHANNELS.index("rotation")
SCALE = CHANNELS.index("scale")

CurveKey = tuple[str, int, int]
"""A selected key of one channel: (keypoint id, channel, frame)."""


def channel_factor(channel: int) -> float:
    """Multiplier from channel units to display units (degrees for rotation)."""
    return 180.0 / math.pi if channel == ROTATION else 1.0


@dataclass(frozen=True)
class CurvePoint:
    """A key ("key") or one of its tangent handles ("in", "out") of one channel, in display units."""

    keypoint_id: str
    channel: int
    frame: int
    kind: str
    x: float
    y: float


def key_points(keypoint_id: str, track: Track, channel: int) -> list[CurvePoint]:
    """The keys of one channel of a track."""
    factor = channel_factor(channel)
    return [CurvePoint(keypoint_id, channel, k.frame, "key", float(k.frame), k.values[channel] * factor)
            for k in track.keys]


def handle_points(keypoint_id: str, track: Track, channel: int, frames: set[int]) -> list[CurvePoint]:
    """Tangent handles of the keys on ``frames`` whose neighbouring segment is smooth."""
    if not len(track) or not frames:
        return []
    factor = channel_factor(channel)
    tin, tout = resolved_tangents(track)
    keys = track.keys
    points = []
    for i, key in enumerate(keys):
        if key.frame not in frames:
            continue
        value = key.values[channel] * factor
        if i > 0 and keys[i - 1].interpolation == Interpolation.SMOOTH:
            third = (key.frame - keys[i - 1].frame) / 3.0
            points.append(CurvePoint(keypoint_id, channel, key.frame, "in", key.frame - third,
                                     value - tin[i, channel] * factor * third))
        if i + 1 < len(keys) and key.interpolation == Interpolation.SMOOTH:
            third = (keys[i + 1].frame - key.frame) / 3.0
            points.append(CurvePoint(keypoint_id, channel, key.frame, "out", key.frame + third,
                                     value + tout[i, channel] * factor * third))
    return points


def key_with_slope(track: Track, frame: int, channel: int, side: str, slope: float, aligned: bool) -> Keyframe:
    """The key on ``frame`` with its ``side`` ("in"/"out") slope of ``channel`` set (channel units per frame).

    Other channels keep their effective slopes, so their curves do not move; ``aligned`` sets both sides.
    """
    index = track.frames().index(frame)
    key = track.keys[index]
    tin, tout = resolved_tangents(track)
    new_in = [float(v) for v in tin[index]]
    new_out = [float(v) for v in tout[index]]
    if side == "in" or aligned:
        new_in[channel] = slope
    if side == "out" or aligned:
        new_out[channel] = slope
    return key.with_changes(in_tangent=tuple(new_in), out_tangent=tuple(new_out))


def segment_length(track: Track, frame: int, side: str) -> float:
    """Frames between the key on ``frame`` and its neighbour on ``side`` (1 when there is none)."""
    frames = track.frames()
    index = frames.index(frame)
    other = index - 1 if side == "in" else index + 1
    if 0 <= other < len(frames):
        return float(abs(frames[index] - frames[other]))
    return 1.0
