"""Files in the window: save/reopen, new from image, autosave, crash recovery, bad input, unsaved prompt."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from studio.core.edits import ChangeKeypoint
from studio.core.paths import autosave_dir
from studio.core.project_file import load_project, project_to_dict
from studio.plugins.api import builtin_registry
from studio.ui.files.recent_files import recent_files
from studio.ui.main_window import MainWindow
from tests.ui.conftest import pattern_image

DEAD_PID = 4_194_304 + 4242  # above Linux's largest pid: no such process


@pytest.fixture
def boxes(monkeypatch) -> dict[str, list[str]]:
    """Record message boxes instead of showing them; ``answers`` sets what question() returns."""
    shown: dict[str, list[str]] = {"warning": [], "critical": [], "question": []}
    answers: list[QMessageBox.StandardButton] = []

    def recorder(kind: str):
        def show(parent, title, text, *args, **kwargs):
            shown[kind].append(text)
            if kind == "question":
                return answers.pop(0)
            return QMessageBox.StandardButton.Ok
        return show

    for kind in shown:
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))
    shown["answers"] = answers  # type: ignore[assignment]
    return shown


def edit(window) -> None:
    """One undoable change to keypoint b."""
    kp = window.session.project.keypoint("b")
    window.session.push(ChangeKeypoint(kp, kp.with_changes(name="renamed", radius=33.0)))
    window.session.finish_gesture()


def wait_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.files.busy, timeout=30000)


def open_window(qtbot) -> MainWindow:
    window = MainWindow(registry_factory=builtin_registry)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    return window


def close_window(window: MainWindow) -> None:
    window.shutdown()
    window.hide()
    window.deleteLater()


def test_save_close_reopen_gives_the_identical_project(qtbot, window, tmp_path, boxes) -> None:
    edit(window)
    assert window.isWindowModified()
    target = tmp_path / "saved"
    assert window.files.save_as(target)
    assert window.files.wait_for_saves()
    saved = window.session.path
    assert saved == tmp_path / "saved.marionette"
    assert not window.isWindowModified() and window.windowTitle().startswith("saved.marionette")
    expected = project_to_dict(window.session.project)
    source = window.session.project.source_png
    window.close()
    assert boxes["question"] == []
    other = open_window(qtbot)
    try:
        other.files.open(saved)
        qtbot.waitUntil(lambda: other.session.path == saved, timeout=30000)
        assert project_to_dict(other.session.project) == expected
        assert other.session.project.source_png == source
        assert other.stack.currentWidget() is other.splitter
        assert recent_files()[0] == saved.resolve()
    finally:
        close_window(other)


def test_new_from_image_starts_an_untitled_project(qtbot, window, tmp_path, boxes) -> None:
    image_path = tmp_path / "still.png"
    cv2.imwrite(str(image_path), cv2.cvtColor(pattern_image(64)[:48], cv2.COLOR_RGB2BGR))
    window.files.new_from_image(image_path)
    qtbot.waitUntil(lambda: window.session.project.width == 64, timeout=30000)
    project = window.session.project
    assert (project.width, project.height, project.keypoints) == (64, 48, [])
    assert window.session.path is None and window.windowTitle().startswith("Untitled")


def test_dropping_a_corrupt_image_reports_it_and_keeps_the_project(qtbot, window, tmp_path, boxes) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    edit(window)
    before = project_to_dict(window.session.project)
    project = window.session.project
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    boxes["answers"].append(QMessageBox.StandardButton.Discard)
    window.dropEvent(event)
    wait_idle(qtbot, window)
    assert len(boxes["warning"]) == 1 and "broken.png" in boxes["warning"][0]
    assert "\n" not in boxes["warning"][0]
    assert window.session.project is project and project_to_dict(project) == before


def test_opening_a_broken_project_reports_it_and_keeps_the_project(qtbot, window, tmp_path, boxes) -> None:
    broken = tmp_path / "broken.marionette"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.json", json.dumps({"format": "marionette-project", "schema_version": 1,
                                                     "keypoints": "nope"}))
    project = window.session.project
    before = project_to_dict(project)
    window.files.open(broken)
    wait_idle(qtbot, window)
    assert len(boxes["warning"]) == 1 and "broken.marionette" in boxes["warning"][0]
    assert window.session.project is project and project_to_dict(project) == before
    not_a_project = tmp_path / "notes.marionette"
    not_a_project.write_text("hello")
    window.files.open(not_a_project)
    wait_idle(qtbot, window)
    assert "damaged or incomplete" in boxes["warning"][1]


def test_autosave_writes_only_when_modified(qtbot, window, boxes) -> None:
    autosave = window.files.marker.autosave
    window.files.autosave_timer.timeout.emit()
    assert not autosave.exists()
    edit(window)
    window.files.autosave_timer.timeout.emit()
    assert window.files.wait_for_saves()
    assert autosave.is_file()
    assert project_to_dict(load_project(autosave)) == project_to_dict(window.session.project)
    assert window.files.autosave_timer.interval() == 3_000


def simulate_crash(window) -> tuple[Path, Path]:
    """Leave the window's marker and autosave behind as if its process had died."""
    edit(window)
    assert window.files.autosave()
    assert window.files.wait_for_saves()
    marker = autosave_dir() / f"session-{DEAD_PID}.json"
    autosave = autosave_dir() / f"autosave-{DEAD_PID}.marionette"
    window.files.marker.autosave.rename(autosave)
    document = json.loads(window.files.marker.marker.read_text())
    document.update(pid=DEAD_PID, autosave=autosave.name)
    marker.write_text(json.dumps(document))
    return marker, autosave


