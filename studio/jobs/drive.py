"""Drive a project's keypoints from a video: track, build the take as the capture dock does, resample to the project."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from studio.capture.head_turn import HeadLimits
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.pose_table import PoseTable
from studio.core.project import Project
from studio.core.takes import Take
from studio.plugins.api import Registry

Progress = Callable[[int, int], None]


def driven_pose_table(project: Project, video: str | Path, tracker: str = "face", mode: str = "relative",
                      smoothing: float = 0.3, registry: Registry | None = None, progress: Progress | None = None,
                      cancel: threading.Event | None = None, head: HeadLimits | None = None) -> PoseTable:
    """Per-frame poses of every keypoint following the performer in ``video``.

    face, pose and hands bind keypoints named after the face, body and hands presets automatically; flow tracks
    each keypoint's own rest position through the video (scaled to the video's size); unbound keypoints stay at
    rest. The take is built by studio.capture.takes.build_take, so the neutral is the first frame that sees a bound
    landmark, as in the dock. Face keypoints not yet lifted to 3D are lifted from the source image for this run;
    ``head`` sets the head rotation's gain and limits.
    """
    from studio.capture.bindings import auto_bindings, bindings_by_index
    from studio.capture.takes import build_take
    from studio.capture.track_job import track_video
    from studio.media.video_reader import open_frames

    if mode not in ("relative", "absolute"):
        raise UserError(f"motion mode {mode!r} must be relative or absolute")
    if not project.keypoints:
        raise UserError("the project has no keypoints to drive: add keypoints first")
    if not 0.0 <= smoothing <= 1.0:
        raise UserError(f"--smooth {smoothing:g} must be between 0 and 1")
    frame_size = (project.width, project.height)
    if tracker == "flow":
        with open_frames(video) as source:
            frame_size = (source.info.width, source.info.height)
    bound = auto_bindings(tracker, project.keypoints, (project.width, project.height), frame_size)
    points = np.array(bound.points, dtype=np.float64).reshape(-1, 2) if tracker == "flow" else None
    motion = track_video(video, tracker, points=points, fill=None, smoothing=0.0,
                         progress=progress, cancel=cancel, registry=registry)
    keypoints = lifted_keypoints(project) if tracker == "face" and mode == "relative" else project.keypoints
    take = build_take(motion, keypoints, bindings_by_index(keypoints, bound.landmarks), mode, smoothing, "driving",
                      head=head)
    return take_pose_table(project, take)


def lifted_keypoints(project: Project) -> list[Keypoint]:
    """The project's keypoints, lifted to 3D from its source image when face-preset keypoints have no depth yet
    (unchanged when no face is found: they then move flat, as before).
    """
    from studio.capture.face_depth import lift_keypoints, needs_lifting
    from studio.media.image_io import decode_image

    if not needs_lifting(project.keypoints):
        return list(project.keypoints)
    try:
        return lift_keypoints(decode_image(project.source_png, "the source image"), project.keypoints)
    except UserError:
        return list(project.keypoints)


def take_pose_table(project: Project, take: Take) -> PoseTable:
    """The take resampled to the project's fps as a pose table; keypoints the take never saw stay at rest."""
    values, _ = take.resampled(project.timing.fps)
    table = np.broadcast_to(np.array([kp.rest_values for kp in project.keypoints]),
                            (len(values), len(project.keypoints), 4)).copy()
    for column, kp_id in enumerate(take.keypoint_ids):
        driven = values[:, column]
        if not np.isnan(driven).any():
            table[:, project.index_of(kp_id)] = driven
    return PoseTable(table, project.radii())
