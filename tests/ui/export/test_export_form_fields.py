"""The Export form says why a field is off, offers transparency only where the format has alpha, warns about
upscaling, and shows the length of what is exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from studio.ui.export.export_dialog import ExportDialog
from studio.ui.export.export_form import ExportForm
from studio.ui.session import Session
from tests.ui.export.test_export_dialog import DONE_MS, HEIGHT, WIDTH, tiny_project


@pytest.fixture
def form(qtbot, tmp_path: Path) -> ExportForm:
    form = ExportForm(Session(tiny_project(), tmp_path / "shot.marionette"))
    qtbot.addWidget(form)
    form.show()
    return form


def test_fields_off_for_a_format_say_why(form: ExportForm) -> None:
    form.set_format("gif")
    for widget in (form.crf_spin, form.audio_edit, form.audio_button, form.audio_clear_button):
        assert not widget.isEnabled()
        assert "Animated GIF" in widget.toolTip()
    assert "CRF" in form.crf_spin.toolTip()
    assert "sound" in form.audio_edit.toolTip()
    assert "off" in form.shutter_spin.toolTip()
    form.set_format("mp4")
    assert form.crf_spin.isEnabled() and form.crf_spin.toolTip() == ""


def test_mp4_offers_no_transparent_background(form: ExportForm) -> None:
    assert form.current_format().key == "mp4"
    assert not form.transparent_radio.isEnabled()
    assert "no alpha" in form.transparent_radio.toolTip()
    assert form.colour_radio.isChecked()
    assert form.settings().background == (0x20, 0x24, 0x2A)
    form.set_format("webm")
    assert form.transparent_radio.isEnabled() and form.transparent_radio.isChecked()
    assert form.settings().background is None
    form.set_colour(QColor("#102030"))
    form.set_format("mp4")
    form.set_format("png-sequence")
    assert form.colour_radio.isChecked(), "a colour the user chose stays chosen"


def test_upscaling_past_the_source_warns_in_the_dialog(form: ExportForm) -> None:
    assert not form.size_warning.isVisible()
    form.width_spin.setValue(WIDTH * 2)
    assert form.size_warning.isVisible()
    assert f"{WIDTH}×{HEIGHT}" in form.size_warning.text() and "upscaled" in form.size_warning.text()
    form.width_spin.setValue(WIDTH // 2)
    assert not form.size_warning.isVisible()


def test_length_matches_frames_and_rate_of_the_export(form: ExportForm) -> None:
    assert form.length_label.text() == "12 frames · 1.00 s at 12 fps"
    form.end_spin.setValue(5)
    assert form.length_label.text() == "6 frames · 0.50 s at 12 fps"
    form.fps_spin.setValue(24.0)
    assert form.length_label.text() == "11 frames · 0.46 s at 24 fps"


def test_a_quick_export_reports_its_real_length_and_time(qtbot, tmp_path: Path) -> None:
    dialog = ExportDialog(None, Session(tiny_project(), tmp_path / "shot.marionette"), _registry)
    qtbot.addWidget(dialog)
    dialog.form.set_format("gif")
    dialog.form.end_spin.setValue(2)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.is_running, timeout=DONE_MS)
    text = dialog.status_label.text()
    assert text.startswith("Exported 3 frames · 0.25 s at 12 fps in "), text
    assert text.endswith(" s."), "a quick export shows tenths of a second, not 0:00"


def _registry():
    from studio.plugins.api import builtin_registry

    return builtin_registry()
