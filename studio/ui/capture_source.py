"""Where the capture panel's frames come from: a camera by index, or a video file / frame folder played in real time.

No Qt here: the panel opens sources on a worker thread through ``open_choice``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.core.errors import UserError
from studio.media.video_reader import FrameSource


@dataclass(frozen=True)
class SourceChoice:
    """A camera (``camera`` index, requested ``size`` (W, H) or None, ``mirror``) or a video/folder ``path``."""

    camera: int | None = None
    path: Path | None = None
    size: tuple[int, int] | None = None
    mirror: bool = False

    def __post_init__(self) -> None:
        if (self.camera is None) == (self.path is None):
            raise ValueError("a source is either a camera index or a path")

    @property
    def is_camera(self) -> bool:
        """True for a live camera, False for a file or folder (which can be replayed from its start)."""
        return self.camera is not None

    def label(self) -> str:
        """A short name for status messages."""
        return f"camera {self.camera}" if self.camera is not None else str(self.path)


class PacedSource(FrameSource):
    """Delivers a file's frames at their own timestamps, as a camera would, instead of as fast as they decode."""

    def __init__(self, inner: FrameSource) -> None:
        self.inner = inner
        self.info = inner.info

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        origin: float | None = None
        for timestamp, frame in self.inner:
            now = time.monotonic()
            if origin is None:
                origin = now - timestamp
            delay = origin + timestamp - now
            if delay > 0:
                time.sleep(delay)
            yield timestamp, frame

    def close(self) -> None:
        """Close the file."""
        self.inner.close()


def open_choice(choice: SourceChoice, paced: bool = True) -> FrameSource:
    """Open the chosen source (blocking: call it off the GUI thread); files are paced to real time unless told."""
    from studio.capture.sources import CameraSource
    from studio.media.video_reader import open_frames

    if choice.camera is not None:
        width, height = choice.size or (None, None)
        return CameraSource(choice.camera, width, height, mirror=choice.mirror)
    assert choice.path is not None
    source = open_frames(choice.path)
    return PacedSource(source) if paced else source


def first_frame(choice: SourceChoice) -> np.ndarray:
    """The first frame of the source (RGB uint8), e.g. to place flow points on; UserError when there is none."""
    with open_choice(choice, paced=False) as source:
        for _, frame in source:
            return frame
    raise UserError(f"{choice.label()} gave no frame: check the camera or choose another file")
