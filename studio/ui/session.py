"""The editing session: one open project, its undo stack, the current frame and the selection.

A QObject that bridges the plain-Python document signals into Qt signals, so views connect
``_on_<what>_changed`` handlers to it. Every view receives the session in ``__init__``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.core.edits import Edit
from studio.core.project import Project
from studio.core.undo import UndoStack


class Session(QObject):
    """Shared editing state for all views of the main window."""

    project_replaced = Signal()
    document_changed = Signal(str)
    frame_changed = Signal(int)
    selection_changed = Signal()
    undo_changed = Signal()
    auto_key_changed = Signal(bool)

    def __init__(self, project: Project, path: Path | None = None) -> None:
        super().__init__()
        self.project = project
        self.undo = UndoStack(project)
        self.path = path
        self.current_frame = project.timing.start
        self.selected_ids: list[str] = []
        self.auto_key = True
        self._attach()

    def _attach(self) -> None:
        self.project.changed.connect(self.document_changed.emit)
        self.undo.changed.connect(self.undo_changed.emit)

    def replace_project(self, project: Project, path: Path | None) -> None:
        """Switch to another project (New, Open, Recover): fresh undo stack, frame at range start."""
        self.project.changed.disconnect(self.document_changed.emit)
        self.project = project
        self.undo = UndoStack(project)
        self.path = path
        self.current_frame = project.timing.start
        self.selected_ids = []
        self._attach()
        self.project_replaced.emit()
        self.undo_changed.emit()
        self.frame_changed.emit(self.current_frame)
        self.selection_changed.emit()

    def push(self, edit: Edit) -> None:
        """Apply an edit through the undo stack."""
        self.undo.push(edit)

    def finish_gesture(self) -> None:
        """A drag ended: the next edit starts a new undo step."""
        self.undo.close_merge()

    def set_frame(self, frame: int) -> None:
        """Move the playhead (clamped to the frame range)."""
        timing = self.project.timing
        frame = max(timing.start, min(int(frame), timing.end))
        if frame != self.current_frame:
            self.current_frame = frame
            self.frame_changed.emit(frame)

    def set_selection(self, ids: list[str]) -> None:
        """Select keypoints by id (unknown ids are dropped)."""
        known = {kp.id for kp in self.project.keypoints}
        ids = [i for i in ids if i in known]
        if ids != self.selected_ids:
            self.selected_ids = ids
            self.selection_changed.emit()

    def set_auto_key(self, enabled: bool) -> None:
        """Turn auto-key on or off (moving a handle at frame t writes a key at t)."""
        if enabled != self.auto_key:
            self.auto_key = enabled
            self.auto_key_changed.emit(enabled)

    @property
    def is_modified(self) -> bool:
        """True when there are unsaved changes."""
        return not self.undo.is_clean()
