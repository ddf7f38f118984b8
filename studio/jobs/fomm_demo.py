"""The classic first-order-model demo as one job: a source image, a driving video, a FOMM checkpoint -> a file."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from studio.core.errors import UserError
from studio.media.image_io import load_image
from studio.media.output_spec import OutputSpec
from studio.media.video_reader import read_all_frames
from studio.media.writers import write_frames

Progress = Callable[[int, int], None]


def animate_to_file(config: str, checkpoint: str, source: str | Path, driving: str | Path, spec: OutputSpec,
                    relative: bool = True, adapt_scale: bool = True, find_best: bool = False, device: str = "auto",
                    progress: Progress | None = None, cancel: threading.Event | None = None) -> list[Path]:
    """Animate ``source`` with ``driving`` as the original demo does and encode the result.

    Frames come out at the config's frame size and the driving video's rate (``spec`` size and fps are
    filled in here); rendering overlaps encoding.
    """
    from studio.engine.fomm.config import load_config
    from studio.engine.fomm.demo import animate

    frame_height, frame_width = load_config(config).frame_size
    image = load_image(source)
    frames, fps = read_all_frames(driving)
    if not frames:
        raise UserError(f"the driving video {driving} has no frames: give a video or a folder of images")
    spec = replace(spec, fps=spec.fps or fps, width=frame_width, height=frame_height,
                   alpha=image.shape[2] == 4)
    rendered = animate(config, checkpoint, image, frames, relative=relative, adapt_scale=adapt_scale,
                       find_best=find_best, device=device, cancel=cancel)
    return write_frames(rendered, spec, total=len(frames), progress=progress, cancel=cancel)
