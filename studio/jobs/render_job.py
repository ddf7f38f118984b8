"""Render a project through its generator and encode it: one function for the CLI, the dialog and batch."""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import numpy as np

from studio.core.errors import CancelledError, UserError
from studio.core.project import PoseArrays, Project
from studio.engine.contract import GeneratorFactory
from studio.engine.renderer import Pose, Renderer, renderer_for_project, scaled_pose, source_scale
from studio.jobs.background_frames import frames_in_background
from studio.jobs.export_sound import with_project_sound
from studio.jobs.render_plan import RenderPlan
from studio.media.compose import average_subframes
from studio.media.image_io import decode_image
from studio.media.output_spec import OutputSpec
from studio.media.writers import write_frames

Progress = Callable[[int, int], None]


class MotionSource(Protocol):
    """Anything that gives poses at project frame times: a Project (its tracks) or a PoseTable (a performance)."""

    def sample(self, frames: np.ndarray) -> PoseArrays: ...


def check_generated_frame(image: object, size: tuple[int, int] | None, generator: str) -> None:
    """UserError unless a generator returned an HxWx3/4 uint8 array of ``size`` (W, H): a plugin bug, named."""
    shape = getattr(image, "shape", None)
    ok = (isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] in (3, 4)
          and (size is None or image.shape[:2] == (size[1], size[0])))
    if not ok:
        expected = f"{size[1]}x{size[0]}x3" if size else "HxWx3"
        got = f"{type(image).__name__} {shape} {getattr(image, 'dtype', '')}".strip()
        raise UserError(f"generator {generator!r} returned a wrong image ({got}, expected {expected} uint8): "
                        "choose another generator")


def iter_frames(motion: MotionSource, plan: RenderPlan, renderer: Renderer, factor: np.ndarray,
                cancel: threading.Event | None = None) -> Generator[np.ndarray, None, None]:
    """Yield each output frame (motion-blurred when the plan has several sub-frame offsets).

    ``factor`` scales the project's keypoints onto the renderer's source image.
    """
    for time in plan.times:
        if cancel is not None and cancel.is_set():
            raise CancelledError
        poses = motion.sample(time + plan.sub_offsets)
        frames = [renderer.render(scaled_pose(Pose.from_arrays(poses, i), factor))
                  for i in range(len(plan.sub_offsets))]
        for frame in frames:
            check_generated_frame(frame, (renderer.width, renderer.height), _generator_name(renderer))
        yield frames[0] if len(frames) == 1 else average_subframes(frames)


def _generator_name(renderer: Renderer) -> str:
    """The generator's name for messages (its capabilities' name, else its class)."""
    capabilities = getattr(renderer.generator, "capabilities", None)
    return str(getattr(capabilities, "name", "") or type(renderer.generator).__name__)


def render_project(project: Project, plan: RenderPlan, spec: OutputSpec, registry: GeneratorFactory,
                   source: np.ndarray | None = None, device: str | None = None, generator: str | None = None,
                   progress: Progress | None = None, cancel: threading.Event | None = None,
                   motion: MotionSource | None = None, project_sound: bool = False) -> list[Path]:
    """Render every planned frame and encode it (rendering overlaps encoding); returns the written paths.

    ``source`` replaces the project's image (batch); ``motion`` replaces the project's tracks (a driving
    video's PoseTable); the spec's size, rate and alpha come from the plan. With ``project_sound`` and no audio
    file in the spec, the project's sound goes in, in sync with the planned range.
    """
    image = decode_image(project.source_png, "project source") if source is None else source
    renderer = renderer_for_project(project, image, registry, (plan.width, plan.height), device, generator)
    spec = replace(spec, fps=plan.fps, width=plan.width, height=plan.height, alpha=renderer.state.channels == 4)
    rendered = iter_frames(motion or project, plan, renderer, source_scale(project, image), cancel)
    frames = rendered if cancel is None else frames_in_background(rendered, cancel)
    if not project_sound:
        return write_frames(frames, spec, total=plan.frame_count, progress=progress, cancel=cancel)
    with with_project_sound(project, spec, float(plan.times[0])) as sound_spec:
        return write_frames(frames, sound_spec, total=plan.frame_count, progress=progress, cancel=cancel)
