"""The capture panel's non-Qt helpers: live puppet poses, building takes with a calibrated neutral, bake edits."""

from __future__ import annotations

import numpy as np
import pytest

from studio.capture.motion import TrackedMotion
from studio.capture.neutral import Neutral
from studio.capture.puppet import LivePuppet, PuppetSettings
from studio.capture.retarget import Binding
from studio.capture.takes import bake_edit, build_take, next_take_name
from studio.capture.trackers.base import TrackedFrame
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.tracks import Keyframe, Track
from studio.core.undo import UndoStack

NEUTRAL = np.array([[10.0, 10.0], [30.0, 10.0], [20.0, 30.0]])
BINDINGS = (Binding(0, 0), Binding(1, 1))


def keypoints() -> list[Keypoint]:
    return [Keypoint("a", "a", "#ff6b6b", 100.0, 100.0), Keypoint("b", "b", "#4dabf7", 140.0, 100.0),
            Keypoint("c", "c", "#69db7c", 120.0, 150.0)]


def frame(points: np.ndarray, roll: float | None = None) -> TrackedFrame:
    extra = {} if roll is None else {"head_pose": (0.0, 0.0, roll)}
    return TrackedFrame(np.asarray(points, np.float32), np.ones(len(points), bool), extra)


def settings(**changes: object) -> PuppetSettings:
    rest = np.array([kp.rest_values for kp in keypoints()])
    base = {"bindings": BINDINGS, "rest": rest, "radii": np.full(3, 60.0, np.float32)}
    return PuppetSettings(**{**base, **changes})


def test_puppet_moves_bound_keypoints_by_the_scaled_displacement_from_the_first_frame() -> None:
    puppet = LivePuppet(settings())
    first = puppet.pose(frame(NEUTRAL), 0.0)
    assert first is not None and first.positions.shape == (1, 3, 2) and first.jacobians.shape == (1, 3, 2, 2)
    np.testing.assert_allclose(first.positions[0], [[100, 100], [140, 100], [120, 150]])
    moved = puppet.pose(frame(NEUTRAL + [3.0, -1.0]), 1 / 30)
    assert moved is not None
    np.testing.assert_allclose(moved.positions[0, :2], [[106, 98], [146, 98]], atol=1e-4)  # spread 40/20 = x2
    np.testing.assert_allclose(moved.positions[0, 2], [120, 150])  # unbound stays at rest


def test_puppet_uses_the_calibrated_neutral_and_head_roll() -> None:
    puppet = LivePuppet(settings(neutral=Neutral(NEUTRAL - [1.0, 0.0], np.array([0.0, 0.0, 0.1]))))
    pose = puppet.pose(frame(NEUTRAL, roll=0.3), 0.0)
    assert pose is not None
    np.testing.assert_allclose(pose.positions[0, 0], [102, 100], atol=1e-4)
    angle = np.arctan2(pose.jacobians[0, 0, 1, 0], pose.jacobians[0, 0, 0, 0])
    assert angle == pytest.approx(0.2, abs=1e-5)
    assert puppet.pose(TrackedFrame(np.full((3, 2), np.nan, np.float32), np.zeros(3, bool)), 0.1) is None


def motion(shifts: np.ndarray, seen: bool = True) -> TrackedMotion:
    landmarks = (NEUTRAL[None] + shifts[:, None]).astype(np.float32)
    visible = np.full(landmarks.shape[:2], seen)
    if not seen:
        landmarks[:] = np.nan
    return TrackedMotion("face", 30.0, np.arange(len(shifts)) / 30.0, landmarks, visible, (64, 64),
                         np.zeros(len(shifts)))


def test_build_take_relative_to_calibration_and_refuses_empty_recordings() -> None:
    shifts = np.array([(i, 0.0) for i in range(5)])
    take = build_take(motion(shifts), keypoints(), BINDINGS, "relative", 0.0, "Take 1")
    np.testing.assert_allclose(take.values[:, 0, 0], 100 + 2 * shifts[:, 0])
    calibrated = build_take(motion(shifts), keypoints(), BINDINGS, "relative", 0.0, "Take 1",
                            neutral=Neutral(NEUTRAL + [2.0, 0.0], np.zeros(3)))
    np.testing.assert_allclose(calibrated.values[:, 0, 0], 100 + 2 * (shifts[:, 0] - 2))
    with pytest.raises(UserError, match="no face found"):
        build_take(motion(shifts, seen=False), keypoints(), BINDINGS, "relative", 0.0, "Take 1")
    with pytest.raises(UserError, match="bindings"):
        build_take(motion(shifts), keypoints(), [Binding(0, 40)], "relative", 0.0, "Take 1")


def test_bake_edit_is_one_step_and_keeps_keys_outside_the_take() -> None:
    project = Project(b"", 200, 200)
    project.keypoints = keypoints()
    outside = Keyframe(50, (1.0, 2.0, 0.0, 1.0))
    project.tracks["a"] = Track((Keyframe(2, (9.0, 9.0, 0.0, 1.0)), outside))
    stack = UndoStack(project)
    take = build_take(motion(np.array([(i, 0.0) for i in range(10)])), keypoints(), BINDINGS, "relative", 0.0,
                      next_take_name(project))
    before = dict(project.tracks)
    stack.push(bake_edit(project, take, 0, 40, replace_keys=True))
    assert project.takes == [take] and stack.index == 1
    track = project.tracks["a"]
    assert track.key_at(50) == outside and track.key_at(2) is None
    assert max(k.frame for k in track.keys if k.frame < 50) == 9
    assert next_take_name(project) == "Take 2"
    stack.undo()
    assert project.tracks == before and project.takes == []
    stack.redo()
    with pytest.raises(UserError, match="already stored"):
        bake_edit(project, take, 0, 40, replace_keys=False)
    with pytest.raises(UserError, match="empty"):
        bake_edit(project, take, 10, 5, replace_keys=True)
