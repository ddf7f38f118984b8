"""Cues onto a project: keys on the mouth keypoints that move them, within the sound's range, as one undo step."""

from pathlib import Path

import numpy as np
import pytest

from studio.capture.face_preset import FACE_PRESET
from studio.core.edits import set_key
from studio.core.errors import UserError
from studio.core.project import Project
from studio.core.project_file import load_project
from studio.core.undo import UndoStack
from studio.lipsync.cues import MouthCue
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS, face_axes, lip_sync_edit, mouth_pose, sound_frames

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.marionette"
CUES = [MouthCue(0.0, 0.5, "X"), MouthCue(0.5, 1.0, "D"), MouthCue(1.0, 1.5, "F"), MouthCue(1.5, 2.0, "A")]


@pytest.fixture
def project() -> Project:
    return load_project(SAMPLE)


def position(project: Project, name: str, frame: int) -> np.ndarray:
    index = next(i for i, kp in enumerate(project.keypoints) if kp.name == name)
    return project.sample_values(frame)[0][index][:2]


def test_mouth_keypoint_names_are_the_face_presets():
    assert set(MOUTH_KEYPOINTS) <= {name for name, _ in FACE_PRESET}


def test_shapes_open_round_and_close_the_mouth(project):
    rest_chin = position(project, "chin", 40)
    rest_lower = position(project, "lower_lip", 40)
    lip_sync_edit(project, CUES).apply(project)
    fps = project.timing.fps
    _, down, _ = face_axes(project)
    wide_open = int(0.9 * fps)
    assert np.dot(position(project, "chin", wide_open) - rest_chin, down) > 3  # pixels: the jaw drops for D
    assert np.dot(position(project, "lower_lip", wide_open) - rest_lower, down) > 3
    puckered = int(1.4 * fps)
    corners = position(project, "mouth_left", puckered) - position(project, "mouth_right", puckered)
    rest_corners = position(project, "mouth_left", 5) - position(project, "mouth_right", 5)
    assert np.hypot(*corners) < np.hypot(*rest_corners) - 2  # the corners come together for F


def test_keys_replace_only_the_sounds_range_and_lengthen_a_short_shot(project):
    chin = next(kp.id for kp in project.keypoints if kp.name == "chin")
    forehead = next(kp.id for kp in project.keypoints if kp.name == "forehead")
    set_key(project, chin, 500, (10.0, 20.0, 0.0, 1.0)).apply(project)
    before_forehead = project.track(forehead)
    long_cues = [MouthCue(0.0, 5.0, "C"), MouthCue(5.0, 6.0, "X")]
    lip_sync_edit(project, long_cues).apply(project)
    first, last = sound_frames(project, long_cues)
    assert (first, last) == (0, 180)
    assert project.timing.end == 180
    assert project.track(chin).key_at(500) is not None
    assert all(first <= f <= last for f in project.track(chin).frames() if f != 500)
    assert project.track(forehead) == before_forehead


def test_one_undo_step_undoes_a_lip_sync(project):
    tracks, timing = dict(project.tracks), project.timing
    stack = UndoStack(project)
    stack.push(lip_sync_edit(project, [MouthCue(0.0, 6.0, "D"), MouthCue(6.0, 7.0, "X")]))
    assert project.tracks != tracks and project.timing != timing
    stack.undo()
    assert project.tracks == tracks and project.timing == timing


def test_lip_syncing_twice_gives_the_same_keys(project):
    lip_sync_edit(project, CUES).apply(project)
    once = dict(project.tracks)
    lip_sync_edit(project, CUES).apply(project)
    assert project.tracks == once


def test_amplitude_scales_the_shapes():
    assert mouth_pose("D", 2.0)["chin"][1] == pytest.approx(2 * mouth_pose("D")["chin"][1])
    assert mouth_pose("X") == {name: (0.0, 0.0) for name in MOUTH_KEYPOINTS}


def test_a_project_without_mouth_keypoints_is_refused():
    with pytest.raises(UserError, match="no mouth keypoints"):
        lip_sync_edit(Project(b"", 64, 64), CUES)
