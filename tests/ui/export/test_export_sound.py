"""The Export dialog's audio choice: the project's sound by default (in sync), another file, or none."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from studio.core.audio import Sound
from studio.plugins.api import builtin_registry
from studio.ui.export.export_dialog import ExportDialog
from studio.ui.session import Session
from tests.jobs.test_export_sound import click_wav
from tests.ui.export.test_export_dialog import DONE_MS, tiny_project


def make_dialog(qtbot, tmp_path: Path, sound: bool) -> ExportDialog:
    project = tiny_project()
    if sound:
        project.sound = Sound(click_wav(0.25, seconds=1.0), "click.wav", ".wav", offset=3)  # click at frame 6
    dialog = ExportDialog(None, Session(project, tmp_path / "shot.marionette"), builtin_registry)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def export(qtbot, dialog: ExportDialog) -> Path:
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running, timeout=DONE_MS)
    assert dialog.outcome == "succeeded", dialog.error_text
    return Path(dialog.form.target_edit.text())


def click_seconds(path: Path) -> float | None:
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        frames = list(container.decode(stream))
        samples = np.concatenate([frame.to_ndarray()[0] for frame in frames])
        return frames[0].time + int(np.argmax(np.abs(samples) > 0.3)) / stream.rate


def test_the_project_sound_is_the_default_and_lands_in_sync(qtbot, tmp_path):
    dialog = make_dialog(qtbot, tmp_path, sound=True)
    assert dialog.form.audio_combo.currentData() == "project"
    assert abs(click_seconds(export(qtbot, dialog)) - 6 / 12) < 1024 / 48000


def test_none_drops_the_sound(qtbot, tmp_path):
    dialog = make_dialog(qtbot, tmp_path, sound=True)
    dialog.form.audio_combo.setCurrentIndex(dialog.form.audio_combo.findData("none"))
    assert click_seconds(export(qtbot, dialog)) is None


def test_a_file_replaces_the_project_sound_and_without_a_sound_none_is_the_default(qtbot, tmp_path):
    dialog = make_dialog(qtbot, tmp_path, sound=False)
    assert dialog.form.audio_combo.currentData() == "none"
    other = tmp_path / "other.wav"
    other.write_bytes(click_wav(0.1, seconds=1.0))
    dialog.form.audio_edit.setText(str(other))
    assert dialog.form.audio_combo.currentData() == "file"
    assert abs(click_seconds(export(qtbot, dialog)) - 0.1) < 1024 / 48000
