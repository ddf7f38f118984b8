"""The export dialog and the capture dock are reachable from the main window."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDockWidget


def test_export_action_opens_the_export_dialog(qtbot, window) -> None:
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    window.export_action.trigger()
    dialog = window.findChild(QDialog, "exportDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.close()


def test_capture_dock_is_in_the_window(window) -> None:
    dock = window.findChild(QDockWidget, "capturePanel") or window.capture_panel
    assert dock is not None
    assert any(action.text().replace("&", "") == "Capture" for action in window.menuBar().actions())


def test_paused_link_leaves_the_preview_to_live_puppet(window) -> None:
    link = window.preview_link
    before = link.last_seq
    link.paused = True
    window.session.set_frame(window.session.current_frame + 1)
    assert link.request() == before
    link.paused = False
    assert link.request() > before
