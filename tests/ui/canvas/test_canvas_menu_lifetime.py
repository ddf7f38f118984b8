"""A keypoint's context menu is deleted after it closes, so right-clicks do not pile menus up on the canvas."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from tests.ui.conftest import flush_deletions


def close_popup(shown: list[int]) -> None:
    popup = QApplication.activePopupWidget()
    if popup is None:
        QTimer.singleShot(20, lambda: close_popup(shown))
        return
    shown.append(len(popup.actions()))
    popup.close()


def test_each_right_click_menu_is_deleted_after_it_closes(qtbot, window) -> None:
    shown: list[int] = []
    canvas = window.canvas
    point = canvas.mapFromScene(canvas.handles["b"].pos())
    for _ in range(3):
        QTimer.singleShot(20, lambda: close_popup(shown))
        canvas.contextMenuEvent(QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, canvas.mapToGlobal(point)))
    assert len(shown) == 3 and shown[0] > 0
    flush_deletions()
    assert canvas.findChildren(QMenu) == []
