"""The renderer: owns a generator and its prepared source, renders project frames.

It maps the document's keypoints (source-image pixels) to the generator's working size: when the
render size differs from the source image, the source is resized once and every position and
radius is scaled by the same factor. The preview worker and the exporter share this class.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np

from studio.core.project import PoseArrays, Project
from studio.engine.contract import DraftGenerator, Generator, GeneratorFactory, Motion, SourceState
from studio.engine.region import decode_region, fit_region
from studio.engine.stiffness import fit_stiffness, stiffness_map


@dataclass(frozen=True)
class Pose:
    """One frame's keypoints in source-image pixels: positions [K,2], jacobians [K,2,2], radii [K]."""

    positions: np.ndarray
    jacobians: np.ndarray
    radii: np.ndarray

    @classmethod
    def from_arrays(cls, arrays: PoseArrays, index: int = 0) -> Pose:
        """Frame ``index`` of sampled pose arrays."""
        return cls(arrays.positions[index], arrays.jacobians[index], arrays.radii)


class Renderer:
    """Renders poses of one source image with one generator at a fixed output size.

    ``region`` (HxW uint8 matte at the source's size, or None) and ``stiffness`` (HxW float32 map, or None) reach
    generators whose capabilities say they take them; both are resized with the source.
    """

    def __init__(self, generator: Generator, source: np.ndarray, rest: Pose,
                 size: tuple[int, int] | None = None, region: np.ndarray | None = None,
                 stiffness: np.ndarray | None = None) -> None:
        height, width = source.shape[:2]
        self.generator = generator
        self.width, self.height = (width, height) if size is None else (int(size[0]), int(size[1]))
        self.scale = np.array([self.width / width, self.height / height], dtype=np.float32)
        if (self.width, self.height) != (width, height):
            interpolation = cv2.INTER_AREA if self.width < width else cv2.INTER_CUBIC
            source = cv2.resize(source, (self.width, self.height), interpolation=interpolation)
        region = fit_region(region, (self.width, self.height))
        stiffness = fit_stiffness(stiffness, (self.width, self.height))
        self.state: SourceState = prepare_source(generator, np.ascontiguousarray(source), region, stiffness)
        self.rest = self.to_motion(rest)

    def to_motion(self, pose: Pose) -> Motion:
        """A document pose in the generator's working size (positions and radii scaled with the source)."""
        radius_scale = float(np.sqrt(self.scale[0] * self.scale[1]))
        return Motion(np.asarray(pose.positions, np.float32) * self.scale,
                      np.asarray(pose.jacobians, np.float32),
                      np.asarray(pose.radii, np.float32) * radius_scale)

    def with_rest(self, rest: Pose) -> Renderer:
        """The same prepared source with another rest pose: moving a keypoint's rest never re-prepares."""
        twin = copy.copy(self)
        twin.rest = self.to_motion(rest)
        return twin

    @property
    def drafts(self) -> bool:
        """Whether ``render(..., draft=True)`` gives a quicker draft (else it gives the full frame)."""
        return bool(getattr(self.generator.capabilities, "draft", False))

    def render(self, driving: Pose, draft: bool = False) -> np.ndarray:
        """The frame for a driving pose (same keypoints as the rest pose): HxWxC uint8.

        ``draft`` asks for the generator's quick draft (see ``DraftGenerator``); generators without one
        render the full frame.
        """
        motion = self.to_motion(driving)
        if draft and self.drafts:
            return cast(DraftGenerator, self.generator).render_draft(self.state, self.rest, motion)
        return self.generator.render(self.state, self.rest, motion)

    def render_frame(self, project: Project, frame: float, draft: bool = False) -> np.ndarray:
        """The frame for project time ``frame`` (fractional frames are allowed, for motion blur)."""
        return self.render(Pose.from_arrays(project.sample([frame])), draft)


def prepare_source(generator: Generator, source: np.ndarray, region: np.ndarray | None,
                   stiffness: np.ndarray | None = None) -> SourceState:
    """prepare() with the region and stiffness when there are some and the generator takes them (plugins without
    them are called as before)."""
    extra: dict[str, np.ndarray] = {}
    if region is not None and getattr(generator.capabilities, "region", False):
        extra["region"] = region
    if stiffness is not None and getattr(generator.capabilities, "stiffness", False):
        extra["stiffness"] = stiffness
    return generator.prepare(source, **extra)  # type: ignore[call-arg]


def source_scale(project: Project, image: np.ndarray) -> np.ndarray:
    """Per-axis factor from the project's image size to ``image``'s size (batch renders on other sources)."""
    return np.array([image.shape[1] / project.width, image.shape[0] / project.height], np.float32)


def scaled_pose(pose: Pose, factor: np.ndarray) -> Pose:
    """A pose with positions scaled per axis and radii by the geometric mean of the factors."""
    return Pose(pose.positions * factor, pose.jacobians, pose.radii * float(np.sqrt(factor.prod())))


def renderer_for_project(project: Project, source: np.ndarray, registry: GeneratorFactory,
                         size: tuple[int, int] | None = None, device: str | None = None,
                         generator: str | None = None) -> Renderer:
    """Build the project's generator (or an override) and prepare ``source`` at ``size`` (W, H).

    ``source`` is normally the project's own image; another image gets the keypoints (and the region) scaled
    onto it.
    """
    settings = project.render
    instance = registry.create_generator(generator or settings.generator, device or settings.device,
                                         **settings.options)
    rest = scaled_pose(Pose.from_arrays(project.rest_pose()), source_scale(project, source))
    size_wh = (source.shape[1], source.shape[0])
    region = decode_region(project.region_png, size_wh)
    stiffness = stiffness_map(project.stiff_areas, size_wh, source_scale(project, source))
    return Renderer(instance, source, rest, size, region, stiffness)
