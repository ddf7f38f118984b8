"""Renaming a keypoint in place: a small line editor over the handle's name label on the canvas."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class NameEditor(QLineEdit):
    """Edits one keypoint's name: Return or clicking elsewhere commits, Escape cancels.

    ``committed(keypoint_id, name)`` fires once per edit with the stripped new name (only when it is
    non-empty and different from the old one).
    """

    committed = Signal(str, str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("keypointNameEditor")
        self.keypoint_id: str | None = None
        self._old = ""
        self.hide()
        self.returnPressed.connect(self._commit)

    def start(self, keypoint_id: str, name: str, at: QPoint) -> None:
        """Show the editor with ``name`` selected, its top-left at ``at`` (parent coordinates)."""
        self.keypoint_id, self._old = keypoint_id, name
        self.setText(name)
        self.selectAll()
        self.setMinimumWidth(max(120, self.fontMetrics().horizontalAdvance(name) + 24))
        self.adjustSize()
        self.move(at)
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel(self) -> None:
        """Close without renaming."""
        self.keypoint_id = None
        had_focus = self.hasFocus()
        self.hide()
        if had_focus:
            self.parentWidget().setFocus()

    def _commit(self) -> None:
        kp_id, name = self.keypoint_id, self.text().strip()
        self.cancel()
        if kp_id is not None and name and name != self._old:
            self.committed.emit(kp_id, name)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape cancels; everything else edits the text."""
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Clicking elsewhere keeps what was typed."""
        super().focusOutEvent(event)
        if self.keypoint_id is not None:
            self._commit()
