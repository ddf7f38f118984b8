"""Disk full or the folder removed during Save and autosave: the old file still opens, one message, work kept."""

from __future__ import annotations

import errno
import os
import shutil
import zipfile

import pytest

from studio.core import atomic
from studio.core.paths import autosave_dir
from studio.core.project_file import load_project, project_to_dict, save_project
from tests.ui.files.test_project_files import boxes, edit  # noqa: F401


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fill_disk(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """Make one step of an atomic save fail with ENOSPC: writing the zip, fsync, or the final rename."""
    if where == "write":
        monkeypatch.setattr(zipfile.ZipFile, "writestr", _disk_full)
    elif where == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", _disk_full)
    else:
        monkeypatch.setattr(atomic.os, "replace", _disk_full)


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_disk_full_during_save_keeps_the_old_file_and_the_edits(qtbot, window, boxes, monkeypatch,  # noqa: F811
                                                                 where) -> None:
    path = window.session.path
    save_project(window.session.project, path)
    before = path.read_bytes()
    edit(window)
    fill_disk(monkeypatch, where)
    assert window.files.save()
    assert not window.files.wait_for_saves()
    monkeypatch.undo()
    assert len(boxes["critical"]) == 1
    message = boxes["critical"][0]
    assert "No space left on device" in message and "Save As" in message and "\n" not in message
    assert path.read_bytes() == before and load_project(path).keypoint("b").name == "beta"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []
    assert window.files.is_modified and window.session.project.keypoint("b").name == "renamed"
    assert window.files.save() and window.files.wait_for_saves()  # space again: the next save works
    assert load_project(path).keypoint("b").name == "renamed" and not window.files.is_modified


def test_folder_removed_before_save_reports_it_and_save_as_still_works(qtbot, window, boxes,  # noqa: F811
                                                                       tmp_path) -> None:
    folder = tmp_path / "shots"
    folder.mkdir()
    assert window.files.save_as(folder / "shot.marionette") and window.files.wait_for_saves()
    edit(window)
    shutil.rmtree(folder)
    assert not (window.files.save() and window.files.wait_for_saves())
    assert len(boxes["critical"]) == 1 and "No such file or directory" in boxes["critical"][0]
    assert window.files.is_modified
    assert window.files.save_as(tmp_path / "elsewhere.marionette") and window.files.wait_for_saves()
    assert project_to_dict(load_project(tmp_path / "elsewhere.marionette")) == project_to_dict(
        window.session.project)


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_disk_full_during_autosave_keeps_the_previous_autosave(qtbot, window, boxes, monkeypatch,  # noqa: F811
                                                               where) -> None:
    autosave = window.files.marker.autosave
    edit(window)
    assert window.files.autosave() and window.files.wait_for_saves()
    before = autosave.read_bytes()
    kp = window.session.project.keypoint("c")
    from studio.core.edits import ChangeKeypoint

    window.session.push(ChangeKeypoint(kp, kp.with_changes(name="later")))
    fill_disk(monkeypatch, where)
    messages: list[str] = []
    window.files.message.connect(messages.append)
    assert window.files.autosave()
    assert not window.files.wait_for_saves()
    monkeypatch.undo()
    assert boxes["critical"] == []  # autosave failures go to the status bar only
    assert [m for m in messages if m.startswith("Autosave failed")] == [
        f"Autosave failed: cannot write {autosave}: No space left on device"]
    assert autosave.read_bytes() == before and load_project(autosave).keypoint("b").name == "renamed"
    assert window.session.project.keypoint("c").name == "later"


def test_autosave_folder_removed_is_recreated_with_its_marker(qtbot, window, boxes) -> None:  # noqa: F811
    shutil.rmtree(autosave_dir())
    edit(window)
    assert window.files.autosave() and window.files.wait_for_saves()
    assert window.files.marker.marker.is_file()
    assert load_project(window.files.marker.autosave).keypoint("b").name == "renamed"


def test_a_decompression_bomb_is_refused_in_the_window(qtbot, window, boxes, tmp_path) -> None:  # noqa: F811
    from tests.media.test_media_image_bombs import bomb_png

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(bomb_png())
    project = window.session.project
    for open_it in (window.open_dropped, window.files.new_from_image):
        job = open_it(bomb)
        assert job is not None
        qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)
    assert len(boxes["warning"]) == 2
    assert all("40000x40000" in text and "limit" in text and "\n" not in text for text in boxes["warning"])
    assert window.session.project is project
