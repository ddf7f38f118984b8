"""Projects record the version that saved them; a newer one is refused or noted, an old file opens unchanged."""

from __future__ import annotations

import json
import zipfile

import pytest

from studio.core.errors import ProjectFileError
from studio.core.project_file import SCHEMA_VERSION, load_project, project_to_dict, save_project
from studio.core.saved_by import read_newer_app_note
from studio.version import app_version
from tests.core.helpers import make_project


def _saved_with(tmp_path, change):
    """A saved project whose project.json went through ``change``."""
    path = tmp_path / "shot.marionette"
    save_project(make_project(2), path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(entries["project.json"])
    change(document)
    entries["project.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_a_saved_project_records_this_app_version(tmp_path):
    path = tmp_path / "shot.marionette"
    save_project(make_project(2), path)
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("project.json"))
    assert document["saved_by"] == {"app": "Marionette Studio", "version": app_version()}
    assert read_newer_app_note(path) is None


def test_a_newer_schema_names_both_versions_in_one_line(tmp_path):
    def newer(document):
        document.update(schema_version=SCHEMA_VERSION + 1, saved_by={"app": "Marionette Studio", "version": "99.1"})

    path = _saved_with(tmp_path, newer)
    with pytest.raises(ProjectFileError) as error:
        load_project(path)
    assert str(error.value) == (f"shot.marionette was saved by Marionette Studio 99.1, newer than this "
                                f"{app_version()}: update to open it")


def test_a_newer_app_with_a_known_schema_opens_with_a_note(tmp_path):
    path = _saved_with(tmp_path, lambda d: d.update(saved_by={"app": "Marionette Studio", "version": "99.0.1"}))
    assert load_project(path).width == 64
    note = read_newer_app_note(path)
    assert note is not None and "99.0.1" in note and "\n" not in note


def test_a_file_from_before_versions_were_recorded_opens_unchanged(tmp_path):
    original = make_project(2)
    path = _saved_with(tmp_path, lambda d: d.pop("saved_by"))
    assert project_to_dict(load_project(path)) == project_to_dict(original)
    assert read_newer_app_note(path) is None
