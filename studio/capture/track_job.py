"""The tracking job: a video file or frame folder in, a TrackedMotion out (shared by the CLI and the UI)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from studio.capture.gaps import fill_gaps
from studio.capture.motion import TrackedMotion
from studio.capture.recorder import MotionRecorder
from studio.capture.smoothing import smooth_motion
from studio.capture.trackers.base import Tracker
from studio.capture.trackers.flow import check_points_inside
from studio.capture.trackers.registry import create_tracker
from studio.core.errors import CancelledError, UserError
from studio.media.video_reader import FrameSource
from studio.plugins.api import Registry

Progress = Callable[[int, int], None]


def track_source(
    source: FrameSource,
    tracker: Tracker,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> TrackedMotion:
    """Track every frame of ``source`` in order; progress(done, total) after each frame (total 0 if unknown)."""
    info = source.info
    recorder = MotionRecorder(tracker, info.fps, (info.width, info.height))
    total = info.frame_count or 0
    for done, (timestamp, frame) in enumerate(source, start=1):
        if cancel is not None and cancel.is_set():
            raise CancelledError("tracking cancelled")
        recorder.add(timestamp, tracker.track(frame, timestamp))
        if progress is not None:
            progress(done, max(total, done))
    if not len(recorder):
        raise UserError("the video has no frames to track: use another video")
    return recorder.motion()


def track_video(
    path: str | Path,
    tracker: str = "face",
    points: np.ndarray | Sequence[tuple[float, float]] | None = None,
    fill: str | None = "interpolate",
    smoothing: float = 0.0,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    registry: Registry | None = None,
    **tracker_options: Any,
) -> TrackedMotion:
    """Track a video file or frame folder with the named tracker.

    points: [P, 2] first-frame pixels, required by (and only by) the flow tracker. fill: "interpolate",
    "hold" or None to keep gaps as NaN. smoothing: One Euro strength in [0, 1] (0 = raw).
    """
    from studio.media.video_reader import open_frames

    if tracker == "flow" and points is None:
        raise UserError("the flow tracker needs points: give --points \"x,y;x,y\" on the first frame")
    if tracker != "flow" and points is not None:
        raise UserError(f"points are only for the flow tracker, not {tracker!r}: drop --points or use --tracker flow")
    if not 0.0 <= smoothing <= 1.0:
        raise UserError(f"smoothing must be between 0 and 1, got {smoothing:g}")
    with open_frames(path) as source:
        if points is not None:
            points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
            check_points_inside(points, source.info.width, source.info.height)
            tracker_options["points"] = points
        with create_tracker(tracker, registry, **tracker_options) as active:
            motion = track_source(source, active, progress, cancel)
    if fill is not None:
        motion = fill_gaps(motion, fill)
    return smooth_motion(motion, smoothing)
