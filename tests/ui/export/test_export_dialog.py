"""The Export dialog: real exports through the form (decoded back), cancel, replace prompt, errors in the dialog."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import cv2
import numpy as np
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import QMessageBox

from studio.core.edits import ChangeTiming
from studio.core.keypoints import Keypoint
from studio.core.project import Project, Timing
from studio.core.tracks import Keyframe, Track
from studio.media.image_io import encode_png
from studio.plugins.api import builtin_registry
from studio.ui.export.export_dialog import ExportDialog, open_export_dialog, progress_text
from studio.ui.session import Session
from tests.sound_files import wav_bytes

WIDTH, HEIGHT, FRAMES = 96, 64, 12
DONE_MS = 60000


def tiny_project() -> Project:
    """A generated 96x64 image, 3 keypoints, the first moved by 2 keys, 12 frames at 12 fps, rendered on CPU."""
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    image = np.stack([xx * 255 // WIDTH, yy * 255 // HEIGHT, ((xx ^ yy) * 4) % 256], axis=-1).astype(np.uint8)
    project = Project(encode_png(image), WIDTH, HEIGHT)
    project.keypoints = [
        Keypoint("a", "alpha", "#ff6b6b", 30.0, 20.0, radius=16.0),
        Keypoint("b", "beta", "#4dabf7", 66.0, 20.0, radius=16.0),
        Keypoint("c", "gamma", "#69db7c", 48.0, 46.0, radius=16.0),
    ]
    project.tracks["a"] = Track((Keyframe(0, (30.0, 20.0, 0.0, 1.0)), Keyframe(11, (40.0, 26.0, 0.3, 1.2))))
    project.timing = Timing(fps=12.0, start=0, end=FRAMES - 1)
    project.render = project.render.with_changes(device="cpu")
    return project


class _GatedGenerator:
    """A real generator whose 4th render waits until the test opens the gate (so cancel lands mid-export)."""

    def __init__(self, inner: Any, reached: threading.Event, release: threading.Event) -> None:
        self._inner, self._reached, self._release = inner, reached, release
        self._calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def render(self, *args: Any) -> np.ndarray:
        self._calls += 1
        if self._calls == 4:
            self._reached.set()
            self._release.wait(10)
        return self._inner.render(*args)


class _GatedRegistry:
    def __init__(self, reached: threading.Event, release: threading.Event) -> None:
        self._inner, self._reached, self._release = builtin_registry(), reached, release

    def create_generator(self, *args: Any, **kwargs: Any) -> _GatedGenerator:
        return _GatedGenerator(self._inner.create_generator(*args, **kwargs), self._reached, self._release)


def _make_dialog(qtbot, tmp_path: Path, registry_factory: Any = builtin_registry) -> ExportDialog:
    session = Session(tiny_project(), tmp_path / "shot.marionette")
    dialog = ExportDialog(None, session, registry_factory)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def dialog(qtbot, tmp_path: Path) -> Iterator[ExportDialog]:
    """An Export dialog on the tiny project saved as tmp_path/shot.marionette."""
    export = _make_dialog(qtbot, tmp_path)
    yield export
    if export.is_running:
        export.cancel_export()
        qtbot.waitUntil(lambda: not export.is_running, timeout=DONE_MS)


def _export(qtbot, dialog: ExportDialog) -> None:
    """Click Export and wait for the thread to end."""
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running, timeout=DONE_MS)


def _decode(path: Path) -> tuple[int, int, int, str]:
    """(frame count, width, height, codec name) of a video file."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        return len(frames), frames[0].width, frames[0].height, stream.codec_context.name


def test_defaults_follow_the_project(dialog: ExportDialog, tmp_path: Path) -> None:
    form = dialog.form
    assert dialog.objectName() == "exportDialog"
    assert Path(form.target_edit.text()) == tmp_path / "shot.mp4"
    assert (form.start_spin.value(), form.end_spin.value()) == (0, FRAMES - 1)
    assert (form.width_spin.value(), form.height_spin.value()) == (WIDTH, HEIGHT)
    assert form.fps_spin.value() == 12.0
    assert not form.shutter_spin.isEnabled()
    form.blur_spin.setValue(4)
    assert form.shutter_spin.isEnabled()
    settings = form.settings()
    assert settings.motion_blur == 4 and settings.shutter == 180.0
    assert settings.size is None and settings.audio is None


