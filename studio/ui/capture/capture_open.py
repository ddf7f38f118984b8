"""Opening the capture panel's sources (blocking: called off the GUI thread), with files paced to real time.

No Qt here. Kept apart from SourceChoice so the window does not load PyAV and OpenCV until a capture starts.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from studio.core.errors import UserError
from studio.media.video_reader import FrameSource
from studio.ui.capture.capture_source import SourceChoice


class PacedSource(FrameSource):
    """Delivers a file's frames at their own timestamps, as a camera would, instead of as fast as they decode.

    The clock starts at the second frame: a reader that waits for its tracker's first frame (LiveCapture does,
    while the tracker loads its models) then loses none of the frames after it.
    """

    def __init__(self, inner: FrameSource) -> None:
        self.inner = inner
        self.info = inner.info

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        origin: float | None = None
        for index, (timestamp, frame) in enumerate(self.inner):
            now = time.monotonic()
            if origin is None and index > 0:
                origin = now - timestamp
            delay = 0.0 if origin is None else origin + timestamp - now
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
