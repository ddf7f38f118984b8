"""The face keypoint preset: binding table sanity, placement on a portrait, refusal on a blank image."""

from __future__ import annotations

import numpy as np
import pytest

from studio.capture.face_preset import FACE_PRESET, NO_FACE_MESSAGE, place_face_keypoints
from studio.core.errors import UserError


def test_preset_names_and_indices_are_unique_and_in_range() -> None:
    names = [name for name, _ in FACE_PRESET]
    indices = [index for _, index in FACE_PRESET]
    assert 15 <= len(FACE_PRESET) <= 20
    assert len(set(names)) == len(names)
    assert len(set(indices)) == len(indices)
    assert all(0 <= index < 468 for index in indices)


def test_blank_image_has_no_face() -> None:
    blank = np.full((128, 128, 3), 200, dtype=np.uint8)
    with pytest.raises(UserError, match="no face found") as info:
        place_face_keypoints(blank)
    assert str(info.value) == NO_FACE_MESSAGE


def test_keypoints_land_on_the_sample_portrait(sample_portrait: np.ndarray) -> None:
    placed = {name: (x, y) for name, x, y in place_face_keypoints(sample_portrait)}
    assert list(placed) == [name for name, _ in FACE_PRESET]
    height, width = sample_portrait.shape[:2]
    for x, y in placed.values():
        assert 0 <= x < width and 0 <= y < height
    # The subject's left appears on the image's right; the face reads top to bottom.
    assert placed["left_eye_upper"][0] > placed["right_eye_upper"][0]
    assert placed["mouth_left"][0] > placed["mouth_right"][0]
    assert placed["forehead"][1] < placed["left_eye_upper"][1] < placed["nose_tip"][1]
    assert placed["nose_tip"][1] < placed["upper_lip"][1] < placed["lower_lip"][1] < placed["chin"][1]
    assert placed["left_eye_upper"][1] < placed["left_eye_lower"][1]


def test_the_preset_gets_a_head_parent_that_carries_the_face() -> None:
    from studio.capture.face_preset import HEAD_NAME, with_head_parent
    from studio.core.presets import named_keypoints

    face = named_keypoints([("left_eye_upper", 80.0, 60.0), ("right_eye_upper", 40.0, 60.0), ("chin", 60.0, 120.0)])
    rigged = with_head_parent(face)
    head = rigged[0]
    assert head.name == HEAD_NAME and head.parent is None
    assert (head.x, head.y) == (60.0, 90.0)
    assert [kp.parent for kp in rigged[1:]] == [head.id] * 3
    assert [kp.name for kp in rigged[1:]] == [kp.name for kp in face]
    assert with_head_parent([]) == []
