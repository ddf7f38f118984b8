"""Driving keypoints for reconstructing a video from its first frame, for any generator.

A generator that detects keypoints (fomm, packed models) finds them on the first frame (the source)
and on every driving frame itself. For one that cannot (warp, tps, most plugins): with a FOMM config
and checkpoint given, that model's keypoint detector finds keypoints and jacobians on every frame;
otherwise a grid of points is placed on the first frame and followed through the video with the
Lucas-Kanade flow tracker (a point the tracker loses stays where it was last seen; jacobians are
the identity).
"""

from __future__ import annotations

import math

import numpy as np

from studio.engine.contract import Motion


def grid_points(width: int, height: int, count: int) -> np.ndarray:
    """``count`` points on a regular grid inside the frame (a 5 x 5 grid for 25), x first, pixels."""
    side = math.ceil(math.sqrt(count))
    xs = (np.arange(side) + 0.5) / side * width
    ys = (np.arange(side) + 0.5) / side * height
    points = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return points[:count].astype(np.float32)


def _motion(points: np.ndarray) -> Motion:
    """Positions with identity jacobians."""
    jacobians = np.repeat(np.eye(2, dtype=np.float32)[None], len(points), axis=0)
    return Motion(positions=points.astype(np.float32), jacobians=jacobians)


def tracked_motion(frames: list[np.ndarray], count: int = 25) -> list[Motion]:
    """A grid of ``count`` points on frames[0] followed through ``frames``; one Motion per frame (frame 0 first)."""
    from studio.capture.trackers.flow import FlowTracker

    height, width = frames[0].shape[:2]
    start = grid_points(width, height, count)
    tracker = FlowTracker(points=start, window=max(5, min(21, (min(width, height) // 4) | 1)))
    last = start.copy()
    motions = []
    for index, frame in enumerate(frames):
        seen = tracker.track(frame, index / 25.0)
        last = np.where(seen.visible[:, None], seen.landmarks, last)
        motions.append(_motion(last))
    return motions


def detected_motion(generator: object, frames: list[np.ndarray]) -> list[Motion]:
    """The generator's own keypoints on every frame (it must detect keypoints)."""
    motions = []
    for frame in frames:
        motion = generator.detect_keypoints(generator.prepare(frame))
        if motion is None:
            raise ValueError("the generator returned no keypoints")
        motions.append(motion)
    return motions


def fomm_motion(config: str, checkpoint: str, device: str, frames: list[np.ndarray]) -> list[Motion]:
    """Keypoints and jacobians of a FOMM keypoint detector on every frame, in frame pixels."""
    from studio.engine.fomm.generator import to_pixels
    from studio.engine.fomm.runtime import FommRuntime

    runtime = FommRuntime(config, checkpoint, device)
    motions = []
    for frame in frames:
        height, width = frame.shape[:2]
        motions.append(to_pixels(runtime.detect(frame), (0, 0, width, height), runtime.kp_variance))
    return motions
