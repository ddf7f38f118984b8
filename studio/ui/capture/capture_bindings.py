"""The bindings table: one row per project keypoint, with the tracker landmark that drives it (blank = unbound)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from studio.capture.retarget import Binding
from studio.core.keypoints import Keypoint

KEYPOINT_COLUMN, LANDMARK_COLUMN = 0, 1


class BindingsTable(QTableWidget):
    """Keypoint -> landmark index. The landmark cell is typed into (a whole number, blank to unbind) or set by
    ``bind_selected``. ``bindings_changed()`` fires after every change; ``message(str)`` explains a refused entry.
    """

    bindings_changed = Signal()
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("captureBindings")
        self.setHorizontalHeaderLabels(["Keypoint", "Landmark"])
        self.horizontalHeader().setSectionResizeMode(KEYPOINT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(LANDMARK_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._ids: list[str] = []
        self._landmarks: dict[str, int] = {}
        self._filling = False
        self.itemChanged.connect(self._on_item_changed)

    def set_keypoints(self, keypoints: Sequence[Keypoint]) -> None:
        """Show these keypoints, keeping the landmarks of the ones still present."""
        self._ids = [kp.id for kp in keypoints]
        self._landmarks = {i: m for i, m in self._landmarks.items() if i in self._ids}
        self._filling = True
        self.setRowCount(len(keypoints))
        for row, keypoint in enumerate(keypoints):
            name = QTableWidgetItem(keypoint.name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setData(Qt.ItemDataRole.UserRole, keypoint.id)
            self.setItem(row, KEYPOINT_COLUMN, name)
            landmark = self._landmarks.get(keypoint.id)
            self.setItem(row, LANDMARK_COLUMN, QTableWidgetItem("" if landmark is None else str(landmark)))
        self._filling = False

    def landmarks(self) -> dict[str, int]:
        """Keypoint id -> landmark index for the bound rows."""
        return dict(self._landmarks)

    def bindings(self) -> list[Binding]:
        """The bound rows as retarget Bindings (keypoint = row index in the project's keypoint order)."""
        return [Binding(row, self._landmarks[kp_id]) for row, kp_id in enumerate(self._ids) if kp_id in self._landmarks]

    def set_landmarks(self, landmarks: Mapping[str, int]) -> None:
        """Replace every binding (ids not in the table are ignored)."""
        self._landmarks = {i: int(m) for i, m in landmarks.items() if i in self._ids}
        self._refresh()

    def selected_keypoint(self) -> str | None:
        """The id of the selected row's keypoint."""
        rows = self.selectionModel().selectedRows()
        return self._ids[rows[0].row()] if rows else None

    def bind_selected(self, landmark: int) -> bool:
        """Bind the selected keypoint to ``landmark`` and select the next row; False when no row is selected."""
        kp_id = self.selected_keypoint()
        if kp_id is None:
            return False
        self._landmarks[kp_id] = int(landmark)
        self._refresh()
        self.select_after(kp_id)
        return True

    def select_after(self, kp_id: str) -> None:
        """Select the row after this keypoint's (the next one to bind)."""
        row = self._ids.index(kp_id) if kp_id in self._ids else len(self._ids)
        if row + 1 < len(self._ids):
            self.selectRow(row + 1)

    def _refresh(self) -> None:
        self._filling = True
        for row, kp_id in enumerate(self._ids):
            landmark = self._landmarks.get(kp_id)
            self.item(row, LANDMARK_COLUMN).setText("" if landmark is None else str(landmark))
        self._filling = False
        self.bindings_changed.emit()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != LANDMARK_COLUMN:
            return
        kp_id = self._ids[item.row()]
        text = item.text().strip()
        if not text:
            self._landmarks.pop(kp_id, None)
        elif text.isdigit():
            self._landmarks[kp_id] = int(text)
        else:
            self.message.emit(f"landmark {text!r} is not a landmark number: type a whole number such as 1")
        self._refresh()
