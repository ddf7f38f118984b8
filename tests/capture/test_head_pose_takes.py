"""Face takes carry the whole head pose and the landmark depths: recorded, filled, smoothed, resampled and saved."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.capture.gaps import fill_gaps
from studio.capture.motion import load_motion, save_motion
from studio.capture.recorder import MotionRecorder
from studio.capture.retime import resample
from studio.capture.smoothing import smooth_motion
from studio.capture.trackers.base import TrackedFrame, Tracker


class _Head(Tracker):
    name, landmark_count, has_head = "face", 2, True

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        raise AssertionError("not tracked here")


def recorded():
    recorder = MotionRecorder(_Head(), 10.0, (64, 64))
    for i, seen in enumerate((True, False, True, True)):
        points = np.array([[10.0 + i, 20.0], [30.0, 40.0 - i]], np.float32)
        extra = {"head_pose": (0.1 * i, -0.05 * i, 0.02 * i), "depth": np.array([-5.0 - i, 3.0], np.float32)}
        recorder.add(i / 10, TrackedFrame(points, np.full(2, seen), extra if seen else {}))
    return recorder.motion()


def test_recorder_keeps_head_pose_and_depth_with_gaps() -> None:
    motion = recorded()
    assert motion.head_pose is not None and motion.depth is not None
    np.testing.assert_allclose(motion.head_pose[2], [0.2, -0.1, 0.04])
    assert np.isnan(motion.head_pose[1]).all() and np.isnan(motion.depth[1]).all()
    np.testing.assert_allclose(motion.depth[3], [-8.0, 3.0])


def test_gaps_smoothing_and_resampling_keep_head_pose_and_depth() -> None:
    filled = fill_gaps(recorded())
    assert filled.head_pose is not None and filled.depth is not None
    np.testing.assert_allclose(filled.head_pose[1], [0.1, -0.05, 0.02])
    np.testing.assert_allclose(filled.depth[1], [-6.0, 3.0])
    smoothed = smooth_motion(filled, 0.5)
    assert smoothed.head_pose is not None and smoothed.head_pose.shape == (4, 3)
    doubled = resample(filled, 20.0)
    assert doubled.head_pose is not None and doubled.depth is not None
    np.testing.assert_allclose(doubled.head_pose[1], [0.05, -0.025, 0.01])
    assert doubled.depth.shape == (7, 2)


def test_motion_file_round_trips_head_pose_and_depth(tmp_path: Path) -> None:
    motion = recorded()
    save_motion(motion, tmp_path / "take.json")
    loaded = load_motion(tmp_path / "take.json")
    assert loaded.head_pose is not None and loaded.depth is not None
    np.testing.assert_allclose(loaded.head_pose, motion.head_pose, atol=1e-6, equal_nan=True)
    np.testing.assert_allclose(loaded.depth, motion.depth, atol=1e-3, equal_nan=True)
