"""The Project: source image, keypoints, tracks, takes, timing, render settings and capture bindings.

The project announces every change through ``changed`` (a plain-Python signal) with a
string naming what changed: "keypoints", "tracks", "settings", "takes", "capture", "source", "region", "rig"
(sticks and stiff areas), "sound" or "mouth_shapes" (studio.core.audio).
Edits (studio.core.edits) are the only code that should mutate a project.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from studio.core.events import Signal
from studio.core.keypoints import Keypoint, frames_from_channels
from studio.core.rig import Stick, StiffArea, apply_sticks, compose, parent_indices, stick_pairs
from studio.core.sampling import MotionSampler
from studio.core.takes import Take
from studio.core.tracks import Track

if TYPE_CHECKING:
    from studio.core.audio import MouthShapes, Sound


@dataclass(frozen=True)
class Timing:
    """Frames per second and the inclusive frame range of the shot."""

    fps: float = 30.0
    start: int = 0
    end: int = 119

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fps) and 1 <= self.fps <= 240):
            raise ValueError("fps must be between 1 and 240")
        if self.end < self.start:
            raise ValueError("frame range end must not be before its start")

    @property
    def frame_count(self) -> int:
        """Number of frames in the range."""
        return self.end - self.start + 1


@dataclass(frozen=True)
class RenderSettings:
    """Which generator renders the project, on which device, with which options."""

    generator: str = "warp"
    device: str = "auto"
    relative: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    def with_changes(self, **changes: object) -> RenderSettings:
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class CaptureBindings:
    """The capture dock's bindings, saved with the project: the tracker, keypoint id -> landmark index, and the
    flow tracker's points [(x, y)] in source-frame pixels (a flow binding's landmark indexes them).
    """

    tracker: str = "face"
    landmarks: dict[str, int] = field(default_factory=dict)
    points: tuple[tuple[float, float], ...] = ()

    def with_changes(self, **changes: object) -> CaptureBindings:
        """A copy with some fields changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class PoseArrays:
    """All keypoints' poses at M frames: positions [M,K,2], jacobians [M,K,2,2], radii [K]."""

    positions: np.ndarray
    jacobians: np.ndarray
    radii: np.ndarray


class Project:
    """The whole document of one shot."""

    def __init__(self, source_png: bytes, width: int, height: int) -> None:
        self.source_png = source_png
        self.width = int(width)
        self.height = int(height)
        self.keypoints: list[Keypoint] = []
        self.tracks: dict[str, Track] = {}
        self.takes: list[Take] = []
        self.timing = Timing()
        self.render = RenderSettings()
        self.capture = CaptureBindings()
        self.region_png: bytes | None = None
        self.stiff_areas: tuple[StiffArea, ...] = ()
        self.sticks: tuple[Stick, ...] = ()
        self.sound: Sound | None = None
        self.mouth_shapes: MouthShapes | None = None
        self.changed = Signal()
        self._sampler: MotionSampler | None = None

    def snapshot(self) -> Project:
        """An independent copy of the whole document for a worker (save, export): later edits never reach it.

        Every field is an immutable value or a container of them, so copying the containers is enough; render
        options are copied deeply. Every attribute the document holds is carried, so a new field cannot be
        forgotten by a save or an export made from the window.
        """
        copied = Project(self.source_png, self.width, self.height)
        for name, value in vars(self).items():
            if name in ("changed", "_sampler"):
                continue
            if isinstance(value, list | dict):
                value = copy.copy(value)
            setattr(copied, name, value)
        copied.render = replace(self.render, options=copy.deepcopy(self.render.options))
        return copied

    def notify(self, what: str) -> None:
        """Drop caches and announce a change (edits call this)."""
        if what in ("keypoints", "tracks"):
            self._sampler = None
        self.changed.emit(what)

    def keypoint(self, keypoint_id: str) -> Keypoint:
        """The keypoint with this id (KeyError if absent)."""
        for kp in self.keypoints:
            if kp.id == keypoint_id:
                return kp
        raise KeyError(keypoint_id)

    def index_of(self, keypoint_id: str) -> int:
        """Position of a keypoint in ``keypoints``."""
        for i, kp in enumerate(self.keypoints):
            if kp.id == keypoint_id:
                return i
        raise KeyError(keypoint_id)

    def track(self, keypoint_id: str) -> Track:
        """The keypoint's track (empty when it has no keys)."""
        return self.tracks.get(keypoint_id, Track())

    def sampler(self) -> MotionSampler:
        """The cached vectorised sampler, rebuilt after keypoint or track changes."""
        if self._sampler is None:
            self._sampler = MotionSampler([self.track(kp.id) for kp in self.keypoints], self.rest_values())
        return self._sampler

    def sample_values(self, frames: np.ndarray | list[float] | float) -> np.ndarray:
        """Each keypoint's own channel values [M, K, 4] (x, y, rotation, scale) at the given frames.

        These are what the tracks store, curves show and key edits write: a child's are relative to its parent
        (studio.core.rig). ``world_values`` gives where the keypoints are.
        """
        return self.sampler().sample(frames)

    def world_values(self, frames: np.ndarray | list[float] | float) -> np.ndarray:
        """World channel values [M, K, 4]: parents composed, sticks kept at their rest length (for drawing and
        rendering). Without parents or sticks this is ``sample_values`` itself, bit for bit."""
        local = self.sample_values(frames)
        parents = parent_indices(self.keypoints)
        pairs = stick_pairs(self.keypoints, self.sticks)
        if not (parents >= 0).any() and not len(pairs):
            return local
        rest = self.rest_values()
        return apply_sticks(compose(local, rest, parents), rest, pairs, parents)

    def rest_values(self) -> np.ndarray:
        """The keypoints' rest channel values [K, 4] (world: rest poses are on the source image)."""
        return np.array([kp.rest_values for kp in self.keypoints], dtype=np.float64).reshape(-1, 4)

    def sample(self, frames: np.ndarray | list[float] | float) -> PoseArrays:
        """Driving poses (world) at the given frames: positions [M,K,2] and jacobians [M,K,2,2]."""
        positions, jacobians = frames_from_channels(self.world_values(frames))
        return PoseArrays(positions, jacobians, self.radii())

    def rest_pose(self) -> PoseArrays:
        """The rest pose as a single frame: positions [1,K,2], jacobians [1,K,2,2]."""
        positions, jacobians = frames_from_channels(self.rest_values()[None])
        return PoseArrays(positions, jacobians, self.radii())

    def radii(self) -> np.ndarray:
        """Radius of influence per keypoint, float32 [K]."""
        return np.array([kp.radius for kp in self.keypoints], dtype=np.float32)

    def keyed_frames(self) -> list[int]:
        """Every frame that holds a key on any track, sorted."""
        return sorted({f for t in self.tracks.values() for f in t.frames()})
