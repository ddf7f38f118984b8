"""Runs one live capture for the panel: opens the source and the tracker on a worker thread, then reads and
tracks on LiveCapture's two threads; samples, errors and the end of the source reach the GUI as queued signals.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.capture.puppet import LivePuppet
from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.core.errors import CancelledError, UserError
from studio.core.project import PoseArrays
from studio.ui.capture.capture_source import SourceChoice
from studio.ui.threads import BackgroundJob

if TYPE_CHECKING:
    from studio.capture.live import LiveCapture
    from studio.capture.recorder import MotionRecorder
    from studio.media.video_reader import FrameSource

_log = logging.getLogger(__name__)
VIEW_SIDE = 320
VIDEO_ENDED = "the video ended"


@dataclass(frozen=True, eq=False)
class LiveSample:
    """One tracked frame for the GUI: source ``timestamp`` s, the frame shrunk for display (``view_scale`` =
    view pixels per frame pixel), what the tracker saw (frame pixels), and the puppet pose (None when off or
    nothing bound was seen).
    """

    timestamp: float
    view: np.ndarray
    view_scale: float
    tracked: TrackedFrame
    pose: PoseArrays | None


def shrink_for_view(frame: np.ndarray, side: int = VIEW_SIDE) -> tuple[np.ndarray, float]:
    """The frame scaled so its longer side is at most ``side`` pixels, and the scale used."""
    import cv2

    height, width = frame.shape[:2]
    scale = min(1.0, side / max(height, width))
    if scale == 1.0:
        return frame, 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA), scale


def error_text(error: BaseException) -> str:
    """One line for the status: a UserError's own message, anything else named without a traceback."""
    if isinstance(error, (UserError, CancelledError)):
        return str(error)
    _log.error("capture failed", exc_info=error)
    return f"capture failed: {type(error).__name__}: {error}"


class CaptureRunner(QObject):
    """Owns at most one running capture. ``start`` is asynchronous; ``started(fps, (w, h))`` follows when the
    source is open, then ``sample_ready(LiveSample)`` per tracked frame, and ``ended(reason)`` once it stops by
    itself (source finished or lost), or ``failed(message)`` on an error. ``stop`` joins every thread.
    """

    started = Signal(float, object)
    sample_ready = Signal(object)
    failed = Signal(str)
    ended = Signal(str)
    _sampled = Signal(int, object)
    _crashed = Signal(int, str)
    _finished = Signal(int, str)

    def __init__(self, parent: QObject | None = None,
                 source_opener: Callable[[SourceChoice], FrameSource] | None = None) -> None:
        super().__init__(parent)
        self.source_opener = source_opener
        self.puppet: LivePuppet | None = None
        self._capture: LiveCapture | None = None
        self._watcher: threading.Thread | None = None
        self._opening: BackgroundJob | None = None
        self._recorder: MotionRecorder | None = None
        self._generation = 0
        self._choice: SourceChoice | None = None
        self._sampled.connect(self._relay_sample)
        self._crashed.connect(self._relay_failure)
        self._finished.connect(self._relay_end)

    @property
    def running(self) -> bool:
        """True while a capture is opening or running."""
        return self._opening is not None or self._capture is not None

    @property
    def recording(self) -> bool:
        """True while samples go to the recorder."""
        return self._recorder is not None

    def start(self, choice: SourceChoice, make_tracker: Callable[[], Tracker], record: bool = False) -> None:
        """Stop any running capture, then open ``choice`` and the tracker off the GUI thread and start tracking."""
        self.stop()
        self._recorder = None
        self._generation += 1
        generation = self._generation
        self._choice = choice

        def open_both() -> tuple[FrameSource, Tracker]:
            from studio.ui.capture.capture_open import open_choice

            source = (self.source_opener or open_choice)(choice)
            try:
                return source, make_tracker()
            except BaseException:
                source.close()
                raise

        job = BackgroundJob(open_both, self)
        job.succeeded.connect(lambda opened: self._on_opened(generation, opened, record))
        job.failed.connect(lambda message: self._on_open_failed(generation, message))
        job.finished.connect(job.deleteLater)
        self._opening = job
        job.start()

    def _on_open_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._opening = None
            self._choice = None
            self.failed.emit(message)

    def _on_opened(self, generation: int, opened: tuple[FrameSource, Tracker], record: bool) -> None:
        from studio.capture.live import LiveCapture
        from studio.capture.recorder import MotionRecorder

        source, tracker = opened
        if generation != self._generation:
            source.close()
            tracker.close()
            return
        self._opening = None
        info = source.info
        if record:
            self._recorder = MotionRecorder(tracker, info.fps, (info.width, info.height))
        capture = LiveCapture(source, tracker, partial(self._on_sample, generation),
                              lambda error: self._crashed.emit(generation, error_text(error)))
        self._capture = capture
        capture.start()
        is_camera = self._choice is not None and self._choice.is_camera
        self._watcher = threading.Thread(target=self._watch, args=(capture, generation, is_camera),
                                         name="capture-watch", daemon=True)
        self._watcher.start()
        self.started.emit(info.fps, (info.width, info.height))

    def start_recording(self) -> bool:
        """Record the samples of the running capture from now on; False when no capture runs yet."""
        from studio.capture.recorder import MotionRecorder

        capture = self._capture
        if capture is None:
            return False
        info = capture.source.info
        self._recorder = MotionRecorder(capture.tracker, info.fps, (info.width, info.height))
        return True

    def take_recording(self) -> MotionRecorder | None:
        """Stop recording (the capture keeps running) and hand over what was recorded."""
        recorder, self._recorder = self._recorder, None
        return recorder

    def stop(self) -> None:
        """Stop the capture and join its threads (the recording, if any, is kept for ``take_recording``)."""
        self._generation += 1
        if self._opening is not None:
            self._opening.wait()
            self._opening = None
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.stop()
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.join(5.0)
        self._choice = None

    # ----- capture threads (emit the private signals; the slots below run on the GUI thread) ------------
    def _on_sample(self, generation: int, timestamp: float, frame: np.ndarray, tracked: TrackedFrame) -> None:
        recorder = self._recorder
        if recorder is not None:
            recorder.add(timestamp, tracked)
        puppet = self.puppet
        pose = puppet.pose(tracked, timestamp) if puppet is not None else None
        view, scale = shrink_for_view(frame)
        self._sampled.emit(generation, LiveSample(timestamp, view, scale, tracked, pose))

    def _watch(self, capture: LiveCapture, generation: int, is_camera: bool) -> None:
        capture.wait()
        self._finished.emit(generation, "camera lost: it stopped giving frames; check the cable and start again"
                            if is_camera else VIDEO_ENDED)

    def _relay_sample(self, generation: int, sample: LiveSample) -> None:
        if generation == self._generation:
            self.sample_ready.emit(sample)

    def _relay_failure(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.stop()
            self.failed.emit(message)

    def _relay_end(self, generation: int, reason: str) -> None:
        if generation == self._generation:
            self.stop()
            self.ended.emit(reason)