def test_range_and_rate_follow_timing_edits_the_user_did_not_override(dialog: ExportDialog) -> None:
    session, form = dialog.session, dialog.form
    session.push(ChangeTiming(session.project.timing, Timing(fps=24.0, start=0, end=23)))
    assert (form.start_spin.value(), form.end_spin.value(), form.fps_spin.value()) == (0, 23, 24.0)
    form.end_spin.setValue(5)
    session.push(ChangeTiming(session.project.timing, Timing(fps=30.0, start=0, end=40)))
    assert (form.start_spin.value(), form.end_spin.value(), form.fps_spin.value()) == (0, 5, 30.0)
    session.replace_project(tiny_project(), None)
    assert (form.end_spin.value(), form.fps_spin.value()) == (FRAMES - 1, 12.0)
    assert Path(form.target_edit.text()) == Path.home() / "untitled.mp4"


def test_switching_format_renames_the_target(dialog: ExportDialog, tmp_path: Path) -> None:
    form = dialog.form
    form.set_format("png-sequence")
    assert Path(form.target_edit.text()) == tmp_path / "shot_frames" / "shot_%04d.png"
    form.set_format("gif")
    assert Path(form.target_edit.text()) == tmp_path / "shot.gif"
    form.target_edit.setText(str(tmp_path / "out" / "clip.gif"))
    form.set_format("mov")
    assert Path(form.target_edit.text()) == tmp_path / "out" / "clip.mov"
    assert form.audio_edit.isEnabled() and not form.crf_spin.isEnabled() and not form.columns_spin.isEnabled()
    form.set_format("sprite-sheet")
    assert Path(form.target_edit.text()) == tmp_path / "out" / "clip.png"
    assert form.columns_spin.isEnabled() and not form.audio_edit.isEnabled()


def test_size_keeps_the_aspect_ratio(dialog: ExportDialog) -> None:
    form = dialog.form
    form.width_spin.setValue(48)
    assert form.height_spin.value() == 32
    assert form.settings().size == (48, None)
    form.height_spin.setValue(128)
    assert form.width_spin.value() == 192
    assert form.settings().size == (None, 128)
    form.width_spin.setValue(WIDTH)
    assert form.settings().size is None


def test_background_colour(dialog: ExportDialog) -> None:
    dialog.form.set_format("mov")
    dialog.form.set_colour(QColor("#102030"))
    assert dialog.form.settings().background == (0x10, 0x20, 0x30)
    dialog.form.transparent_radio.setChecked(True)
    assert dialog.form.settings().background is None


def test_mp4_export_through_the_dialog(qtbot, dialog: ExportDialog, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    finished: list[str] = []
    dialog.export_finished.connect(finished.append)
    _export(qtbot, dialog)
    target = tmp_path / "shot.mp4"
    assert dialog.outcome == "succeeded", dialog.error_text
    assert finished == ["succeeded"]
    assert dialog.written == [target]
    assert _decode(target) == (FRAMES, WIDTH, HEIGHT, "h264")
    assert str(target) in dialog.paths_label.text()
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum() == FRAMES
    assert "12 frames" in dialog.status_label.text()
    assert dialog.export_button.isEnabled() and dialog.form.isEnabled()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    assert dialog.open_folder_button.isVisibleTo(dialog)
    dialog.open_folder_button.click()
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]


def test_gif_with_size_and_range(qtbot, dialog: ExportDialog, tmp_path: Path) -> None:
    form = dialog.form
    form.set_format("gif")
    form.width_spin.setValue(48)
    form.start_spin.setValue(2)
    form.end_spin.setValue(9)
    _export(qtbot, dialog)
    assert dialog.outcome == "succeeded", dialog.error_text
    count, width, height, codec = _decode(tmp_path / "shot.gif")
    assert (count, width, height, codec) == (8, 48, 32, "gif")


