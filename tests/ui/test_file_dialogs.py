"""File dialogs start in the user's folders (Pictures for images, else home), then in the last folder used."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from studio.ui import file_dialogs


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh home folder with a Pictures folder; the process runs from elsewhere (the install folder)."""
    home = tmp_path / "home"
    (home / "Pictures").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    return home


class FakeDialog:
    """Stands in for QFileDialog's static methods: records where each dialog opened, answers ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.starts: list[str] = []
        self.answer = ""
        monkeypatch.setattr(QFileDialog, "getOpenFileName", self._file)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._file)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", self._folder)

    def _file(self, _parent, _title, start, _filters="", **_kw) -> tuple[str, str]:
        self.starts.append(start)
        return self.answer, ""

    def _folder(self, _parent, _title, start, **_kw) -> str:
        self.starts.append(start)
        return self.answer


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeDialog:
    return FakeDialog(monkeypatch)


def test_images_start_in_pictures_then_in_the_last_folder(qtbot, home: Path, fake: FakeDialog, tmp_path: Path):
    assert file_dialogs.open_file(None, "Image", "image", "Images (*.png)") == ""
    assert Path(fake.starts[-1]) == home / "Pictures"
    shots = tmp_path / "shots"
    shots.mkdir()
    fake.answer = str(shots / "face.png")
    file_dialogs.open_file(None, "Image", "image", "Images (*.png)")
    file_dialogs.open_file(None, "Image", "image", "Images (*.png)")
    assert Path(fake.starts[-1]) == shots


def test_save_puts_a_bare_name_in_the_users_folder_not_the_working_directory(qtbot, home: Path, fake: FakeDialog):
    file_dialogs.save_file(None, "Save", "project", "Projects (*.marionette)", "untitled.marionette")
    assert Path(fake.starts[-1]) == home / "untitled.marionette"


def test_a_vanished_last_folder_falls_back_to_home(qtbot, home: Path, fake: FakeDialog, tmp_path: Path):
    gone = tmp_path / "gone"
    file_dialogs.remember_folder("plugin", gone)
    file_dialogs.existing_folder(None, "Plugin", "plugin")
    assert Path(fake.starts[-1]) == home


def test_window_open_and_new_from_image_start_in_the_users_folders(qtbot, home: Path, fake: FakeDialog, window):
    window.files.open()
    window.files.new_from_image()
    assert [Path(start) for start in fake.starts] == [home, home / "Pictures"]


def test_plugin_manager_install_starts_in_the_last_plugin_folder(qtbot, home: Path, fake: FakeDialog,
                                                                 tmp_path: Path):
    from studio.plugins.api import builtin_registry
    from studio.ui.plugins.plugin_manager import PluginManagerDialog

    dialog = PluginManagerDialog(None, builtin_registry())
    qtbot.addWidget(dialog)
    file_dialogs.remember_folder("plugin", tmp_path)
    dialog._on_install_zip_clicked()
    assert Path(fake.starts[-1]) == tmp_path


def test_capture_dialogs_start_in_the_users_video_and_music_folders(qtbot, home: Path, fake: FakeDialog, window):
    (home / "Videos").mkdir()
    (home / "Music").mkdir()
    window.capture_panel._choose_video()
    window.capture_panel._choose_folder()
    window.capture_panel._choose_sound_file()
    assert [Path(start) for start in fake.starts] == [home / "Videos", home / "Videos", home / "Music"]
