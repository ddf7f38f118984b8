"""Saving off the GUI thread: the worker writes a snapshot, edits made meanwhile stay unsaved, close waits."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QMessageBox

from studio.core.edits import ChangeKeypoint
from studio.core.errors import UserError
from studio.core.project_file import load_project, project_to_dict
from studio.core.project_file import save_project as real_save_project
from studio.ui.files import project_files
from studio.ui.files.recent_files import recent_files


@pytest.fixture
def boxes(monkeypatch) -> dict[str, list[str]]:
    """Record critical/question message boxes instead of showing them (questions answer Discard)."""
    shown: dict[str, list[str]] = {"critical": [], "question": []}

    def critical(parent, title, text, *args, **kwargs):
        shown["critical"].append(text)
        return QMessageBox.StandardButton.Ok

    def question(parent, title, text, *args, **kwargs):
        shown["question"].append(text)
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return shown


def rename(window, name: str) -> None:
    """One undoable change to keypoint b."""
    kp = window.session.project.keypoint("b")
    window.session.push(ChangeKeypoint(kp, kp.with_changes(name=name)))
    window.session.finish_gesture()


class RecordingSave:
    """Stands in for save_project: records the thread and overlap, can hold the write until released."""

    def __init__(self, delay: float = 0.0, error: str = "") -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.delay = delay
        self.error = error
        self.threads: list[threading.Thread] = []
        self.active = 0
        self.most_active = 0
        self.lock = threading.Lock()

    def __call__(self, project, path) -> None:
        with self.lock:
            self.threads.append(threading.current_thread())
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        try:
            assert self.gate.wait(10)
            time.sleep(self.delay)
            if self.error:
                raise UserError(self.error)
            real_save_project(project, path)
        finally:
            with self.lock:
                self.active -= 1


def patch_save(monkeypatch, **kwargs) -> RecordingSave:
    recorder = RecordingSave(**kwargs)
    monkeypatch.setattr(project_files, "save_project", recorder)
    return recorder


def test_save_writes_on_a_worker_thread(qtbot, window, tmp_path, monkeypatch, boxes) -> None:
    recorder = patch_save(monkeypatch)
    rename(window, "saved name")
    target = tmp_path / "worker.marionette"
    assert window.files.save_as(target)
    assert window.files.saving
    assert window.files.wait_for_saves()
    assert len(recorder.threads) == 1 and recorder.threads[0] is not threading.main_thread()
    assert project_to_dict(load_project(target)) == project_to_dict(window.session.project)
    assert window.session.path == target and not window.files.is_modified and not window.isWindowModified()
    assert window.windowTitle().startswith("worker.marionette") and recent_files()[0] == target.resolve()


def test_an_edit_during_the_save_keeps_the_project_modified(qtbot, window, tmp_path, monkeypatch, boxes) -> None:
    recorder = patch_save(monkeypatch)
    recorder.gate.clear()
    rename(window, "before save")
    expected = project_to_dict(window.session.project)
    target = tmp_path / "edited.marionette"
    assert window.files.save_as(target)
    rename(window, "during save")
    recorder.gate.set()
    assert window.files.wait_for_saves()
    assert project_to_dict(load_project(target)) == expected
    assert window.session.project.keypoint("b").name == "during save"
    assert window.session.path == target
    assert window.files.is_modified and window.isWindowModified()


def test_an_edit_undone_during_the_save_leaves_the_project_clean(qtbot, window, tmp_path, monkeypatch,
                                                                  boxes) -> None:
    recorder = patch_save(monkeypatch)
    recorder.gate.clear()
    rename(window, "before save")
    assert window.files.save_as(tmp_path / "undone.marionette")
    rename(window, "during save")
    window.session.undo.undo()
    recorder.gate.set()
    assert window.files.wait_for_saves()
    assert not window.files.is_modified


def test_a_failing_save_shows_the_reason_and_keeps_the_project_modified(qtbot, window, tmp_path, monkeypatch,
                                                                        boxes) -> None:
    patch_save(monkeypatch, error="the disk is full: free some space and save again")
    rename(window, "unsaved")
    target = tmp_path / "failed.marionette"
    assert window.files.save_as(target)
    assert not window.files.wait_for_saves()
    assert boxes["critical"] == ["the disk is full: free some space and save again. Nothing on disk was "
                                 "overwritten and your changes are still open; use Save As to save elsewhere."]
    assert window.files.is_modified and window.isWindowModified()
    assert window.session.path != target and not target.exists()


def test_saves_never_overlap(qtbot, window, tmp_path, monkeypatch, boxes) -> None:
    recorder = patch_save(monkeypatch, delay=0.05)
    rename(window, "first")
    assert window.files.save_as(tmp_path / "one.marionette")
    rename(window, "second")
    assert window.files.save()
    assert window.files.wait_for_saves()
    assert recorder.most_active == 1 and len(recorder.threads) == 2
    saved = load_project(tmp_path / "one.marionette")
    assert saved.keypoint("b").name == "second" and not window.files.is_modified


def test_close_waits_for_a_running_save(qtbot, window, tmp_path, monkeypatch, boxes) -> None:
    patch_save(monkeypatch, delay=0.4)
    rename(window, "saved on close")
    target = tmp_path / "closing.marionette"
    assert window.files.save_as(target)
    assert window.files.saving
    assert window.close()
    assert boxes["question"] == [] and not window.files.saving
    assert load_project(target).keypoint("b").name == "saved on close"


def test_a_save_failing_while_closing_keeps_the_window_open(qtbot, window, tmp_path, monkeypatch, boxes) -> None:
    patch_save(monkeypatch, delay=0.2, error="the folder is read-only: choose another one")
    rename(window, "kept")
    assert window.files.save_as(tmp_path / "readonly.marionette")
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Cancel))
    assert not window.close()
    assert window.isVisible() and window.files.is_modified
    assert boxes["critical"] == ["the folder is read-only: choose another one. Nothing on disk was overwritten "
                                 "and your changes are still open; use Save As to save elsewhere."]


def test_saving_from_the_window_keeps_region_rig_and_capture_bindings(qtbot, window, tmp_path, boxes) -> None:
    from studio.core.project_file import load_project
    from studio.core.rig import Stick, StiffArea

    project = window.session.project
    ids = [kp.id for kp in project.keypoints]
    project.region_png = window_region_png(project.width, project.height)
    project.stiff_areas = (StiffArea(10.0, 12.0, 5.0, 0.5),)
    project.sticks = (Stick(ids[0], ids[1]),)
    project.capture = project.capture.__class__("face", {ids[0]: 4}, ())
    assert window.files.save()
    assert window.files.wait_for_saves()
    saved = load_project(window.session.path)
    assert saved.region_png is not None
    assert saved.stiff_areas == project.stiff_areas
    assert saved.sticks == project.sticks
    assert saved.capture.landmarks == {ids[0]: 4}


def window_region_png(width: int, height: int) -> bytes:
    """A matte PNG covering the left half of the image."""
    import numpy as np

    from studio.engine.region import encode_region

    matte = np.zeros((height, width), np.uint8)
    matte[:, : width // 2] = 255
    return encode_region(matte)