def test_sprite_sheet_with_columns(qtbot, dialog: ExportDialog, tmp_path: Path) -> None:
    dialog.form.set_format("sprite-sheet")
    dialog.form.columns_spin.setValue(4)
    dialog.form.set_colour(QColor("#ff0000"))
    _export(qtbot, dialog)
    assert dialog.outcome == "succeeded", dialog.error_text
    atlas = cv2.imread(str(tmp_path / "shot.png"), cv2.IMREAD_UNCHANGED)
    assert atlas.shape[:2] == (3 * HEIGHT, 4 * WIDTH)
    frames = json.loads((tmp_path / "shot.json").read_text())["frames"]
    assert len(frames) == FRAMES
    assert set(dialog.written) == {tmp_path / "shot.png", tmp_path / "shot.json"}


def test_png_sequence(qtbot, dialog: ExportDialog, tmp_path: Path) -> None:
    dialog.form.set_format("png-sequence")
    dialog.form.end_spin.setValue(4)
    _export(qtbot, dialog)
    assert dialog.outcome == "succeeded", dialog.error_text
    files = sorted((tmp_path / "shot_frames").iterdir())
    assert [f.name for f in files] == [f"shot_{i:04d}.png" for i in range(5)]
    assert cv2.imread(str(files[0])).shape[:2] == (HEIGHT, WIDTH)
    assert "… and 2 more" in dialog.paths_label.text()


def test_cancel_halfway_leaves_nothing(qtbot, tmp_path: Path) -> None:
    reached, release = threading.Event(), threading.Event()
    dialog = _make_dialog(qtbot, tmp_path, lambda: _GatedRegistry(reached, release))
    dialog.export_button.click()
    try:
        qtbot.waitUntil(reached.is_set, timeout=DONE_MS)
        assert dialog.is_running and not dialog.form.isEnabled()
        qtbot.waitUntil(lambda: "elapsed" in dialog.status_label.text())
        assert dialog.close_button.text() == "Cancel"
        dialog.close_button.click()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not dialog.is_running, timeout=DONE_MS)
    assert dialog.outcome == "cancelled"
    assert "cancelled" in dialog.status_label.text()
    assert list(tmp_path.iterdir()) == []
    assert not dialog.error_label.isVisibleTo(dialog)


def test_closing_during_an_export_cancels_it_first(qtbot, tmp_path: Path) -> None:
    reached, release = threading.Event(), threading.Event()
    dialog = _make_dialog(qtbot, tmp_path, lambda: _GatedRegistry(reached, release))
    dialog.export_button.click()
    try:
        qtbot.waitUntil(reached.is_set, timeout=DONE_MS)
        dialog.close()
        assert dialog.isVisible()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=DONE_MS)
    assert dialog.outcome == "cancelled" and not dialog.is_running
    assert list(tmp_path.iterdir()) == []


