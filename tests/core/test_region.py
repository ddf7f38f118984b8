"""The project's region in the project file and as an undoable edit; files without one open unchanged."""

import json
import zipfile

import pytest

from studio.core.errors import ProjectFileError
from studio.core.project_file import load_project, project_to_dict, save_project
from studio.core.region import REGION_NAME, SetRegion
from tests.core.helpers import make_project, tiny_png


def test_a_region_survives_a_round_trip(tmp_path):
    project = make_project(2)
    project.region_png = tiny_png(64, 48)
    save_project(project, tmp_path / "a.marionette")
    loaded = load_project(tmp_path / "a.marionette")
    assert loaded.region_png == project.region_png
    with zipfile.ZipFile(tmp_path / "a.marionette") as archive:
        assert REGION_NAME in archive.namelist()


def test_a_project_without_region_saves_and_opens_as_before(tmp_path):
    project = make_project(2)
    assert "region" not in project_to_dict(project)
    save_project(project, tmp_path / "old.marionette")
    with zipfile.ZipFile(tmp_path / "old.marionette") as archive:
        assert REGION_NAME not in archive.namelist()
        document = json.loads(archive.read("project.json"))
    assert document["schema_version"] == 2
    assert load_project(tmp_path / "old.marionette").region_png is None


def _with_region_entry(tmp_path, png, member=True):
    project = make_project(1)
    project.region_png = png
    path = tmp_path / "bad.marionette"
    save_project(project, path)
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    if not member:
        entries.pop(REGION_NAME)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(("png", "member", "problem"), [
    (tiny_png(10, 10), True, "is 10x10 but the source image is 64x48"),
    (b"not a png at all", True, "is not a PNG"),
    (tiny_png(64, 48), False, "missing from the file"),
])
def test_a_bad_region_is_refused_with_one_line(tmp_path, png, member, problem):
    path = _with_region_entry(tmp_path, png, member)
    with pytest.raises(ProjectFileError, match=problem) as error:
        load_project(path)
    assert "\n" not in str(error.value)


def test_set_region_is_undoable_and_announced():
    project = make_project(1)
    seen = []
    project.changed.connect(seen.append)
    edit = SetRegion(tiny_png(64, 48))
    edit.apply(project)
    assert project.region_png == tiny_png(64, 48) and seen == ["region"]
    edit.revert(project)
    assert project.region_png is None and seen == ["region", "region"]
