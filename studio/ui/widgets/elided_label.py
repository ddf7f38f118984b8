"""A one-line label that elides its text instead of asking for more room (long lists never widen a window)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """Shows as much of its text as fits, ending in "…"; the tooltip carries the full text when cut."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def full_text(self) -> str:
        """The text as set, before eliding."""
        return self._full_text

    def setText(self, text: str) -> None:
        """Set the full text; what is shown is elided to the current width."""
        self._full_text = text
        self._elide()

    def minimumSizeHint(self) -> QSize:
        """No minimum width: the layout decides how much of the text shows."""
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        """Ask for a modest width whatever the text's length."""
        hint = super().sizeHint()
        return QSize(min(hint.width(), 240), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Re-elide to the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full_text, Qt.TextElideMode.ElideRight, max(0, self.width()))
        super().setText(shown)
        self.setToolTip(self._full_text if shown != self._full_text else "")
