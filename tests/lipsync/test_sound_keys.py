"""The mouth keys follow the sound: sliding it, changing a cue or posing a shape re-keys the mouth, one undo step."""

from pathlib import Path

import numpy as np
import pytest

from studio.core.audio import ChangeSound, MouthCue, MouthShapes, Sound
from studio.core.project import Project
from studio.core.project_file import load_project
from studio.core.undo import UndoStack
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS, mouth_pose
from studio.lipsync.sound_keys import shapes_edit, sound_edit

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.marionette"
CUES = (MouthCue(0.0, 0.5, "X"), MouthCue(0.5, 1.0, "D"), MouthCue(1.0, 1.5, "F"), MouthCue(1.5, 2.0, "A"))


@pytest.fixture
def synced() -> tuple[Project, UndoStack]:
    project = load_project(SAMPLE)
    for kp in project.keypoints:
        if kp.name in MOUTH_KEYPOINTS:
            project.tracks.pop(kp.id, None)  # the mouth keys come from the lip sync alone
    stack = UndoStack(project)
    stack.push(ChangeSound(None, Sound(b"RIFF", "line.wav", ".wav", offset=5)))
    stack.push(sound_edit(project, project.sound.with_changes(cues=CUES), "Lip sync"))
    return project, stack


def mouth_frames(project: Project) -> set[int]:
    ids = [kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS]
    return {frame for kp_id in ids for frame in project.track(kp_id).frames()}


def chin_y(project: Project, frame: float) -> float:
    index = next(i for i, kp in enumerate(project.keypoints) if kp.name == "chin")
    return float(project.sample_values(frame)[0][index][1])


def test_sliding_a_lip_synced_sound_moves_its_keys_in_one_step(synced):
    project, stack = synced
    fps = project.timing.fps
    before_tracks = dict(project.tracks)
    keyed = mouth_frames(project)
    assert min(keyed) == 5
    stack.push(sound_edit(project, project.sound.with_changes(offset=25)))
    assert mouth_frames(project) == {frame + 20 for frame in keyed}
    assert chin_y(project, 25 + 0.9 * fps) > chin_y(project, 25 + 0.2 * fps) + 2  # D, now 20 frames later
    stack.undo()
    assert project.tracks == before_tracks and project.sound.offset == 5


def test_changing_a_cue_shape_rekeys_that_cue(synced):
    project, stack = synced
    fps = project.timing.fps
    frame = 5 + round(0.75 * fps)
    wide = chin_y(project, frame)
    cues = list(CUES)
    cues[1] = MouthCue(0.5, 1.0, "A")
    stack.push(sound_edit(project, project.sound.with_changes(cues=tuple(cues))))
    assert chin_y(project, frame) < wide - 2  # closed now
    assert stack.texts()[-1] == "Change mouth cues"
    stack.undo()
    assert chin_y(project, frame) == pytest.approx(wide)


def test_posing_a_shape_and_the_amplitude_rekey_the_mouth(synced):
    project, stack = synced
    fps = project.timing.fps
    frame = 5 + round(0.75 * fps)
    wide = chin_y(project, frame)
    rest = chin_y(project, 5)
    stack.push(shapes_edit(project, MouthShapes().with_pose("D", {"chin": (0.0, 0.0)})))
    assert chin_y(project, frame) == pytest.approx(rest, abs=0.5)
    stack.push(shapes_edit(project, MouthShapes(amplitude=2.0)))
    assert chin_y(project, frame) - rest == pytest.approx(2 * (wide - rest), rel=0.05)
    stack.undo()
    stack.undo()
    assert chin_y(project, frame) == pytest.approx(wide)


def test_a_posed_shape_replaces_the_built_in_one_keypoint_by_keypoint():
    posed = mouth_pose("D", 2.0, {"D": {"chin": (0.1, 0.2)}})
    assert posed["chin"] == pytest.approx((0.2, 0.4))
    assert posed["lower_lip"] == pytest.approx(tuple(2 * v for v in mouth_pose("D")["lower_lip"]))
    assert np.allclose(mouth_pose("C", 1.0, {"D": {}})["chin"], mouth_pose("C")["chin"])


def test_without_cues_a_sound_edit_is_just_the_sound():
    project = load_project(SAMPLE)
    edit = sound_edit(project, Sound(b"RIFF", "a.wav", ".wav"))
    assert isinstance(edit, ChangeSound)
