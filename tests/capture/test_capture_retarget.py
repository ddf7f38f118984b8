"""Retargeting tracked landmarks onto project keypoints, on hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

from studio.capture.retarget import (
    Binding,
    point_spread,
    retarget,
    retarget_take,
    similarity_fit,
)
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from tests.capture.helpers import make_motion

# A performer's three landmarks (a 20 px wide triangle) at rest, then the middle one moves 4 px right.
NEUTRAL = np.array([[100.0, 100.0], [110.0, 90.0], [120.0, 100.0]])
MOVES = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, -2.0]])


def _performer(head_rotation: np.ndarray | None = None) -> np.ndarray:
    frames = np.repeat(NEUTRAL[None], 3, axis=0)
    frames[:, 1] += MOVES
    return make_motion(frames, head_rotation=head_rotation)


def test_relative_scales_displacements_by_face_size() -> None:
    # The source face is twice the performer's size, so the 4 px move becomes 8 px.
    rest = np.array([[300.0, 300.0], [320.0, 280.0], [340.0, 300.0], [10.0, 10.0]])
    bindings = [Binding(0, 0), Binding(1, 1), Binding(2, 2)]
    positions, rotations = retarget(_performer(), bindings, rest, neutral=0, mode="relative")
    assert positions.shape == (3, 4, 2) and rotations.shape == (3, 4)
    assert np.allclose(positions[:, 1], rest[1] + 2 * MOVES)
    assert np.allclose(positions[:, [0, 2]], rest[[0, 2]])
    assert np.allclose(positions[:, 3], rest[3])  # unbound keypoint stays at rest
    assert np.allclose(rotations, 0.0)
    fixed, _ = retarget(_performer(), bindings, rest, neutral=0, mode="relative", scale=0.5)
    assert np.allclose(fixed[:, 1], rest[1] + 0.5 * MOVES)


def test_relative_from_given_neutral_landmarks() -> None:
    rest = NEUTRAL + 50
    neutral = NEUTRAL.copy()
    neutral[1] += (4.0, 0.0)  # the performer's "neutral" is the moved pose
    positions, _ = retarget(_performer(), [Binding(1, 1)], rest, neutral=neutral, scale=1.0)
    assert np.allclose(positions[:, 1], rest[1] + MOVES - (4.0, 0.0))


def test_absolute_maps_landmarks_by_the_neutral_similarity() -> None:
    # Rest = neutral turned 90° clockwise on screen, doubled and shifted: a 4 px move right becomes 8 px down.
    turn = np.array([[0.0, -1.0], [1.0, 0.0]])
    rest = 2.0 * NEUTRAL @ turn.T + (400.0, 50.0)
    bindings = [Binding(k, k) for k in range(3)]
    positions, _ = retarget(_performer(), bindings, rest, neutral=0, mode="absolute")
    assert np.allclose(positions[0], rest, atol=1e-6)
    assert np.allclose(positions[1, 1] - rest[1], (0.0, 8.0), atol=1e-6)
    assert np.allclose(positions[2, 1] - rest[1], (4.0, 8.0), atol=1e-6)


def test_head_roll_drives_rotation_relative_to_the_neutral_frame() -> None:
    roll = np.array([0.1, 0.3, np.nan])
    positions, rotations = retarget(_performer(roll), [Binding(0, 0), Binding(2, 2)], NEUTRAL + 10, neutral=0)
    assert np.allclose(rotations[:, 0], [0.0, 0.2, 0.2])  # the gap holds the last roll
    assert np.allclose(rotations[:, 2], rotations[:, 0])
    assert np.allclose(rotations[:, 1], 0.0)  # unbound
    assert np.isfinite(positions).all()


def test_gaps_are_interpolated_and_never_jump_to_zero() -> None:
    frames = np.repeat(NEUTRAL[None], 5, axis=0)
    frames[:, 0, 0] += np.arange(5) * 2.0
    frames[2, 0] = np.nan
    positions, _ = retarget(make_motion(frames), [Binding(0, 0)], NEUTRAL, neutral=0, scale=1.0)
    assert np.allclose(positions[:, 0, 0], NEUTRAL[0, 0] + np.arange(5) * 2.0)


def test_similarity_fit_recovers_a_known_transform() -> None:
    rng = np.random.default_rng(3)
    source = rng.random((6, 2)) * 100
    angle = 0.4
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = 1.7 * source @ rotation.T + (5.0, -3.0)
    scale, fitted, shift = similarity_fit(source, target)
    assert scale == pytest.approx(1.7)
    assert np.allclose(fitted, rotation)
    assert np.allclose(shift, (5.0, -3.0))
    assert point_spread(np.array([[0.0, 0.0], [3.0, 4.0]])) == pytest.approx(5.0)


def test_bad_retarget_inputs() -> None:
    motion = _performer()
    with pytest.raises(ValueError, match="unknown retarget mode"):
        retarget(motion, [Binding(0, 0)], NEUTRAL, mode="sideways")
    with pytest.raises(ValueError, match="out of range"):
        retarget(motion, [Binding(0, 9)], NEUTRAL)
    with pytest.raises(UserError, match="neutral frame 7 is outside"):
        retarget(motion, [Binding(0, 0)], NEUTRAL, neutral=7)
    unseen = make_motion(np.full((2, 1, 2), np.nan))
    with pytest.raises(UserError, match="no bound landmark"):
        retarget(unseen, [Binding(0, 0)], NEUTRAL[:1])


def test_retarget_take_gives_absolute_channels_for_bound_keypoints() -> None:
    keypoints = [
        Keypoint("a", "nose_tip", "#ff0000", 300.0, 300.0, rotation=0.5, scale=2.0),
        Keypoint("b", "hat", "#00ff00", 10.0, 10.0),
        Keypoint("c", "chin", "#0000ff", 340.0, 300.0),
    ]
    motion = _performer(np.array([0.0, 0.1, 0.1]))
    visible = motion.visible.copy()
    visible[2, 2] = False
    motion = motion.with_arrays(visible=visible)
    take = retarget_take(motion, keypoints, [Binding(0, 1), Binding(2, 2)], neutral=0, scale=1.0)
    assert take.keypoint_ids == ("a", "c")
    assert take.values.shape == (3, 2, 4)
    assert np.allclose(take.values[:, 0, :2], (300.0, 300.0) + MOVES)
    assert np.allclose(take.values[:, 0, 2], [0.5, 0.6, 0.6])
    assert np.allclose(take.values[:, 0, 3], 2.0)
    assert np.allclose(take.values[:, 1, 2], [0.0, 0.1, 0.1])
    assert take.valid.tolist() == [[True, True], [True, True], [True, False]]
    with pytest.raises(UserError, match="no keypoint is bound"):
        retarget_take(motion, keypoints, [])
