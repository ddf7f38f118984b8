"""Opening a project saved by a newer app (with a schema this one reads) opens it and says so in the status bar."""

from __future__ import annotations

import json
import zipfile

from studio.core.project_file import project_to_dict, save_project
from tests.core.helpers import make_project


def _saved_by(path, version):
    save_project(make_project(2), path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(entries["project.json"])
    document["saved_by"]["version"] = version
    entries["project.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_a_newer_apps_project_opens_with_a_status_note(qtbot, window, tmp_path):
    path = tmp_path / "future.marionette"
    _saved_by(path, "99.0")
    messages = []
    window.files.message.connect(messages.append)
    window.files.open(path, ask_to_save=False)
    qtbot.waitUntil(lambda: window.session.path == path and not window.files.busy, timeout=30000)
    assert project_to_dict(window.session.project)["keypoints"] == project_to_dict(make_project(2))["keypoints"]
    assert "saved by Marionette Studio 99.0, newer than this" in messages[-1]


def test_a_current_project_just_says_ready(qtbot, window, tmp_path):
    path = tmp_path / "today.marionette"
    save_project(make_project(2), path)
    messages = []
    window.files.message.connect(messages.append)
    window.files.open(path, ask_to_save=False)
    qtbot.waitUntil(lambda: window.session.path == path and not window.files.busy, timeout=30000)
    assert messages[-1] == "Ready"
