"""The classic first-order-model demo as one function: animate a source image with a driving video."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from studio.core.errors import CancelledError, UserError

from .runtime import FommRuntime, as_rgb, resize
from .transfer import Landmarker, find_best_frame, normalize_kp


def animate(config: str | Path, checkpoint: str | Path, source_image: np.ndarray,
            driving_frames: Iterable[np.ndarray], relative: bool = True, adapt_scale: bool = True,
            find_best: bool = False, device: str = "auto", progress: Callable[[int, int], None] | None = None,
            cancel: threading.Event | None = None, landmarks: Landmarker | None = None) -> Iterator[np.ndarray]:
    """Yield the animated frames (H x W x 3 uint8 at the config's frame size), one per driving frame.

    As the original demo: source and frames are resized to the frame size; the keypoints of the first
    driving frame (with ``find_best``, of the frame whose face is closest to the source's) are the
    reference for relative motion; relative mode moves the source keypoints by the driving displacement
    (scaled by the convex-hull rule when ``adapt_scale``) and composes jacobians; absolute mode uses the
    driving keypoints as they are. The original renders forward and backward from the best frame; every frame
    depends only on itself and that reference, so rendering in order against it gives the same frames.
    ``progress(done, total)`` counts frames (twice over with find_best); ``cancel`` is checked between frames.
    """
    runtime = FommRuntime(config, checkpoint, device)
    size = runtime.frame_size
    source = resize(as_rgb(source_image, "source image"), size)
    frames: Iterable[np.ndarray] = driving_frames
    total = len(driving_frames) if hasattr(driving_frames, "__len__") else 0
    initial: np.ndarray | None = None
    offset = 0
    if find_best:
        frames = [resize(as_rgb(frame, "driving frame"), size) for frame in driving_frames]
        total = len(frames)
        if not frames:
            raise UserError("the driving video has no frames: give a video or a folder of images")

        def report(done: int, count: int) -> None:
            if progress is not None:
                progress(done, 2 * count)

        initial = frames[find_best_frame(source, frames, landmarks=landmarks, progress=report, cancel=cancel)]
        offset, total = total, 2 * total
    return _frames(runtime, source, frames, initial, relative, adapt_scale, progress, cancel, offset, total)


def _frames(runtime: FommRuntime, source: np.ndarray, frames: Iterable[np.ndarray], initial: np.ndarray | None,
            relative: bool, adapt_scale: bool, progress: Callable[[int, int], None] | None,
            cancel: threading.Event | None, offset: int, total: int) -> Iterator[np.ndarray]:
    """Render every driving frame against the reference frame ``initial`` (the first frame when None)."""
    size = runtime.frame_size
    kp_source = runtime.detect(source)
    cache = runtime.encode(source)
    kp_initial = None if initial is None else runtime.detect(initial)
    count = 0
    for index, frame in enumerate(frames):
        if cancel is not None and cancel.is_set():
            raise CancelledError("rendering was cancelled")
        kp_driving = runtime.detect(resize(as_rgb(frame, "driving frame"), size))
        if kp_initial is None:
            kp_initial = kp_driving
        kp_norm = normalize_kp(kp_source, kp_driving, kp_initial, relative=relative, adapt_scale=adapt_scale)
        yield runtime.render(cache, kp_source, kp_norm)
        count = index + 1
        if progress is not None:
            progress(offset + count, max(total, offset + count))
    if count == 0:
        raise UserError("the driving video has no frames: give a video or a folder of images")