def _answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(f"{title} {text}")
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_existing_target_no_keeps_it(qtbot, dialog: ExportDialog, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "shot.mp4"
    target.write_bytes(b"an older export")
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    assert dialog.start_export() is False
    assert len(asked) == 1 and "Replace?" in asked[0] and "shot.mp4" in asked[0]
    assert not dialog.is_running
    assert target.read_bytes() == b"an older export"
    assert "kept" in dialog.status_label.text()


def test_existing_target_yes_replaces_it(qtbot, dialog: ExportDialog, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    dialog.form.set_format("sprite-sheet")
    (tmp_path / "shot.json").write_text("{}")
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    _export(qtbot, dialog)
    assert len(asked) == 1 and "shot.json" in asked[0]
    assert dialog.outcome == "succeeded", dialog.error_text
    assert len(json.loads((tmp_path / "shot.json").read_text())["frames"]) == FRAMES


def test_unwritable_folder_shows_the_error_in_the_dialog(qtbot, dialog: ExportDialog, tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the folder should be")
    dialog.form.target_edit.setText(str(blocker / "clip.mp4"))
    _export(qtbot, dialog)
    assert dialog.outcome == "failed"
    text = dialog.error_label.text()
    assert dialog.error_label.isVisibleTo(dialog)
    assert "not a folder" in text and "\n" not in text and "Traceback" not in text
    assert blocker.read_text() == "a file where the folder should be"
    assert not dialog.open_folder_button.isVisibleTo(dialog)


@pytest.mark.parametrize(("change", "message"), [
    (lambda form: form.end_spin.setValue(-3), "end comes before the start"),
    (lambda form: form.target_edit.setText(""), "Save to field is empty"),
    (lambda form: form.target_edit.setText("/tmp/clip.webm"), "end the name in .mp4"),
    (lambda form: form.audio_edit.setText("/no/such/audio.wav"), "does not exist"),
])
def test_bad_fields_are_refused_before_any_thread_starts(dialog: ExportDialog, change: Any, message: str) -> None:
    change(dialog.form)
    assert dialog.start_export() is False
    assert not dialog.is_running
    assert message in dialog.error_label.text()


def test_progress_text() -> None:
    assert progress_text(0, 12, 1.2) == "Preparing… · 0:01 elapsed"
    assert progress_text(4, 12, 2.0) == "4 / 12 frames · 0:02 elapsed · about 0:04 left"
    assert progress_text(12, 12, 75.0) == "12 / 12 frames · 1:15 elapsed · about 0:00 left"


def test_open_export_dialog_from_the_window(qtbot, window: Any, tmp_path: Path) -> None:
    dialog = open_export_dialog(window)
    assert dialog.objectName() == "exportDialog" and dialog.isVisible()
    assert dialog.session is window.session
    assert open_export_dialog(window) is dialog
    assert Path(dialog.form.target_edit.text()) == tmp_path / "shot.mp4"
    dialog.form.end_spin.setValue(3)
    _export(qtbot, dialog)
    assert dialog.outcome == "succeeded", dialog.error_text
    assert _decode(tmp_path / "shot.mp4")[:3] == (4, 96, 96)
    dialog.close()


def test_edits_during_an_export_do_not_reach_it(qtbot, tmp_path: Path) -> None:
    reference = _make_dialog(qtbot, tmp_path / "a")
    reference.form.set_format("png-sequence")
    _export(qtbot, reference)
    reached, release = threading.Event(), threading.Event()
    dialog = _make_dialog(qtbot, tmp_path / "b", lambda: _GatedRegistry(reached, release))
    dialog.form.set_format("png-sequence")
    dialog.export_button.click()
    try:
        qtbot.waitUntil(reached.is_set, timeout=DONE_MS)
        project = dialog.session.project
        project.tracks["a"] = Track((Keyframe(0, (5.0, 5.0, 1.0, 2.0)),))
        project.keypoints[1] = Keypoint("b", "beta", "#4dabf7", 10.0, 50.0, radius=30.0)
        project.notify("tracks")
    finally:
        release.set()
    qtbot.waitUntil(lambda: not dialog.is_running, timeout=DONE_MS)
    assert dialog.outcome == "succeeded", dialog.error_text
    ours = sorted((tmp_path / "b" / "shot_frames").iterdir())
    theirs = sorted((tmp_path / "a" / "shot_frames").iterdir())
    assert len(ours) == len(theirs) == FRAMES
    for mine, expected in zip(ours, theirs, strict=True):
        assert np.array_equal(cv2.imread(str(mine)), cv2.imread(str(expected)))


def test_mp4_with_an_audio_file(qtbot, dialog: ExportDialog, tmp_path: Path) -> None:
    sound = tmp_path / "sound.wav"
    rate = 16000
    sound.write_bytes(wav_bytes(np.sin(np.arange(2 * rate) * 2 * np.pi * 440 / rate) * 8000 / 32767, rate))
    dialog.form.audio_edit.setText(str(sound))
    dialog.form.start_spin.setValue(6)
    _export(qtbot, dialog)
    assert dialog.outcome == "succeeded", dialog.error_text
    with av.open(str(tmp_path / "shot.mp4")) as container:
        audio = container.streams.audio[0]
        seconds = sum(frame.samples for frame in container.decode(audio)) / audio.rate
    assert seconds == pytest.approx(0.5, abs=0.05)
