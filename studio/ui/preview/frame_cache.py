"""The shot's frame cache: every frame of the range rendered once, kept in memory for one document version.

Playback under a slow generator (fomm on a CPU) shows cached frames at the shot's full rate. The cache holds
the frames of one document version only: any edit bumps the version and empties it. ``render_shot`` is the
plain function that fills it (progress callback, cancel flag), run on a worker thread by ``ShotCacher``; it
renders through the preview worker's own ``RenderState``, so cached frames equal the preview's full frames.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from studio.core.errors import CancelledError, UserError
from studio.core.project import PoseArrays
from studio.plugins.api import Registry
from studio.ui.preview.preview_worker import PreviewRequest, PreviewSetup, RenderState

DEFAULT_LIMIT_BYTES = 1536 * 1024 * 1024
MEGABYTE = 1024 * 1024


def estimate_bytes(size: tuple[int, int], frame_count: int, channels: int = 3) -> int:
    """Memory the cached frames take: W x H x channels bytes per frame (uint8), ``frame_count`` frames."""
    return int(size[0]) * int(size[1]) * int(channels) * int(frame_count)


@dataclass(frozen=True)
class ShotJob:
    """What caching a shot renders, snapshot on the GUI thread: the preview's setup, the rest pose [1,K,...],
    the driving poses of every frame [M,K,...] and their frame numbers (M)."""

    setup: PreviewSetup
    rest: PoseArrays
    poses: PoseArrays
    frames: tuple[int, ...]
    version: int


def render_shot(job: ShotJob, registry_factory: Callable[[], Registry], progress: Callable[[int, int], None],
                cancel: threading.Event) -> dict[int, np.ndarray]:
    """Render every frame of ``job`` (full frames, as the preview renders them); raise CancelledError when
    ``cancel`` is set between frames. ``progress(done, total)`` is called after each frame."""
    state = RenderState(registry_factory)
    state.set_up(job.setup)
    frames: dict[int, np.ndarray] = {}
    total = len(job.frames)
    for index, frame in enumerate(job.frames):
        if cancel.is_set():
            raise CancelledError("caching the shot was cancelled")
        driving = PoseArrays(job.poses.positions[index:index + 1], job.poses.jacobians[index:index + 1],
                             job.poses.radii)
        image, _draft = state.render(PreviewRequest(index + 1, job.setup.generation, float(frame), job.rest,
                                                    driving))
        frames[frame] = image
        progress(index + 1, total)
    return frames


class FrameCache:
    """Frames of one document version, bounded to ``limit_bytes``; empty until a finished job is adopted."""

    def __init__(self, limit_bytes: int = DEFAULT_LIMIT_BYTES) -> None:
        self.limit_bytes = limit_bytes
        self.version = -1
        self._frames: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def nbytes(self) -> int:
        """Memory the cached frames take."""
        return sum(image.nbytes for image in self._frames.values())

    def check_fits(self, size: tuple[int, int], frame_count: int) -> None:
        """Raise UserError when a shot of ``frame_count`` frames at ``size`` (W, H) would not fit the limit."""
        needed = estimate_bytes(size, frame_count)
        if needed > self.limit_bytes:
            raise UserError(f"Caching this shot needs about {needed // MEGABYTE} MB, over the cache's "
                            f"{self.limit_bytes // MEGABYTE} MB: shorten the frame range to cache it.")

    def adopt(self, version: int, frames: dict[int, np.ndarray]) -> bool:
        """Keep a finished job's frames for ``version``; refused (False) when over the limit."""
        if sum(image.nbytes for image in frames.values()) > self.limit_bytes:
            return False
        self.version = version
        self._frames = dict(frames)
        return True

    def get(self, frame: int, version: int) -> np.ndarray | None:
        """The cached frame for the document at ``version``, or None (not cached, or the document changed)."""
        if version != self.version:
            return None
        return self._frames.get(int(frame))

    def clear(self) -> None:
        """Forget every frame (the document changed)."""
        self._frames = {}
        self.version = -1