def test_recovery_is_offered_after_a_crash(qtbot, window, boxes) -> None:
    marker, autosave = simulate_crash(window)
    expected = project_to_dict(window.session.project)
    path = window.session.path
    other = open_window(qtbot)
    try:
        boxes["answers"].append(QMessageBox.StandardButton.Yes)
        assert other.files.offer_recovery()
        assert "did not close properly" in boxes["question"][0] and path.name in boxes["question"][0]
        assert project_to_dict(other.session.project) == expected
        assert other.session.path == path and other.files.is_modified and other.isWindowModified()
        assert not marker.exists() and not autosave.exists()
        assert not other.files.offer_recovery()
    finally:
        close_window(other)


def test_declined_recovery_discards_the_autosave(qtbot, window, boxes) -> None:
    marker, autosave = simulate_crash(window)
    other = open_window(qtbot)
    try:
        boxes["answers"].append(QMessageBox.StandardButton.No)
        assert not other.files.offer_recovery()
        assert other.stack.currentWidget() is other.start_page
        assert not marker.exists() and not autosave.exists()
    finally:
        close_window(other)


def test_clean_exit_removes_marker_and_autosave(qtbot, window, boxes) -> None:
    edit(window)
    window.files.autosave()
    window.files.wait_for_saves()
    files = window.files.marker
    assert files.marker.exists() and files.autosave.exists()
    boxes["answers"].append(QMessageBox.StandardButton.Discard)
    assert window.close()
    assert not files.marker.exists() and not files.autosave.exists()


def test_unsaved_changes_prompt_can_cancel_close(qtbot, window, boxes) -> None:
    edit(window)
    boxes["answers"].append(QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.isVisible() and len(boxes["question"]) == 1
    boxes["answers"].append(QMessageBox.StandardButton.Save)
    assert window.close()
    assert project_to_dict(load_project(window.session.path)) == project_to_dict(window.session.project)


def test_save_failure_is_reported_and_keeps_changes(qtbot, window, tmp_path, boxes) -> None:
    edit(window)
    assert not (window.files.save_as(tmp_path / "missing-folder" / "x.marionette") and window.files.wait_for_saves())
    assert len(boxes["critical"]) == 1 and "missing-folder" in boxes["critical"][0]
    assert window.files.is_modified
