"""The one contract every generator honours, built-in or plugin.

Coordinates everywhere in this contract are source-image pixels, x first, origin at the
top-left pixel's centre-less corner (pixel (0, 0) covers [0, 1) x [0, 1)). A generator's
output frame has the same height and width as the image given to ``prepare``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Capabilities:
    """What a generator can do, shown to the user and used by the renderer.

    region: ``prepare`` accepts ``region=`` (an HxW uint8 matte of the part that moves; None for none).
    stiffness: ``prepare`` accepts ``stiffness=`` (an HxW float32 map in [0, 1] of how rigid each pixel is held).
    """

    name: str
    title: str
    detects_keypoints: bool = False
    keypoint_count: int | None = None
    native_size: tuple[int, int] | None = None
    alpha: bool = False
    needs_weights: bool = False
    region: bool = False
    stiffness: bool = False
    draft: bool = False  # offers render_draft: a quicker, rougher frame of the same pose (previews while dragging)


@dataclass(frozen=True)
class Motion:
    """Keypoints of one pose.

    positions: float32 [K, 2], x-first, source-image pixels.
    jacobians: float32 [K, 2, 2], the local affine frame of each keypoint (identity at rest).
    radii: float32 [K], radius of influence in source pixels (generators may ignore it).
    """

    positions: np.ndarray
    jacobians: np.ndarray
    radii: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))

    @property
    def count(self) -> int:
        """Number of keypoints K."""
        return int(self.positions.shape[0])


@dataclass
class SourceState:
    """What ``prepare`` computed once per source image; opaque to everyone but its generator."""

    height: int
    width: int
    channels: int
    data: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Generator(Protocol):
    """prepare once per source image, then render any number of poses."""

    capabilities: Capabilities

    def prepare(self, source: np.ndarray) -> SourceState:
        """Take an HxWx3 (RGB) or HxWx4 (RGBA) uint8 image; return its cached state."""
        ...

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """Return an HxWxC uint8 frame: the source moved from kp_source to kp_driving."""
        ...

    def detect_keypoints(self, state: SourceState) -> Motion | None:
        """Keypoints the generator finds on the source itself, or None if it cannot."""
        ...


@runtime_checkable
class DraftGenerator(Generator, Protocol):
    """A generator with ``capabilities.draft``: it can also render a quick draft of a pose.

    A draft has the shape and channels of ``render``'s frame and looks like it, only rougher; previews show
    it while a drag or a scrub is in progress and ask for the full frame when the gesture ends.
    """

    def render_draft(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """Like ``render``, faster and rougher."""
        ...


class GeneratorFactory(Protocol):
    """What the engine needs of the plugin registry (``studio.plugins.api.Registry``): generators by name."""

    def create_generator(self, name: str, device: str = "auto", **options: Any) -> Generator:
        """A ready generator of that name on that device ("auto" | "cpu" | "cuda" | "mps")."""
        ...


def check_source(source: object) -> None:
    """Raise ValueError unless source is an HxWx3 or HxWx4 uint8 numpy array."""
    if not isinstance(source, np.ndarray):
        raise ValueError(f"source must be a numpy array, got {type(source).__name__}")
    if source.dtype != np.uint8:
        raise ValueError(f"source must be uint8, got {source.dtype}")
    if source.ndim != 3 or source.shape[2] not in (3, 4) or source.shape[0] < 1 or source.shape[1] < 1:
        raise ValueError(f"source must be HxWx3 (RGB) or HxWx4 (RGBA), got shape {source.shape}")


def check_motions(kp_source: Motion, kp_driving: Motion) -> int:
    """Raise ValueError unless both motions hold K matching, finite keypoints; return K."""
    for label, motion in (("kp_source", kp_source), ("kp_driving", kp_driving)):
        positions, jacobians = np.asarray(motion.positions), np.asarray(motion.jacobians)
        if positions.ndim != 2 or positions.shape[1] != 2:
            raise ValueError(f"{label}.positions must be [K, 2], got shape {positions.shape}")
        if jacobians.shape != (positions.shape[0], 2, 2):
            raise ValueError(
                f"{label}.jacobians must be [K, 2, 2] with K={positions.shape[0]}, got shape {jacobians.shape}"
            )
        radii = np.asarray(motion.radii)
        if radii.size not in (0, positions.shape[0]):
            raise ValueError(f"{label}.radii must be empty or [K] with K={positions.shape[0]}, got {radii.shape}")
        if not (np.all(np.isfinite(positions)) and np.all(np.isfinite(jacobians))):
            raise ValueError(f"{label} holds non-finite positions or jacobians")
    if kp_source.count != kp_driving.count:
        raise ValueError(
            f"kp_source has {kp_source.count} keypoints but kp_driving has {kp_driving.count}: they must match"
        )
    return kp_source.count
