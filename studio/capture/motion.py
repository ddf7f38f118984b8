"""A take as tracked: per-frame landmark positions with gaps, and its JSON file format.

Coordinates are image pixels of the tracked video (x right, y down, origin at the top-left corner of the
top-left pixel); times are seconds from the first frame; rotations are radians, positive turning +x
towards +y (clockwise on screen). A landmark that was not seen in a frame is NaN with ``visible`` False.
The file format is documented in docs/motion-format.md.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from studio.core.errors import UserError

MOTION_FORMAT = "marionette-motion"
MOTION_VERSION = 1


@dataclass(frozen=True, eq=False)
class TrackedMotion:
    """Landmarks tracked over a take.

    times: float64 [T] s, increasing; landmarks: float32 [T, N, 2] px (NaN in a gap unless filled);
    visible: bool [T, N] (False = the tracker did not see it in that frame); head_rotation: float64 [T]
    head roll in the image plane (rad, NaN where no face) or None for trackers without a head;
    frame_size: (width, height) of the tracked frames; head_pose: float64 [T, 3] (yaw, pitch, roll) rad, NaN
    where no face, or None; depth: float32 [T, N] landmark depth in pixels (larger = further), or None.
    """

    tracker: str
    fps: float
    times: np.ndarray
    landmarks: np.ndarray
    visible: np.ndarray
    frame_size: tuple[int, int]
    head_rotation: np.ndarray | None = None
    head_pose: np.ndarray | None = None
    depth: np.ndarray | None = None

    def __post_init__(self) -> None:
        t = len(self.times)
        if self.times.ndim != 1 or self.landmarks.ndim != 3 or self.landmarks.shape[0] != t:
            raise ValueError(f"landmarks {self.landmarks.shape} do not match {t} times")
        if self.landmarks.shape[2] != 2 or self.visible.shape != self.landmarks.shape[:2]:
            raise ValueError(f"visible {self.visible.shape} does not match landmarks {self.landmarks.shape}")
        if self.head_rotation is not None and self.head_rotation.shape != (t,):
            raise ValueError(f"head_rotation {self.head_rotation.shape} does not match {t} times")
        if self.head_pose is not None and self.head_pose.shape != (t, 3):
            raise ValueError(f"head_pose {self.head_pose.shape} is not [{t}, 3]")
        if self.depth is not None and self.depth.shape != self.visible.shape:
            raise ValueError(f"depth {self.depth.shape} does not match landmarks {self.landmarks.shape}")
        if t > 1 and np.any(np.diff(self.times) <= 0):
            raise ValueError("motion times must increase")
        if not self.fps > 0:
            raise ValueError(f"fps must be positive, got {self.fps}")

    @property
    def frame_count(self) -> int:
        """Number of samples T."""
        return len(self.times)

    @property
    def landmark_count(self) -> int:
        """Number of landmarks N per sample."""
        return self.landmarks.shape[1]

    @property
    def duration(self) -> float:
        """Seconds from the first to the last sample."""
        return float(self.times[-1] - self.times[0]) if len(self.times) else 0.0

    def with_arrays(self, **changes: Any) -> TrackedMotion:
        """A copy with some fields replaced (arrays are validated again)."""
        return replace(self, **changes)


def _round(value: float) -> float:
    return round(float(value), 3)


def motion_to_dict(motion: TrackedMotion) -> dict[str, Any]:
    """The JSON-ready dictionary of a motion (gaps as null)."""
    has_value = ~np.isnan(motion.landmarks).any(axis=2)
    frames = []
    for i in range(motion.frame_count):
        points = [
            [_round(x), _round(y)] if has_value[i, n] else None
            for n, (x, y) in enumerate(motion.landmarks[i])
        ]
        frame: dict[str, Any] = {"t": round(float(motion.times[i]), 6), "landmarks": points}
        filled = np.nonzero(has_value[i] & ~motion.visible[i])[0]
        if len(filled):
            frame["filled"] = [int(n) for n in filled]
        if motion.head_rotation is not None:
            roll = motion.head_rotation[i]
            frame["head_rotation"] = None if math.isnan(roll) else round(float(roll), 6)
        _optional_to_frame(motion, i, frame)
        frames.append(frame)
    return {
        "format": MOTION_FORMAT,
        "version": MOTION_VERSION,
        "tracker": motion.tracker,
        "fps": motion.fps,
        "frame_size": list(motion.frame_size),
        "landmark_count": motion.landmark_count,
        "has_head_rotation": motion.head_rotation is not None,
        "has_head_pose": motion.head_pose is not None,
        "has_depth": motion.depth is not None,
        "frames": frames,
    }


def motion_from_dict(data: Any) -> TrackedMotion:
    """Rebuild a motion from ``motion_to_dict`` output; ValueError names what is malformed."""
    if not isinstance(data, dict) or data.get("format") != MOTION_FORMAT:
        raise ValueError(f"it is not a {MOTION_FORMAT} file")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"bad version {version!r}")
    if version > MOTION_VERSION:
        raise ValueError(f"it was written by a newer version (format {version}): update Marionette Studio")
    count = int(data["landmark_count"])
    frames = data["frames"]
    times = np.array([float(f["t"]) for f in frames], dtype=np.float64)
    landmarks = np.full((len(frames), count, 2), np.nan, dtype=np.float32)
    visible = np.zeros((len(frames), count), dtype=bool)
    for i, frame in enumerate(frames):
        points = frame["landmarks"]
        if len(points) != count:
            raise ValueError(f"frame {i} has {len(points)} landmarks, expected {count}")
        for n, point in enumerate(points):
            if point is not None:
                landmarks[i, n] = (float(point[0]), float(point[1]))
                visible[i, n] = True
        for n in frame.get("filled", []):
            visible[i, int(n)] = False
    head_rotation = None
    if data.get("has_head_rotation"):
        head_rotation = np.array(
            [np.nan if f.get("head_rotation") is None else float(f["head_rotation"]) for f in frames],
            dtype=np.float64,
        )
    width, height = (int(v) for v in data["frame_size"])
    head_pose = _optional_series(data, frames, "head_pose", 3) if data.get("has_head_pose") else None
    depth = _optional_series(data, frames, "depth", count) if data.get("has_depth") else None
    return TrackedMotion(
        tracker=str(data["tracker"]),
        fps=float(data["fps"]),
        times=times,
        landmarks=landmarks,
        visible=visible,
        frame_size=(width, height),
        head_rotation=head_rotation,
        head_pose=head_pose,
        depth=None if depth is None else depth.astype(np.float32),
    )


def _optional_to_frame(motion: TrackedMotion, i: int, frame: dict[str, Any]) -> None:
    """Add frame ``i``'s head pose [yaw, pitch, roll] and landmark depths (null where unknown) to ``frame``."""
    if motion.head_pose is not None:
        pose = motion.head_pose[i]
        frame["head_pose"] = None if np.isnan(pose).any() else [round(float(v), 6) for v in pose]
    if motion.depth is not None:
        frame["depth"] = [None if math.isnan(z) else _round(z) for z in motion.depth[i]]


def _optional_series(data: dict[str, Any], frames: list[Any], key: str, width: int) -> np.ndarray:
    """Per-frame values of ``key`` as [T, width] float64, NaN for null (the whole frame or one entry)."""
    out = np.full((len(frames), width), np.nan)
    for i, frame in enumerate(frames):
        values = frame.get(key)
        if values is None:
            continue
        if len(values) != width:
            raise ValueError(f"frame {i} has {len(values)} {key} values, expected {width}")
        out[i] = [np.nan if v is None else float(v) for v in values]
    return out


def save_motion(motion: TrackedMotion, path: str | Path) -> None:
    """Write a motion as JSON, atomically (temporary file then rename)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise UserError(f"cannot write {path}: the folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as stream:
            json.dump(motion_to_dict(motion), stream, separators=(",", ":"))
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {error.strerror or error}") from error


def load_motion(path: str | Path) -> TrackedMotion:
    """Read a motion JSON file; a missing or malformed file is a UserError naming the problem."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"motion file not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return motion_from_dict(data)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UserError(f"{path} is not a readable motion file: {detail}") from error
