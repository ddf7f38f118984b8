"""Driving a project from a video: the keypoints follow the performer's displacement."""

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from studio.capture import track_job
from studio.capture.bindings import auto_bindings, bindings_by_index
from studio.capture.motion import TrackedMotion
from studio.capture.takes import build_take
from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.core.errors import UserError
from studio.core.project_file import load_project
from studio.jobs.drive import driven_pose_table

ROOT = Path(__file__).resolve().parents[2]
SHIFTS = [(0, 0), (4, 0), (8, -3), (12, -6), (8, -3), (4, 0)]


@pytest.fixture(scope="module")
def driving_video(tmp_path_factory):
    """The sample portrait shifted by known amounts, 6 frames at 30 fps."""
    image = cv2.cvtColor(cv2.imread(str(ROOT / "resources" / "sample.png")), cv2.COLOR_BGR2RGB)
    path = tmp_path_factory.mktemp("drive") / "drive.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 512, 512, "yuv420p"
        stream.options = {"crf": "12"}
        for dx, dy in SHIFTS:
            moved = cv2.warpAffine(image, np.float32([[1, 0, dx], [0, 1, dy]]), (512, 512),
                                   borderMode=cv2.BORDER_REFLECT)
            for packet in stream.encode(av.VideoFrame.from_ndarray(moved, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture
def sample_project():
    return load_project(ROOT / "resources" / "sample.marionette")


def test_face_driving_moves_keypoints_by_the_performers_displacement(sample_project, driving_video):
    table = driven_pose_table(sample_project, driving_video, "face", "relative", smoothing=0.0)
    assert table.frame_count == len(SHIFTS)
    rest = np.array([[kp.x, kp.y] for kp in sample_project.keypoints])
    moved = table.sample_values(np.arange(len(SHIFTS)))[:, :, :2] - rest
    mean_shift = moved.mean(axis=1)
    np.testing.assert_allclose(mean_shift, SHIFTS, atol=1.5)


def test_flow_driving_tracks_the_keypoints_themselves(sample_project, driving_video):
    table = driven_pose_table(sample_project, driving_video, "flow", "relative", smoothing=0.0)
    rest = np.array([[kp.x, kp.y] for kp in sample_project.keypoints])
    moved = table.sample_values([3])[0, :, :2] - rest
    np.testing.assert_allclose(np.median(moved, axis=0), SHIFTS[3], atol=1.0)


def test_unbindable_requests_are_refused(sample_project, driving_video):
    with pytest.raises(UserError, match="no keypoint is named after the hands preset"):
        driven_pose_table(sample_project, driving_video, "hands")
    sample_project.keypoints = [kp.with_changes(name=f"p{i}") for i, kp in enumerate(sample_project.keypoints)]
    with pytest.raises(UserError, match="face preset"):
        driven_pose_table(sample_project, driving_video, "face")


class ScriptedFace(Tracker):
    """A face tracker that reports a scripted performance, one frame per call (nothing seen on ``unseen``)."""

    name, landmark_count, has_head = "face", 468, False

    def __init__(self, shifts: list[tuple[float, float]], unseen: set[int]) -> None:
        self.shifts, self.unseen, self.count = shifts, unseen, 0
        self.base = np.random.default_rng(3).uniform(100, 400, (468, 2)).astype(np.float32)

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        index, self.count = self.count, self.count + 1
        if index in self.unseen:
            return self.lost()
        return TrackedFrame(self.base + np.float32(self.shifts[index]), np.ones(468, bool))

    def motion(self, fps: float) -> TrackedMotion:
        """The whole scripted performance as a recording would hold it."""
        landmarks = np.stack([self.base + np.float32(s) for s in self.shifts])
        visible = np.ones(landmarks.shape[:2], bool)
        for index in self.unseen:
            landmarks[index], visible[index] = np.nan, False
        return TrackedMotion("face", fps, np.arange(len(self.shifts)) / fps, landmarks, visible, (512, 512))


def test_cli_and_dock_build_the_same_take_from_the_same_performance(sample_project, driving_video, monkeypatch):
    """One motion-to-keys path: a performance with a gap gives the CLI the dock's take (neutral, smoothing, fill)."""
    shifts = [(0.0, 0.0), (0.0, 0.0), (6.0, 1.0), (5.0, 2.0), (9.0, -4.0), (12.0, -6.0)]
    unseen = {0, 3}
    monkeypatch.setattr(track_job, "create_tracker", lambda *_a, **_k: ScriptedFace(shifts, unseen))
    table = driven_pose_table(sample_project, driving_video, "face", "relative", smoothing=0.6)
    keypoints = sample_project.keypoints
    fps = sample_project.timing.fps
    landmarks = auto_bindings("face", keypoints, (512, 512), (512, 512)).landmarks
    take = build_take(ScriptedFace(shifts, unseen).motion(fps), keypoints, bindings_by_index(keypoints, landmarks),
                      "relative", 0.6, "Take 1")
    values, _ = take.resampled(fps)
    np.testing.assert_allclose(table.sample_values(np.arange(len(shifts))), values, atol=1e-4)
    rest = np.array([[kp.x, kp.y] for kp in keypoints])
    np.testing.assert_allclose(table.sample_values([1])[0, :, :2], rest, atol=1e-4)  # frame 1 is the neutral
