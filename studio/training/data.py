"""Training data: the videos and frame folders of a data folder, cropped, resized, split and augmented.

Every clip is decoded once, centre-cropped to a square, resized to the training size and kept in
memory as uint8 (``dataset_params.max_frames`` frames at most, evenly spread over the clip). A clip
that cannot be read, or a frame folder whose frames differ in size, is skipped with a warning
naming the file. The held-out split is a function of the clip names alone, so it is the same for
training and evaluation on any machine.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from studio.core.errors import CancelledError, UserError
from studio.media.video_reader import IMAGE_SUFFIXES, natural_key, read_all_frames

_log = logging.getLogger(__name__)

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v", ".gif"})


@dataclass(frozen=True)
class Clip:
    """One video of the data folder: its name (path relative to the folder) and frames T x S x S x 3 uint8."""

    name: str
    frames: np.ndarray


def find_clips(folder: str | Path) -> list[Path]:
    """Video files and frame folders directly inside ``folder``, in natural name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder: give a folder of videos and/or folders of frames")
    found = []
    for path in sorted(folder.iterdir(), key=lambda p: natural_key(p.name)):
        if path.name.startswith("."):
            continue
        is_video = path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES
        if is_video or (path.is_dir() and any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.iterdir())):
            found.append(path)
        elif path.is_dir():
            _log.warning("skipping %s: the folder holds no image frames", path.name)
        else:
            _log.warning("skipping %s: not a video (%s)", path.name, ", ".join(sorted(VIDEO_SUFFIXES)))
    if not found:
        suffixes = ", ".join(sorted(VIDEO_SUFFIXES))
        raise UserError(f"{folder} holds no videos ({suffixes}) and no folders of frames: put your footage in it")
    return found


def square_resize(frame: np.ndarray, size: int) -> np.ndarray:
    """Centre-crop an H x W x 3 frame to a square and resize it to size x size (area filter when shrinking)."""
    height, width = frame.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    square = frame[top:top + side, left:left + side]
    if side == size:
        return np.ascontiguousarray(square)
    interpolation = cv2.INTER_AREA if side > size else cv2.INTER_CUBIC
    return cv2.resize(square, (size, size), interpolation=interpolation)


def load_clip(path: Path, size: int, max_frames: int) -> np.ndarray:
    """Frames of one video or frame folder as T x size x size x 3 uint8, at most ``max_frames`` spread evenly."""
    frames, _ = read_all_frames(path)
    if len(frames) > max_frames:
        keep = np.linspace(0, len(frames) - 1, max_frames).round().astype(int)
        frames = [frames[i] for i in keep]
    return np.stack([square_resize(frame, size) for frame in frames])


def load_clips(folder: str | Path, size: int, max_frames: int,
               progress: Callable[[int, int], None] | None = None,
               cancel: threading.Event | None = None) -> list[Clip]:
    """Every usable clip of ``folder``; unusable ones are skipped with a logged warning naming the file."""
    folder = Path(folder)
    paths = find_clips(folder)
    clips = []
    for done, path in enumerate(paths, 1):
        if cancel is not None and cancel.is_set():
            raise CancelledError()
        if progress is not None:
            progress(done - 1, len(paths))
        name = path.relative_to(folder).as_posix()
        try:
            frames = load_clip(path, size, max_frames)
        except UserError as error:
            _log.warning("skipping %s: %s", name, error)
            continue
        except (OSError, ValueError, RuntimeError) as error:
            _log.warning("skipping %s: cannot read it (%s)", name, error.__class__.__name__)
            continue
        if len(frames) < 2:
            _log.warning("skipping %s: it has %d frame; a clip needs at least 2", name, len(frames))
            continue
        clips.append(Clip(name, frames))
    if not clips:
        raise UserError(f"no usable video in {folder}: every clip was skipped (see the warnings above)")
    return clips


def split_names(names: list[str], held_out: float) -> tuple[list[str], list[str]]:
    """(training, held-out) names: the ``held_out`` share with the smallest name hashes, at least one
    held out when there are two clips or more and the share is positive. Deterministic."""
    if held_out <= 0 or len(names) < 2:
        return list(names), []
    count = min(len(names) - 1, max(1, round(held_out * len(names))))
    ranked = sorted(names, key=lambda n: (zlib.crc32(n.encode("utf-8")), n))
    held = set(ranked[:count])
    return [n for n in names if n not in held], [n for n in names if n in held]


def split_clips(clips: list[Clip], held_out: float) -> tuple[list[Clip], list[Clip]]:
    """(training, held-out) clips by ``split_names``."""
    train, held = split_names([c.name for c in clips], held_out)
    by_name = {c.name: c for c in clips}
    return [by_name[n] for n in train], [by_name[n] for n in held]
