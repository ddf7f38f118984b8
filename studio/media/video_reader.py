"""Frames in: a video file (PyAV) or a folder of numbered images, as timestamped RGB uint8 arrays."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import av
import numpy as np

from studio.core.errors import UserError
from studio.media.image_io import load_image, read_image_size

FOLDER_FPS = 25.0
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})


@dataclass(frozen=True)
class VideoInfo:
    """Frame size, frame rate and (when the container knows it) the number of frames."""

    width: int
    height: int
    fps: float
    frame_count: int | None


class FrameSource(ABC):
    """Open frames; iterate for (timestamp seconds, RGB HxWx3 uint8). Use as a context manager."""

    info: VideoInfo

    @abstractmethod
    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        """Yield (timestamp seconds, RGB HxWx3 uint8 frame) in order."""

    @abstractmethod
    def close(self) -> None:
        """Release the file handles (safe to call twice)."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_frames(path: str | Path, fps: float | None = None) -> FrameSource:
    """Open a video file or a folder of image frames (natural name order, ``fps`` or 25 fps for folders)."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such file or folder; check the path")
    if path.is_dir():
        return _ImageFolderSource(path, fps or FOLDER_FPS)
    return _VideoFileSource(path, fps)


def read_all_frames(path: str | Path, max_frames: int | None = None) -> tuple[list[np.ndarray], float]:
    """All frames of a video or image folder (at most ``max_frames``) and its frame rate."""
    frames: list[np.ndarray] = []
    with open_frames(path) as source:
        for _, frame in source:
            if max_frames is not None and len(frames) >= max_frames:
                break
            frames.append(frame)
        return frames, source.info.fps


def audio_stream_info(path: str | Path) -> tuple[float, int] | None:
    """(duration seconds, sample rate) of the file's first audio stream, or None when it has no audio."""
    path = Path(path)
    container = _open_container(path)
    try:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or stream.rate or 0)
        if stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base), rate
        if container.duration is not None:
            return container.duration / av.time_base, rate
        samples = sum(frame.samples for frame in container.decode(stream))
        return (samples / rate if rate else 0.0), rate
    except av.FFmpegError as error:
        raise UserError(f"{path}: could not read its audio ({_reason(error)}); use another file") from None
    finally:
        container.close()


def natural_key(name: str) -> list[int | str]:
    """Sort key that orders "frame2" before "frame10" (digit runs compare as numbers)."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _open_container(path: Path) -> av.container.InputContainer:
    """Open a media file for reading, turning every failure into a one-line UserError."""
    if not path.exists():
        raise UserError(f"{path}: no such file; check the path")
    try:
        return av.open(str(path), mode="r")
    except PermissionError:
        raise UserError(f"{path}: permission denied; check the file's permissions") from None
    except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path} is not a readable video ({_reason(error)}); use MP4, MOV or WebM") from None


def _reason(error: BaseException) -> str:
    """A short one-line reason from an FFmpeg/OS error."""
    return str(getattr(error, "strerror", None) or error).splitlines()[0]


class _VideoFileSource(FrameSource):
    """Frames decoded from the first video stream of a file."""

    def __init__(self, path: Path, fps: float | None) -> None:
        self._path = path
        self._container = _open_container(path)
        if not self._container.streams.video:
            self._container.close()
            raise UserError(f"{path} has no video stream; use a video file or a folder of frames")
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        context = self._stream.codec_context
        rate = self._stream.average_rate or self._stream.guessed_rate
        native_fps = float(rate) if rate else FOLDER_FPS
        start = self._stream.start_time
        self._start = float(start * self._stream.time_base) if start is not None else 0.0
        self.info = VideoInfo(
            width=int(context.width),
            height=int(context.height),
            fps=float(fps or native_fps),
            frame_count=int(self._stream.frames) or None,
        )
        if self.info.width <= 0 or self.info.height <= 0:
            self.close()
            raise UserError(f"{path}: the video stream has no frame size; re-encode it")

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        count = 0
        try:
            for frame in self._container.decode(self._stream):
                stamp = frame.time - self._start if frame.time is not None else count / self.info.fps
                count += 1
                yield max(stamp, 0.0), frame.to_ndarray(format="rgb24")
        except av.FFmpegError as error:
            raise UserError(f"{self._path}: decoding failed at frame {count} ({_reason(error)})") from None
        if count == 0:
            raise UserError(f"{self._path} contains no video frames; use another file")

    def close(self) -> None:
        self._container.close()


class _ImageFolderSource(FrameSource):
    """Frames read from the image files of a folder in natural name order, all of one size."""

    def __init__(self, folder: Path, fps: float) -> None:
        self._files = sorted(
            (p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".")),
            key=lambda p: natural_key(p.name),
        )
        if not self._files:
            suffixes = ", ".join(sorted(IMAGE_SUFFIXES))
            raise UserError(f"{folder} holds no image frames ({suffixes}); choose the folder of frames")
        width, height = read_image_size(self._files[0])
        for file in self._files[1:]:
            size = read_image_size(file)
            if size != (width, height):
                raise UserError(
                    f"{folder}: frames differ in size ({self._files[0].name} is {width}x{height}, "
                    f"{file.name} is {size[0]}x{size[1]}); make all frames the same size"
                )
        self.info = VideoInfo(width=width, height=height, fps=float(fps), frame_count=len(self._files))

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        for index, file in enumerate(self._files):
            image = load_image(file)
            yield index / self.info.fps, np.ascontiguousarray(image[:, :, :3])

    def close(self) -> None:
        """Nothing to release: each frame file is opened only while it is read."""
