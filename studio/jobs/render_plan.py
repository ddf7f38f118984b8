"""Planning a render: which project times become which output frames, at what size and rate.

Pure arithmetic on the document, so the dialog, the CLI and tests agree on frame counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.core.errors import UserError
from studio.core.project import Project

MAX_SIDE = 8192


@dataclass(frozen=True)
class RenderOptions:
    """What the user asked for; None means "as the project says"."""

    frames: tuple[int, int] | None = None
    size: tuple[int | None, int | None] | None = None
    fps: float | None = None
    device: str | None = None
    generator: str | None = None
    motion_blur: int = 1
    shutter: float = 180.0


@dataclass(frozen=True)
class RenderPlan:
    """times: project frame time of each output frame [N]; sub_offsets: motion-blur offsets in frames [S]."""

    times: np.ndarray
    sub_offsets: np.ndarray
    width: int
    height: int
    fps: float

    @property
    def frame_count(self) -> int:
        """Number of output frames."""
        return len(self.times)


def parse_frames(text: str) -> tuple[int, int]:
    """'A:B' (inclusive) -> (A, B); UserError for anything else."""
    parts = text.split(":")
    try:
        start, end = (int(p) for p in parts)
    except ValueError:
        raise UserError(f"--frames {text!r} must look like A:B with whole frame numbers, e.g. 0:119") from None
    if end < start:
        raise UserError(f"--frames {text}: the end frame comes before the start")
    return start, end


def parse_size(text: str) -> tuple[int | None, int | None]:
    """'WxH', 'Wx' or 'xH' -> (W or None, H or None); UserError for anything else."""
    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width) if width else None, int(height) if height else None)
    except ValueError:
        size = (None, None)
    if not sep or size == (None, None) or any(v is not None and not 1 <= v <= MAX_SIDE for v in size):
        raise UserError(f"--size {text!r} must look like 512x512, 512x or x512 (1..{MAX_SIDE} pixels)")
    return size


def fit_size(width: int, height: int, size: tuple[int | None, int | None] | None) -> tuple[int, int]:
    """The output size: the source size, or scaled to fit ``size`` keeping the aspect ratio."""
    if size is None:
        return width, height
    box_w, box_h = size
    scale_w = box_w / width if box_w else None
    scale_h = box_h / height if box_h else None
    scale = min(s for s in (scale_w, scale_h) if s is not None)
    return max(1, round(width * scale)), max(1, round(height * scale))


def plan_render(project: Project, options: RenderOptions, source_size: tuple[int, int] | None = None) -> RenderPlan:
    """Output frame times, motion-blur offsets, size and rate for a project and the user's options."""
    timing = project.timing
    start, end = options.frames or (timing.start, timing.end)
    fps = options.fps or timing.fps
    if not 1 <= fps <= 240:
        raise UserError(f"--fps {fps:g} must be between 1 and 240")
    if options.motion_blur < 1 or options.motion_blur > 64:
        raise UserError("--motion-blur must be between 1 and 64 sub-frames")
    if not 0 <= options.shutter <= 360:
        raise UserError("--shutter must be between 0 and 360 degrees")
    step = timing.fps / fps
    count = int(np.floor((end - start) / step + 1e-9)) + 1
    times = start + np.arange(count) * step
    subs = options.motion_blur
    offsets = (options.shutter / 360.0) * ((np.arange(subs) + 0.5) / subs - 0.5) * step
    width, height = fit_size(*(source_size or (project.width, project.height)), options.size)
    return RenderPlan(times, offsets if subs > 1 else np.zeros(1), width, height, float(fps))
