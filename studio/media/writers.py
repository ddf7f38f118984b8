"""Open the right writer for an export and run a pipelined export: render on the caller's thread, encode on another.

This is the entry point the render job and the CLI use: ``open_writer`` checks the target up front (format,
existing files, folder) so a bad export fails before any rendering; ``write_frames`` runs a whole export.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from studio.core.errors import CancelledError, UserError
from studio.media.frame_writer import FrameWriter, write_error
from studio.media.gif_writer import GifWriter
from studio.media.output_spec import OutputSpec, format_for
from studio.media.png_sequence_writer import PngSequenceWriter, existing_sequence_files
from studio.media.sprite_sheet_writer import SpriteSheetWriter, sprite_sheet_paths
from studio.media.video_reader import audio_stream_info
from studio.media.video_writer import VideoFileWriter

QUEUE_FRAMES = 4
AUDIO_FORMATS = ("mp4", "webm", "mov")


def open_writer(spec: OutputSpec) -> FrameWriter:
    """A writer for ``spec`` after checking format, size, existing targets, the folder and the audio file."""
    fmt = format_for(spec)
    if spec.width <= 0 or spec.height <= 0:
        raise UserError(f"{spec.path}: frame size {spec.width}x{spec.height} is empty; set a positive size")
    if not spec.fps > 0:
        raise UserError(f"{spec.path}: frame rate {spec.fps} is not positive; set the fps above 0")
    target = Path(spec.path)
    check_not_existing(spec)
    _prepare_folder(target.parent)
    if spec.audio and fmt in AUDIO_FORMATS:
        _check_audio(spec)
    try:
        if fmt == "gif":
            return GifWriter(spec)
        if fmt == "png-sequence":
            return PngSequenceWriter(spec)
        if fmt == "sprite-sheet":
            return SpriteSheetWriter(spec)
        return VideoFileWriter(spec, fmt)
    except OSError as error:
        raise write_error(spec, error) from None


def write_frames(
    frames: Iterable[np.ndarray],
    spec: OutputSpec,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[Path]:
    """Export ``frames`` to ``spec`` and return the written paths.

    The caller's iterator (the renderer) runs on this thread while encoding runs on a worker thread fed
    through a queue of ``QUEUE_FRAMES`` frames. ``progress(done, total)`` counts encoded frames (total 0 when
    unknown). Frames are copied before queueing, so the iterator may reuse one buffer. Cancel aborts and
    raises CancelledError; any error aborts and is re-raised; either way nothing is left under the target
    name and no temp file remains.
    """
    writer = open_writer(spec)
    pipeline = _EncodePipeline(writer)
    try:
        for frame in frames:
            if cancel is not None and cancel.is_set():
                raise CancelledError(f"export to {spec.path} cancelled")
            pipeline.put(frame.copy())  # the renderer may reuse its output buffer for the next frame
            if progress is not None:
                progress(pipeline.done, total or 0)
        pipeline.finish()
        if cancel is not None and cancel.is_set():
            raise CancelledError(f"export to {spec.path} cancelled")
        outputs = writer.close()
    except BaseException:
        pipeline.stop()
        writer.abort()
        raise
    if progress is not None:
        progress(pipeline.done, total or pipeline.done)
    return outputs


class _EncodePipeline:
    """One worker thread writing queued frames; the first error stops it and is re-raised to the caller."""

    _END = object()

    def __init__(self, writer: FrameWriter) -> None:
        self._writer = writer
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self._stopping = threading.Event()
        self._error: BaseException | None = None
        self.done = 0
        self._thread = threading.Thread(target=self._run, name="export-encoder", daemon=True)
        self._thread.start()

    def put(self, frame: np.ndarray) -> None:
        """Queue a frame (blocks while the queue is full); raises the worker's error if it failed."""
        self._put(frame)

    def finish(self) -> None:
        """Wait until every queued frame is written; raise the worker's error if any."""
        self._put(self._END)
        self._thread.join()
        self._raise_error()

    def _put(self, item: object) -> None:
        """Queue an item unless the worker has failed (then raise its error instead of blocking forever)."""
        while self._error is None:
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        self._raise_error()

    def stop(self) -> None:
        """Make the worker drop queued frames and exit; wait for it."""
        self._stopping.set()
        self._thread.join()

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                item = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if item is self._END:
                return
            try:
                self._writer.write(item)
            except BaseException as error:
                self._error = error
                return
            self.done += 1


def existing_outputs(spec: OutputSpec) -> list[Path]:
    """Files an export to ``spec`` would replace: the file, the atlas and its JSON, or frames of the pattern."""
    fmt = format_for(spec)
    target = Path(spec.path)
    if fmt == "png-sequence":
        return existing_sequence_files(target)
    paths = sprite_sheet_paths(target) if fmt == "sprite-sheet" else [target]
    return [path for path in paths if path.exists()]


def check_not_existing(spec: OutputSpec) -> None:
    """UserError when the export would replace existing files and ``overwrite`` is off."""
    existing = [] if spec.overwrite else existing_outputs(spec)
    if existing:
        raise UserError(f"{existing[0]} exists: pass --overwrite or choose another name")


def _prepare_folder(folder: Path) -> None:
    """Create the output folder if needed and make sure files can be created in it."""
    folder = folder if str(folder) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"{folder} is a file, not a folder; choose another output folder") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise UserError(f"could not create the folder {folder}: {reason}; choose another output folder") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write in the folder {folder}: permission denied; choose another output folder")


def _check_audio(spec: OutputSpec) -> None:
    """UserError unless ``spec.audio`` has an audio stream that reaches ``spec.audio_start`` (a negative start is
    silence before the sound)."""
    info = audio_stream_info(spec.audio)
    if info is None:
        raise UserError(f"{spec.audio} has no audio stream; choose a file with sound or leave audio off")
    duration, _ = info
    if duration > 0 and spec.audio_start >= duration:
        raise UserError(
            f"audio start {spec.audio_start:.2f} s is outside {spec.audio} ({duration:.2f} s long); "
            "choose a start inside the audio"
        )
