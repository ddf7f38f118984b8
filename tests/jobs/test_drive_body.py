"""Whole-body and hands puppets driven from a video (render --driving --tracker pose|hands).

mediapipe pose does not see an OpenCV stick figure, so the generated video's known skeleton is reported by a
scripted tracker put in the tracker registry's place: detection is the only step skipped.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from studio.capture import track_job
from studio.capture.bindings import auto_bindings, bindings_by_index
from studio.capture.body_preset import HAND_JOINTS, POSE_NAMES
from studio.capture.motion import TrackedMotion
from studio.capture.takes import build_take
from studio.core.presets import named_keypoints
from studio.core.project import Project
from studio.jobs.drive import driven_pose_table
from studio.media.image_io import encode_png
from tests.capture.stick_figure import ScriptedTracker, draw_figure, hand, skeleton
from tests.capture.synthetic import write_video

FRAMES, UNSEEN = 24, {5, 6}
PERFORMER_TORSO, PORTRAIT_TORSO = 120.0, 100.0
PERFORMER_PALM, PORTRAIT_PALM = 80.0, 60.0
RIGHT_WRIST, RIGHT_ELBOW = POSE_NAMES.index("right_wrist"), POSE_NAMES.index("right_elbow")


def performance() -> list[np.ndarray]:
    return [skeleton(i, PERFORMER_TORSO, (320, 140)) for i in range(FRAMES)]


def hand_performance() -> list[np.ndarray]:
    right_unseen = np.full((len(HAND_JOINTS), 2), np.nan)
    return [np.vstack([hand(i, PERFORMER_PALM, (320, 300)), right_unseen]) for i in range(FRAMES)]


@pytest.fixture(scope="module")
def stick_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The waving stick figure drawn with OpenCV, 24 frames of 640x480."""
    frames = [draw_figure(points, (640, 480)) for points in performance()]
    return write_video(frames, tmp_path_factory.mktemp("body") / "stick.mp4", fps=30)


def body_project() -> Project:
    """A smaller figure as the source, with the body preset's keypoints on its landmarks."""
    rest = skeleton(0, PORTRAIT_TORSO, (260, 130))
    project = Project(encode_png(draw_figure(rest, (512, 400))), 512, 400)
    project.keypoints = named_keypoints([(name, float(x), float(y)) for name, (x, y) in zip(POSE_NAMES, rest,
                                                                                            strict=True)])
    return project


def hand_project() -> Project:
    rest = hand(0, PORTRAIT_PALM, (200, 250))
    project = Project(encode_png(np.full((400, 400, 3), 200, np.uint8)), 400, 400)
    project.keypoints = named_keypoints([(f"left_hand_{joint}", float(x), float(y))
                                         for joint, (x, y) in zip(HAND_JOINTS, rest, strict=True)])
    return project


def scripted(monkeypatch: pytest.MonkeyPatch, name: str, frames: list[np.ndarray], unseen: set[int] = UNSEEN) -> None:
    monkeypatch.setattr(track_job, "create_tracker", lambda *_a, **_k: ScriptedTracker(name, frames, unseen))


def test_body_puppet_wrist_follows_the_figures_wrist_within_5_percent(monkeypatch, stick_video) -> None:
    scripted(monkeypatch, "pose", performance())
    project = body_project()
    table = driven_pose_table(project, stick_video, "pose", "relative", smoothing=0.0)
    assert table.frame_count == FRAMES
    values = table.sample_values(np.arange(FRAMES))
    path = np.array([p[RIGHT_WRIST] for p in performance()])
    expected = project.keypoints[RIGHT_WRIST].rest_values[:2] + (path - path[0]) * PORTRAIT_TORSO / PERFORMER_TORSO
    error = np.linalg.norm(values[:, RIGHT_WRIST, :2] - expected, axis=1)
    assert error.max() < 0.05 * PORTRAIT_TORSO  # gaps (frames 5, 6) filled
    assert np.linalg.norm(np.diff(path, axis=0), axis=1).sum() > PORTRAIT_TORSO  # the wrist really travels


def test_the_forearm_turn_turns_the_wrists_frame(monkeypatch, stick_video) -> None:
    scripted(monkeypatch, "pose", performance())
    project = body_project()
    values = driven_pose_table(project, stick_video, "pose", "relative", smoothing=0.0).sample_values(
        np.arange(FRAMES))
    forearm = [p[RIGHT_WRIST] - p[RIGHT_ELBOW] for p in performance()]
    angles = np.unwrap([math.atan2(v[1], v[0]) for v in forearm])
    seen = [i for i in range(FRAMES) if i not in UNSEEN]
    np.testing.assert_allclose(values[seen, RIGHT_WRIST, 2], (angles - angles[0])[seen], atol=1e-3)


def test_absolute_body_driving_maps_the_figure_onto_the_source(monkeypatch, stick_video) -> None:
    scripted(monkeypatch, "pose", performance())
    project = body_project()
    values = driven_pose_table(project, stick_video, "pose", "absolute", smoothing=0.0).sample_values([12])
    expected = skeleton(12, PORTRAIT_TORSO, (260, 130))
    assert np.linalg.norm(values[0, :, :2] - expected, axis=1).max() < 0.05 * PORTRAIT_TORSO


def test_hand_puppet_fingertip_follows_the_hand_within_5_percent(monkeypatch, stick_video) -> None:
    scripted(monkeypatch, "hands", hand_performance(), {5})  # fingers curl fast: a one-frame gap
    project = hand_project()
    values = driven_pose_table(project, stick_video, "hands", "relative", smoothing=0.0).sample_values(
        np.arange(FRAMES))
    tip = HAND_JOINTS.index("index_finger_tip")
    path = np.array([p[tip] for p in hand_performance()])
    expected = project.keypoints[tip].rest_values[:2] + (path - path[0]) * PORTRAIT_PALM / PERFORMER_PALM
    assert np.linalg.norm(values[:, tip, :2] - expected, axis=1).max() < 0.05 * PORTRAIT_PALM
    assert np.ptp(values[:, tip, 2]) > 0.3  # the fingertip's frame turns with its bone


def test_cli_and_dock_build_the_same_body_take(monkeypatch, stick_video) -> None:
    """One path: render --driving's table equals the dock's build_take on the same performance and bindings."""
    scripted(monkeypatch, "pose", performance())
    project = body_project()
    table = driven_pose_table(project, stick_video, "pose", "relative", smoothing=0.4)
    frames = performance()
    landmarks = np.array(frames, dtype=np.float32)
    visible = np.ones(landmarks.shape[:2], bool)
    for index in UNSEEN:
        landmarks[index], visible[index] = np.nan, False
    motion = TrackedMotion("pose", 30.0, np.arange(FRAMES) / 30.0, landmarks, visible, (640, 480))
    bound = auto_bindings("pose", project.keypoints, (512, 400), (640, 480))
    assert len(bound.landmarks) == len(POSE_NAMES)
    take = build_take(motion, project.keypoints, bindings_by_index(project.keypoints, bound.landmarks), "relative",
                      0.4, "Take 1")
    values, _ = take.resampled(project.timing.fps)
    np.testing.assert_allclose(table.sample_values(np.arange(FRAMES)), values, atol=1e-4)
