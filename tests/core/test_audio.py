"""The project's sound and mouth shapes: validation, undoable edits, and the project-file round trip."""

from __future__ import annotations

import json
import zipfile

import pytest

from studio.core.audio import ChangeMouthShapes, ChangeSound, MouthCue, MouthShapes, Sound
from studio.core.errors import ProjectFileError
from studio.core.project_file import load_project, project_to_dict, save_project
from studio.core.undo import UndoStack
from tests.core.helpers import make_project

SOUND = Sound(b"RIFF fake wav bytes", "line.wav", ".wav", offset=12, volume=0.8,
              cues=(MouthCue(0.0, 0.2, "X"), MouthCue(0.2, 0.5, "D")))


def test_sound_fields_are_validated():
    with pytest.raises(ValueError, match="format"):
        Sound(b"x", "a.xyz", ".xyz")
    with pytest.raises(ValueError, match="volume"):
        Sound(b"x", "a.wav", ".wav", volume=-1)
    with pytest.raises(ValueError, match="no data"):
        Sound(b"", "a.wav", ".wav")
    with pytest.raises(ValueError, match="amplitude"):
        MouthShapes(amplitude=0)
    assert Sound(b"x", "a.wav", ".wav", muted=True).gain == 0.0


def test_import_slide_mute_and_remove_are_undoable_and_named():
    project = make_project(1)
    stack = UndoStack(project)
    seen = []
    project.changed.connect(seen.append)
    stack.push(ChangeSound(None, SOUND))
    stack.push(ChangeSound(SOUND, SOUND.with_changes(offset=20)))
    stack.push(ChangeSound(project.sound, project.sound.with_changes(muted=True)))
    assert stack.texts() == ["Import sound line.wav", "Slide sound to frame 20", "Mute sound"]
    assert project.sound.offset == 20 and project.sound.muted
    stack.undo()
    stack.undo()
    assert project.sound == SOUND
    stack.push(ChangeSound(SOUND, None))
    assert project.sound is None and stack.texts()[-1] == "Remove sound"
    stack.undo()
    assert project.sound == SOUND and set(seen) == {"sound"}


def test_a_drag_of_the_sound_merges_into_one_step():
    project = make_project(1)
    stack = UndoStack(project)
    stack.push(ChangeSound(None, SOUND))
    for offset in (13, 14, 15):
        stack.push(ChangeSound(project.sound, SOUND.with_changes(offset=offset), merge_key="slide"))
    stack.close_merge()
    assert stack.texts() == ["Import sound line.wav", "Slide sound to frame 15"]
    stack.undo()
    assert project.sound.offset == 12


def test_mouth_shapes_edit_undoes():
    project = make_project(1)
    stack = UndoStack(project)
    posed = MouthShapes().with_pose("D", {"chin": (0.0, 0.2)})
    stack.push(ChangeMouthShapes(MouthShapes(), posed))
    assert project.mouth_shapes.poses["D"]["chin"] == (0.0, 0.2)
    stack.undo()
    assert project.mouth_shapes == MouthShapes()


def test_round_trip_keeps_the_sound_bytes_placement_cues_and_shapes(tmp_path):
    project = make_project(2)
    project.sound = SOUND
    project.mouth_shapes = MouthShapes({"F": {"chin": (0.01, 0.02)}}, amplitude=1.5)
    save_project(project, tmp_path / "s.marionette")
    loaded = load_project(tmp_path / "s.marionette")
    assert loaded.sound == SOUND
    assert loaded.mouth_shapes == project.mouth_shapes
    assert project_to_dict(loaded) == project_to_dict(project)
    with zipfile.ZipFile(tmp_path / "s.marionette") as archive:
        assert archive.read("sound/sound.wav") == SOUND.data
        assert json.loads(archive.read("project.json"))["schema_version"] == 2


def test_a_schema_1_file_still_opens_without_sound(tmp_path):
    save_project(make_project(1), tmp_path / "old.marionette")
    with zipfile.ZipFile(tmp_path / "old.marionette") as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(entries["project.json"])
    document["schema_version"] = 1
    entries["project.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(tmp_path / "old.marionette", "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    loaded = load_project(tmp_path / "old.marionette")
    assert loaded.sound is None and loaded.mouth_shapes is None


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["sound"].update(file="sound/other.wav"), "missing from the file"),
    (lambda d: d["sound"].update(volume=9), "volume"),
    (lambda d: d["sound"].update(cues=[[0.5, 0.1, "A"]]), "start <= end"),
    (lambda d: d["sound"].update(cues=[[0.0, 0.1, "Q"]]), "shape"),
    (lambda d: d["sound"].update(muted="yes"), "true or false"),
])
def test_a_bad_sound_section_is_refused_with_one_line(tmp_path, change, message):
    project = make_project(1)
    project.sound = SOUND
    path = tmp_path / "bad.marionette"
    save_project(project, path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(entries["project.json"])
    change(document)
    entries["project.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)
