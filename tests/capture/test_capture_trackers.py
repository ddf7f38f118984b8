"""Tracker registry, and the pose and hands trackers on the portrait and on empty frames."""

from __future__ import annotations

import numpy as np
import pytest

from studio.capture.trackers.hands import LEFT_SLOT, RIGHT_SLOT, HandsTracker
from studio.capture.trackers.registry import create_tracker
from studio.core.errors import UserError
from studio.landmarks.face_mesh import detect_face_landmarks
from studio.plugins.api import builtin_registry


def test_registry_knows_the_built_ins_and_refuses_others() -> None:
    assert builtin_registry().names("tracker") == ["face", "pose", "hands", "flow"]
    with pytest.raises(UserError, match="unknown tracker 'lips': choose one of face, pose, hands, flow"):
        create_tracker("lips")


def test_pose_finds_the_nose_of_the_portrait(sample_portrait: np.ndarray) -> None:
    with create_tracker("pose") as tracker:
        tracked = tracker.track(sample_portrait, 0.0)
        empty = tracker.track(np.zeros_like(sample_portrait), 0.04)
    assert tracked.landmarks.shape == (33, 2)
    assert tracked.visible[0]
    face = detect_face_landmarks(sample_portrait)
    assert face is not None
    assert np.linalg.norm(tracked.landmarks[0] - face[1, :2]) < 10.0  # pose nose vs face-mesh nose tip
    assert tracked.landmarks[2, 0] > tracked.landmarks[5, 0]  # the subject's left eye is on the image right
    assert not empty.visible.any() and np.isnan(empty.landmarks).all()


def test_hands_on_an_empty_frame_are_two_gaps() -> None:
    with create_tracker("hands") as tracker:
        tracked = tracker.track(np.full((96, 96, 3), 90, np.uint8), 0.0)
    assert tracked.landmarks.shape == (42, 2)
    assert not tracked.visible.any() and np.isnan(tracked.landmarks).all()


@pytest.mark.parametrize(("mirrored", "left_label_slot"), [(False, RIGHT_SLOT), (True, LEFT_SLOT)])
def test_hand_slots_follow_the_performer(mirrored: bool, left_label_slot: int) -> None:
    with HandsTracker(mirrored=mirrored) as tracker:
        assert tracker._slot("Left") == left_label_slot
        assert tracker._slot("Right") == 1 - left_label_slot
