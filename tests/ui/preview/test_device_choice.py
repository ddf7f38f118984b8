"""Choosing a device the machine lacks: listed but disabled; a forced switch reverts and the preview keeps going."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtCore import Qt

from tests.ui.conftest import wait_for_frame

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")


def _cuda_row(window) -> int:
    return window.device_combo.findText("cuda")


def test_missing_devices_are_listed_disabled_with_the_reason(qtbot, window) -> None:
    model = window.device_combo.model()
    qtbot.waitUntil(lambda: not model.item(_cuda_row(window)).isEnabled(), timeout=30000)
    tooltip = model.item(_cuda_row(window)).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == "Not available: no CUDA GPU was found on this computer"
    assert model.item(window.device_combo.findText("cpu")).isEnabled()
    assert model.item(window.device_combo.findText("auto")).isEnabled()


def test_a_failed_device_switch_reverts_and_keeps_previewing(qtbot, window) -> None:
    wait_for_frame(qtbot, window, window.session.current_frame)
    qtbot.waitUntil(lambda: "CPU" in window.device_label.text(), timeout=30000)
    steps = window.session.undo.index
    messages: list[str] = []
    window.preview_link.error.connect(messages.append)
    window.device_combo.setCurrentIndex(_cuda_row(window))  # as if chosen before the list was checked
    window._on_device_chosen(_cuda_row(window))
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    assert len(messages) == 1 and messages[0].startswith(
        "CUDA is not available: no CUDA GPU was found on this computer. The preview keeps rendering on CPU (")
    assert window.device_combo.currentText() == "cpu" == window.session.project.render.device
    assert window.session.undo.index == steps and not window.files.is_modified
    window.session.set_frame(5)
    wait_for_frame(qtbot, window, 5)
    assert "CPU" in window.device_label.text()


def test_choosing_a_device_is_not_an_undo_step(qtbot, window) -> None:
    steps = window.session.undo.index
    window.device_combo.setCurrentIndex(window.device_combo.findText("auto"))
    window._on_device_chosen(window.device_combo.currentIndex())
    assert window.session.project.render.device == "auto"
    assert window.session.undo.index == steps and not window.session.undo.can_undo()


def test_a_project_saved_for_cuda_opens_and_previews_on_this_machine(qtbot, project, tmp_path) -> None:
    from studio.plugins.api import builtin_registry
    from studio.ui.main_window import MainWindow

    project.render = project.render.with_changes(device="cuda")
    window = MainWindow(project, tmp_path / "shot.marionette", registry_factory=builtin_registry)
    window.show()
    window.start()
    try:
        qtbot.waitUntil(lambda: window.preview.shown_seq > 0, timeout=30000)
        assert window.session.project.render.device == "auto" == window.device_combo.currentText()
        assert not window.session.undo.can_undo()
    finally:
        window.shutdown()
        window.hide()
        window.deleteLater()
