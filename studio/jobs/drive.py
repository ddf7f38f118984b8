"""Drive a project's keypoints from a video: track, retarget onto the keypoints, resample to the project rate."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from studio.core.errors import UserError
from studio.core.pose_table import PoseTable
from studio.core.project import Project
from studio.plugins.api import Registry

Progress = Callable[[int, int], None]


def driven_pose_table(project: Project, video: str | Path, tracker: str = "face", mode: str = "relative",
                      smoothing: float = 0.3, registry: Registry | None = None, progress: Progress | None = None,
                      cancel: threading.Event | None = None) -> PoseTable:
    """Per-frame poses of every keypoint following the performer in ``video`` (first frame = neutral).

    face binds keypoints named after the face preset automatically; flow tracks each keypoint's own rest
    position through the video (scaled to the video's size); unbound keypoints stay at rest.
    """
    from studio.capture.retarget import Binding, face_bindings, retarget_take
    from studio.capture.track_job import track_video
    from studio.media.video_reader import open_frames

    if mode not in ("relative", "absolute"):
        raise UserError(f"motion mode {mode!r} must be relative or absolute")
    if not project.keypoints:
        raise UserError("the project has no keypoints to drive: add keypoints first")
    points = None
    if tracker == "flow":
        with open_frames(video) as source:
            width, height = source.info.width, source.info.height
        scale = np.array([width / project.width, height / project.height])
        points = np.array([(kp.x, kp.y) for kp in project.keypoints]) * scale
        bindings = [Binding(k, k) for k in range(len(project.keypoints))]
    elif tracker == "face":
        bindings = face_bindings([kp.name for kp in project.keypoints])
        if not bindings:
            raise UserError("no keypoint is named after the face preset: create the project with "
                            "--keypoints face, or use --tracker flow")
    else:
        raise UserError(f"--tracker {tracker} has no automatic binding to keypoints: use face or flow "
                        "(bind other trackers in the studio's capture panel)")
    motion = track_video(video, tracker, points=points, fill="interpolate", smoothing=smoothing,
                         progress=progress, cancel=cancel, registry=registry)
    take = retarget_take(motion, project.keypoints, bindings, neutral=0, mode=mode)
    values, _ = take.resampled(project.timing.fps)
    table = np.broadcast_to(np.array([kp.rest_values for kp in project.keypoints]),
                            (len(values), len(project.keypoints), 4)).copy()
    for column, kp_id in enumerate(take.keypoint_ids):
        driven = values[:, column]
        if not np.isnan(driven).any():
            table[:, project.index_of(kp_id)] = driven
    return PoseTable(table, project.radii())
