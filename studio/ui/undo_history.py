"""The undo history panel: every edit on the stack, the current one highlighted; click to jump there."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from studio.ui.session import Session

ORIGIN_TEXT = "Opened"


class UndoHistoryView(QListWidget):
    """Row 0 is the state the project was opened in; row i is after the i-th edit.

    Rows after the current index are undone edits (shown dimmed); clicking a row undoes or redoes
    until that many edits are applied (``UndoStack.set_index``).
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoHistory")
        self.session = session
        self._refreshing = False
        session.undo_changed.connect(self._on_undo_changed)
        session.project_replaced.connect(self._on_undo_changed)
        self.currentRowChanged.connect(self._on_row_chosen)
        self._on_undo_changed()

    def _on_undo_changed(self) -> None:
        undo = self.session.undo
        texts = [ORIGIN_TEXT, *undo.texts()]
        self._refreshing = True
        if self.count() != len(texts) or [self.item(i).text() for i in range(self.count())] != texts:
            self.clear()
            for text in texts:
                self.addItem(QListWidgetItem(text))
        for row in range(self.count()):
            item = self.item(row)
            undone = row > undo.index
            item.setForeground(self.palette().placeholderText() if undone else self.palette().text())
            font = item.font()
            font.setItalic(undone)
            item.setFont(font)
        self.setCurrentRow(undo.index)
        self.scrollToItem(self.item(undo.index), QListWidget.ScrollHint.EnsureVisible)
        self._refreshing = False

    def _on_row_chosen(self, row: int) -> None:
        if self._refreshing or row < 0:
            return
        self.session.undo.set_index(row)
        self.session.finish_gesture()
