import json
import os
import re
import zipfile

import numpy as np
import pytest

from studio.core.errors import ProjectFileError
from studio.core.project_file import load_project, project_to_dict, save_project
from studio.core.takes import Take
from studio.core.tracks import Interpolation, Keyframe, Track
from tests.core.helpers import make_project, tiny_png


def _saved(tmp_path, project=None):
    project = project or make_project(2)
    path = tmp_path / "shot.marionette"
    save_project(project, path)
    return project, path


def _rewrite(path, document=None, drop=None, extra=None):
    """Rewrite a saved project with a changed project.json and/or without an entry."""
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    if document is not None:
        entries["project.json"] = json.dumps(document).encode()
    if drop:
        entries.pop(drop)
    entries.update(extra or {})
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_round_trip_keeps_everything(tmp_path):
    project = make_project(3)
    project.tracks["kp1"] = Track((Keyframe(0, (1.0, 2.0, 0.5, 1.5), Interpolation.HOLD),
                                   Keyframe(9, (3.0, 4.0, 0.0, 1.0), out_tangent=(1.0, 0.0, 0.0, 0.0))))
    project.takes.append(Take("take 1", ("kp0",), np.array([0.0, 0.1]), np.ones((2, 1, 4)),
                              np.array([[True], [False]])))
    _, path = _saved(tmp_path, project)
    loaded = load_project(path)
    assert project_to_dict(loaded) == project_to_dict(project)
    assert loaded.source_png == project.source_png
    np.testing.assert_array_equal(loaded.takes[0].valid, [[True], [False]])
    np.testing.assert_array_equal(loaded.sample_values(np.arange(12)), project.sample_values(np.arange(12)))


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    _, path = _saved(tmp_path)
    original = path.read_bytes()
    project = make_project(1)
    project.source_png = None  # makes writing fail half-way
    with pytest.raises(TypeError):
        save_project(project, path)
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["shot.marionette"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(schema_version=99), "newer Marionette Studio"),
    (lambda d: d.update(schema_version="one"), "schema_version"),
    (lambda d: d.update(format="other"), "not a Marionette project document"),
    (lambda d: d["keypoints"][0].update(x=10_000), "outside the 64x48 image"),
    (lambda d: d["keypoints"][0].update(color="blue"), "#RRGGBB"),
    (lambda d: d["keypoints"][1].update(id="kp0"), "repeats the id"),
    (lambda d: d["keypoints"][0].pop("name"), "keypoints[0].name"),
    (lambda d: d["timing"].update(fps=0), "fps"),
    (lambda d: d["tracks"].update(ghost=[]), "belongs to no keypoint"),
    (lambda d: d["tracks"].update(kp0=[{"frame": 1.5, "values": [0, 0, 0, 1]}]), "frame must be an integer"),
    (lambda d: d["tracks"].update(kp0=[{"frame": 1, "values": [0, 0]}]), "values must be 4 finite numbers"),
    (lambda d: d["tracks"].update(kp0=[{"frame": 1, "values": [0, 0, 0, 1], "interpolation": "wiggly"}]),
     "wiggly"),
    (lambda d: d["source"].update(width=65), "does not match the image"),
])
def test_bad_documents_are_refused_with_the_reason(tmp_path, change, message):
    project, path = _saved(tmp_path)
    document = project_to_dict(project)
    change(document)
    _rewrite(path, document)
    with pytest.raises(ProjectFileError, match=re.escape(message)):
        load_project(path)


def test_missing_and_damaged_parts_are_refused(tmp_path):
    _, path = _saved(tmp_path)
    _rewrite(path, drop="source.png")
    with pytest.raises(ProjectFileError, match="source image source.png is missing"):
        load_project(path)
    _, path = _saved(tmp_path)
    _rewrite(path, extra={"source.png": b"not a png"})
    with pytest.raises(ProjectFileError, match="not a PNG"):
        load_project(path)
    _, path = _saved(tmp_path)
    _rewrite(path, extra={"project.json": b"{not json"})
    with pytest.raises(ProjectFileError, match="not valid JSON"):
        load_project(path)
    _, path = _saved(tmp_path)
    _rewrite(path, drop="project.json")
    with pytest.raises(ProjectFileError, match="no project.json"):
        load_project(path)


def test_non_zip_and_missing_files_are_refused(tmp_path):
    with pytest.raises(ProjectFileError, match="does not exist"):
        load_project(tmp_path / "nope.marionette")
    junk = tmp_path / "junk.marionette"
    junk.write_bytes(tiny_png())
    with pytest.raises(ProjectFileError, match="damaged or incomplete"):
        load_project(junk)
    truncated = tmp_path / "cut.marionette"
    _, path = _saved(tmp_path)
    truncated.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(ProjectFileError, match="cut.marionette is damaged or incomplete"):
        load_project(truncated)


@pytest.mark.parametrize("keep", [0.0, 0.3, 0.6, 0.95])
def test_a_cut_or_scrambled_project_says_damaged_or_incomplete(tmp_path, keep):
    _, path = _saved(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ProjectFileError, match="damaged or incomplete") as caught:
        load_project(path)
    assert "zip" not in str(caught.value)
    scrambled = bytearray(data)
    scrambled[40:len(data) // 2] = bytes(len(data) // 2 - 40)
    path.write_bytes(bytes(scrambled))
    with pytest.raises(ProjectFileError, match="damaged or incomplete") as caught:
        load_project(path)
    assert "zip" not in str(caught.value)


def test_takes_missing_from_the_archive_are_refused(tmp_path):
    project = make_project(1)
    project.takes.append(Take("t", ("kp0",), np.zeros(1), np.ones((1, 1, 4)), np.ones((1, 1), bool)))
    _, path = _saved(tmp_path, project)
    _rewrite(path, drop="takes/000.npz")
    with pytest.raises(ProjectFileError, match="missing from the file"):
        load_project(path)
