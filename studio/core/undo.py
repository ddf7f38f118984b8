"""The undo stack: a list of applied edits and a cursor. Knows nothing of windows or selection.

The history is bounded (``limit`` steps, default 500, or ``MARIONETTE_UNDO_LIMIT``): the oldest steps drop
off, so a long session's memory stays flat.
"""

from __future__ import annotations

import os

from studio.core.edits import Edit, Macro
from studio.core.events import Signal
from studio.core.project import Project

DEFAULT_UNDO_LIMIT = 500


def default_undo_limit() -> int:
    """The undo depth: MARIONETTE_UNDO_LIMIT when it is a positive integer, else DEFAULT_UNDO_LIMIT."""
    value = os.environ.get("MARIONETTE_UNDO_LIMIT", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_UNDO_LIMIT


class UndoStack:
    """Applies edits to one project and undoes/redoes them; announces changes via ``changed``."""

    def __init__(self, project: Project, limit: int | None = None) -> None:
        self.project = project
        self.limit = limit or default_undo_limit()
        self.dropped = 0
        self._edits: list[Edit] = []
        self._index = 0
        self._clean_index: int | None = 0
        self._macro: list[Edit] | None = None
        self._macro_text = ""
        self._merge_open = True
        self.changed = Signal()

    @property
    def index(self) -> int:
        """How many edits are currently applied."""
        return self._index

    def texts(self) -> list[str]:
        """Descriptions of every edit on the stack, oldest first."""
        return [e.text for e in self._edits]

    def can_undo(self) -> bool:
        """True when there is an edit to undo."""
        return self._index > 0

    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        return self._index < len(self._edits)

    def is_clean(self) -> bool:
        """True when the project matches its last save."""
        return self._clean_index == self._index

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        self._clean_index = self._index
        self.changed.emit()

    def push(self, edit: Edit) -> None:
        """Apply an edit and record it (merging into the previous one when their merge keys match)."""
        edit.apply(self.project)
        if self._macro is not None:
            self._macro.append(edit)
            return
        del self._edits[self._index:]
        if self._clean_index is not None and self._clean_index > self._index:
            self._clean_index = None
        top = self._edits[-1] if self._edits else None
        mergeable = (self._merge_open and top is not None and edit.merge_key is not None
                     and top.merge_key == edit.merge_key and self._clean_index != self._index)
        if not (mergeable and top.merge(edit)):
            self._edits.append(edit)
            self._index += 1
            self._drop_oldest()
        self._merge_open = True
        self.changed.emit()

    def _drop_oldest(self) -> None:
        """Forget the oldest steps beyond ``limit`` (``dropped`` counts them); a saved state that falls off can
        no longer be reached."""
        excess = len(self._edits) - self.limit
        if excess <= 0:
            return
        del self._edits[:excess]
        self.dropped += excess
        self._index -= excess
        if self._clean_index is not None:
            self._clean_index = self._clean_index - excess if self._clean_index >= excess else None

    def close_merge(self) -> None:
        """End the current merge run (a drag was released): the next edit starts a new undo step."""
        self._merge_open = False

    def begin_macro(self, text: str) -> None:
        """Start grouping the following pushes into one undo step."""
        self._macro = []
        self._macro_text = text

    def end_macro(self) -> None:
        """Finish the group; an empty group records nothing."""
        edits, self._macro = self._macro or [], None
        if edits:
            macro = Macro(edits, self._macro_text)
            del self._edits[self._index:]
            self._edits.append(macro)
            self._index += 1
            self._drop_oldest()
            self.changed.emit()

    def undo(self) -> None:
        """Revert the last applied edit."""
        if self.can_undo():
            self._index -= 1
            self._edits[self._index].revert(self.project)
            self._merge_open = False
            self.changed.emit()

    def redo(self) -> None:
        """Re-apply the next undone edit."""
        if self.can_redo():
            self._edits[self._index].apply(self.project)
            self._index += 1
            self._merge_open = False
            self.changed.emit()

    def set_index(self, index: int) -> None:
        """Undo or redo until ``index`` edits are applied (clicking in the history)."""
        index = max(0, min(index, len(self._edits)))
        while self._index > index:
            self.undo()
        while self._index < index:
            self.redo()
