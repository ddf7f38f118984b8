"""Motion JSON: round trip with gaps, filled samples and head roll; refusal of bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from studio.capture.gaps import fill_gaps
from studio.capture.motion import MOTION_VERSION, TrackedMotion, load_motion, motion_to_dict, save_motion
from studio.core.errors import UserError
from tests.capture.helpers import make_motion


def _sample_motion() -> TrackedMotion:
    points = np.array(
        [[[10.25, 20.5], [30.0, 40.0]], [[11.0, 21.0], [np.nan, np.nan]], [[12.125, 22.0], [32.0, 42.0]]],
        dtype=np.float32,
    )
    return make_motion(points, fps=25.0, head_rotation=np.array([0.01, np.nan, -0.02]))


def test_round_trip_keeps_values_gaps_and_head_roll(tmp_path: Path) -> None:
    motion = _sample_motion()
    path = tmp_path / "take.json"
    save_motion(motion, path)
    loaded = load_motion(path)
    assert loaded.tracker == "face" and loaded.fps == 25.0 and loaded.frame_size == (640, 480)
    assert np.allclose(loaded.times, motion.times)
    assert np.array_equal(loaded.visible, motion.visible)
    assert np.allclose(loaded.landmarks, motion.landmarks, equal_nan=True, atol=1e-3)
    assert loaded.head_rotation is not None
    assert np.allclose(loaded.head_rotation, motion.head_rotation, equal_nan=True)
    data = json.loads(path.read_text())
    assert data["version"] == MOTION_VERSION
    assert data["frames"][1]["landmarks"][1] is None
    assert data["frames"][1]["head_rotation"] is None


def test_filled_samples_stay_marked_as_not_seen(tmp_path: Path) -> None:
    filled = fill_gaps(_sample_motion())
    path = tmp_path / "filled.json"
    save_motion(filled, path)
    loaded = load_motion(path)
    assert np.allclose(loaded.landmarks[1, 1], (31.0, 41.0))
    assert not loaded.visible[1, 1]
    assert motion_to_dict(filled)["frames"][1]["filled"] == [1]


def test_a_motion_without_head_has_no_head_rotation(tmp_path: Path) -> None:
    motion = make_motion(np.ones((2, 3, 2)), tracker="pose")
    save_motion(motion, tmp_path / "pose.json")
    assert load_motion(tmp_path / "pose.json").head_rotation is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a readable motion file"),
        ('{"format": "something-else"}', "not a marionette-motion file"),
        ('{"format": "marionette-motion", "version": 99}', "newer version"),
        ('{"format": "marionette-motion", "version": 1, "landmark_count": 2}', "'frames'"),
    ],
)
def test_bad_motion_files_are_user_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(UserError, match=message) as info:
        load_motion(path)
    assert "\n" not in str(info.value)


def test_missing_file_and_folder_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="motion file not found"):
        load_motion(tmp_path / "nope.json")
    with pytest.raises(UserError, match="does not exist"):
        save_motion(_sample_motion(), tmp_path / "no" / "take.json")


def test_inconsistent_arrays_are_refused() -> None:
    with pytest.raises(ValueError, match="do not match"):
        TrackedMotion("face", 25.0, np.arange(3.0), np.zeros((2, 1, 2)), np.ones((2, 1), bool), (8, 8))
    with pytest.raises(ValueError, match="must increase"):
        TrackedMotion("face", 25.0, np.zeros(2), np.zeros((2, 1, 2)), np.ones((2, 1), bool), (8, 8))
