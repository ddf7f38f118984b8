"""Frame sources for capture: a webcam (or stream URL) by OpenCV, video files and frame folders by
studio.media.video_reader, all behind one FrameSource interface yielding (seconds, RGB uint8 frame).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from studio.core.errors import UserError
from studio.media.video_reader import FrameSource, VideoInfo, open_frames

DEFAULT_CAMERA_FPS = 30.0
LOG_LEVEL_SILENT = 0  # OpenCV's cv::utils::logging::LOG_LEVEL_SILENT


class CameraSource(FrameSource):
    """Live frames from a camera index (or a stream URL) with wall-clock timestamps from the first read.

    width/height/fps are requests the camera may round to what it supports (``info`` holds what it
    gives); mirror flips frames left-right, as a selfie view.
    """

    def __init__(
        self,
        device: int | str = 0,
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        mirror: bool = False,
    ) -> None:
        self.device = device
        self.mirror = mirror
        self._capture = cv2.VideoCapture(device)
        if not self._capture.isOpened():
            self._capture.release()
            raise UserError(f"camera {device} cannot be opened: check it is connected and not used by another app")
        if width:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        if fps:
            self._capture.set(cv2.CAP_PROP_FPS, fps)
        given_fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.info = VideoInfo(
            width=int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            height=int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            fps=float(given_fps) if 0 < given_fps < 1000 else DEFAULT_CAMERA_FPS,
            frame_count=None,
        )

    def read(self) -> np.ndarray | None:
        """The next RGB frame, or None when the camera stopped giving frames."""
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            return None
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        return np.ascontiguousarray(rgb[:, ::-1]) if self.mirror else rgb

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        start: float | None = None
        while (frame := self.read()) is not None:
            now = time.monotonic()
            start = now if start is None else start
            yield now - start, frame

    def close(self) -> None:
        """Release the camera (safe to call twice)."""
        self._capture.release()


def list_cameras(max_index: int = 5) -> list[int]:
    """Camera indices 0..max_index that open and give a frame.

    OpenCV's log level is silenced while probing (absent cameras are expected) and restored after.
    """
    found = []
    previous = cv2.getLogLevel()
    cv2.setLogLevel(LOG_LEVEL_SILENT)
    try:
        for index in range(max_index + 1):
            capture = cv2.VideoCapture(index)
            try:
                if capture.isOpened() and capture.read()[0]:
                    found.append(index)
            finally:
                capture.release()
    finally:
        cv2.setLogLevel(previous)
    return found


def open_source(spec: int | str | Path, mirror: bool = False, fps: float | None = None) -> FrameSource:
    """A camera for an int or "camera:N", otherwise a video file or frame folder at that path."""
    if isinstance(spec, int):
        return CameraSource(spec, mirror=mirror, fps=fps)
    text = str(spec)
    if text.startswith("camera:"):
        index = text.removeprefix("camera:")
        if not index.isdigit():
            raise UserError(f"bad camera {text!r}: write camera:N with N a camera number such as camera:0")
        return CameraSource(int(index), mirror=mirror, fps=fps)
    return open_frames(text, fps)
