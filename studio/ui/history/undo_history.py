"""The undo history panel: every edit on the stack, the current one highlighted; click to jump there."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from studio.core.undo import UndoStack
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
        self.setUniformItemSizes(True)  # a long history must not be re-measured row by row on every edit
        self.session = session
        self._refreshing = False
        self._stack: UndoStack | None = None
        self._texts: list[str] = []
        self._dropped = 0
        self._styled_index = 0
        session.undo_changed.connect(self._on_undo_changed)
        session.project_replaced.connect(self._on_undo_changed)
        self.currentRowChanged.connect(self._on_row_chosen)
        self._on_undo_changed()

    def _on_undo_changed(self) -> None:
        """Update only the rows that changed: a long history must not make every edit cost a full rebuild."""
        undo = self.session.undo
        texts = [ORIGIN_TEXT, *undo.texts()]
        self._refreshing = True
        if undo is not self._stack:
            self.clear()
            self._stack, self._texts, self._dropped, self._styled_index = undo, [], undo.dropped, 0
        self._drop_rows(undo.dropped - self._dropped)
        same = next((row for row, (a, b) in enumerate(zip(self._texts, texts, strict=False)) if a != b),
                    min(len(self._texts), len(texts)))
        while self.count() > same:
            self.takeItem(self.count() - 1)
        for text in texts[same:]:
            self.addItem(QListWidgetItem(text))
        self._texts = texts
        low, high = sorted((self._styled_index, undo.index))
        for row in sorted({*range(low + 1, high + 1), *range(same, len(texts))}):
            self._style(row, undone=row > undo.index)
        self._styled_index = undo.index
        self.setCurrentRow(undo.index)
        self.scrollToItem(self.item(undo.index), QListWidget.ScrollHint.EnsureVisible)
        self._refreshing = False

    def _drop_rows(self, count: int) -> None:
        """Remove the rows of the oldest steps the stack forgot (its undo limit); row 0 stays."""
        for _ in range(min(count, len(self._texts) - 1)):
            self.takeItem(1)
        del self._texts[1:1 + count]
        self._dropped += count
        self._styled_index = max(self._styled_index - count, 0)

    def _style(self, row: int, undone: bool) -> None:
        item = self.item(row)
        item.setForeground(self.palette().placeholderText() if undone else self.palette().text())
        font = item.font()
        font.setItalic(undone)
        item.setFont(font)

    def _on_row_chosen(self, row: int) -> None:
        if self._refreshing or row < 0:
            return
        self.session.undo.set_index(row)
        self.session.finish_gesture()
