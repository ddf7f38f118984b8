"""Keypoint presets on a real photo: face lifted to 3D, body on the pose landmarks, hands refused without hands;
the body and hands presets' names, limbs and body size.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.capture.bindings import preset_tracker
from studio.capture.body_preset import HAND_LIMBS, HAND_PRESET, POSE_LIMBS, POSE_NAMES, POSE_PRESET, body_size
from studio.capture.keypoint_presets import NO_HANDS_MESSAGE, preset_keypoints
from studio.cli import main as cli_main
from studio.core.errors import UserError
from studio.core.project_file import load_project

ROOT = Path(__file__).resolve().parents[2]


def test_presets_are_named_once_and_every_limb_is_a_real_segment() -> None:
    for preset, count in ((POSE_PRESET, 33), (HAND_PRESET, 42)):
        names = [name for name, _ in preset]
        assert len(preset) == count and len(set(names)) == count
        assert sorted(index for _, index in preset) == list(range(count))
    assert set(POSE_LIMBS) == set(range(33)) and set(HAND_LIMBS) == set(range(42))
    for limbs in (POSE_LIMBS, HAND_LIMBS):
        assert all(start != end for start, end in limbs.values())


def test_body_size_is_the_torso_else_the_shoulders() -> None:
    points = np.full((33, 2), np.nan)
    points[[11, 12]] = [(130, 100), (70, 100)]
    assert body_size(points, "pose") == pytest.approx(60)  # no hips: shoulder width
    points[[23, 24]] = [(120, 190), (80, 190)]
    assert body_size(points, "pose") == pytest.approx(90)  # torso height
    assert body_size(points, "face") is None


def test_face_preset_is_lifted_to_3d(sample_portrait: np.ndarray) -> None:
    keypoints = {kp.name: kp for kp in preset_keypoints("face", sample_portrait)}
    assert all(kp.depth is not None for kp in keypoints.values())
    # the nose is nearer the camera (smaller depth) than the cheeks
    assert keypoints["nose_tip"].depth < keypoints["left_cheek"].depth - 10
    assert keypoints["nose_tip"].depth < keypoints["right_cheek"].depth - 10


def test_body_preset_lands_on_the_portraits_head_and_shoulders(sample_portrait: np.ndarray) -> None:
    keypoints = {kp.name: kp for kp in preset_keypoints("body", sample_portrait)}
    assert {"nose", "left_shoulder", "right_shoulder", "left_eye", "right_ear"} <= set(keypoints)
    assert set(keypoints) <= set(POSE_NAMES)
    # the subject's left shoulder is on the image's right, below the nose
    assert keypoints["left_shoulder"].x > keypoints["nose"].x > keypoints["right_shoulder"].x
    assert keypoints["left_shoulder"].y > keypoints["nose"].y


def test_hands_preset_without_hands_is_one_clear_error(sample_portrait: np.ndarray) -> None:
    with pytest.raises(UserError) as info:
        preset_keypoints("hands", sample_portrait)
    assert str(info.value) == NO_HANDS_MESSAGE


def test_new_with_the_body_preset_writes_a_bindable_project(tmp_path: Path, sample_portrait: np.ndarray) -> None:
    output = tmp_path / "body.marionette"
    assert cli_main(["new", str(ROOT / "resources" / "sample.png"), "-o", str(output), "--keypoints", "body"]) == 0
    project = load_project(output)
    assert "left_shoulder" in [kp.name for kp in project.keypoints]
    assert all(kp.depth is None for kp in project.keypoints)


def test_auto_binding_picks_the_preset_most_keypoints_are_named_after() -> None:
    body = list(POSE_NAMES)
    assert preset_tracker(body, "face") == "pose"  # mouth_left/right are face names too, but 33 beat 2
    assert preset_tracker(["nose_tip", "chin", "left_wrist"], "flow") == "face"
    assert preset_tracker(["mouth_left", "mouth_right"], "pose") == "pose"  # a tie keeps the chosen tracker
    assert preset_tracker(["left_hand_wrist"], "face") == "hands"
