"""The Keypoints panel: every keypoint's name, colour and radius in a filterable table, edited in place.

Edits go through the session's undo stack (``ChangeKeypoint``, one step each); the selection is the
session's, shared with the canvas, the timeline and the curve editor.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.core.edits import ChangeKeypoint
from studio.ui.session import Session

NAME, COLOUR, RADIUS = range(3)
HEADERS = ("Name", "Colour", "Radius")
ModelIndex = QModelIndex | QPersistentModelIndex


class KeypointsModel(QAbstractTableModel):
    """The session's keypoints as table rows (document order); ``message(str)`` explains a refused edit."""

    message = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._ids = self._current_ids()
        session.document_changed.connect(self._on_document_changed)
        session.project_replaced.connect(self._reset)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """One row per keypoint."""
        return 0 if parent.isValid() else len(self.session.project.keypoints)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Name, colour and radius."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def keypoint_id(self, row: int) -> str:
        """The id of the keypoint on a row."""
        return self.session.project.keypoints[row].id

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, edit values and the colour swatch of a cell."""
        if not index.isValid():
            return None
        keypoint = self.session.project.keypoints[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == RADIUS:
                return round(keypoint.radius, 1) if role == Qt.ItemDataRole.EditRole else f"{keypoint.radius:.1f}"
            return keypoint.name if column == NAME else keypoint.color
        if role == Qt.ItemDataRole.DecorationRole and column == COLOUR:
            return QColor(keypoint.color)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == RADIUS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Every cell is selectable and editable."""
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Change a keypoint through the undo stack (a bad value is refused with a message)."""
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        field = ("name", "color", "radius")[index.column()]
        if isinstance(value, str):
            value = value.strip()
        before = self.session.project.keypoints[index.row()]
        try:
            after = before.with_changes(**{field: float(value) if field == "radius" else str(value)})
        except (TypeError, ValueError) as error:
            self.message.emit(f"{before.name} not changed: {error}")
            return False
        if after != before:
            self.session.push(ChangeKeypoint(before, after))
            self.session.finish_gesture()
        return True

    def _current_ids(self) -> list[str]:
        return [kp.id for kp in self.session.project.keypoints]

    def _on_document_changed(self, what: str) -> None:
        if what != "keypoints":
            return
        if self._current_ids() == self._ids and self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(HEADERS) - 1))
        else:
            self._reset()

    def _reset(self) -> None:
        """Rebuild every row (keypoints were added, removed or reordered, or another project opened)."""
        self.beginResetModel()
        self._ids = self._current_ids()
        self.endResetModel()


class RadiusDelegate(QStyledItemDelegate):
    """Edits a radius with a spin box that reaches the image's longer side."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> QWidget:
        """A spin box from 1 px to the image's longer side."""
        editor = QDoubleSpinBox(parent)
        project = self.session.project
        editor.setRange(1.0, float(max(project.width, project.height)))
        editor.setDecimals(1)
        editor.setSuffix(" px")
        return editor


class KeypointsPanel(QWidget):
    """A filter box over the keypoints table; selecting rows selects the keypoints everywhere.

    ``message(str)`` repeats refused edits for the status bar.
    """

    message = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keypointsPanel")
        self.session = session
        self.model = KeypointsModel(session)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(NAME)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("keypointFilter")
        self.filter_edit.setPlaceholderText("Filter by name")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self._syncing = False
        self.table = self._build_table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table)
        self.model.message.connect(self.message)
        self.model.modelReset.connect(self._on_selection_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_rows_selected)
        session.selection_changed.connect(self._on_selection_changed)
        self._on_selection_changed()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("keypointsTable")
        table.setModel(self.proxy)
        table.setItemDelegateForColumn(RADIUS, RadiusDelegate(self.session, table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLOUR, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RADIUS, QHeaderView.ResizeMode.ResizeToContents)
        return table

    def _on_filter_changed(self, text: str) -> None:
        self._syncing = True
        self.proxy.setFilterFixedString(text)
        self._syncing = False
        self._on_selection_changed()

    def _on_rows_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._syncing:
            return
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        hidden = {kp_id for kp_id in self.session.selected_ids if not self._shown(kp_id)}
        chosen = {self.model.keypoint_id(row) for row in rows} | hidden
        self.session.set_selection([kp.id for kp in self.session.project.keypoints if kp.id in chosen])

    def _shown(self, keypoint_id: str) -> bool:
        """Whether the filter lets this keypoint's row through."""
        row = self.session.project.index_of(keypoint_id)
        return self.proxy.mapFromSource(self.model.index(row, 0)).isValid()

    def _on_selection_changed(self) -> None:
        chosen = set(self.session.selected_ids)
        selection = QItemSelection()
        for row in range(self.model.rowCount()):
            if self.model.keypoint_id(row) in chosen:
                left = self.proxy.mapFromSource(self.model.index(row, 0))
                right = self.proxy.mapFromSource(self.model.index(row, len(HEADERS) - 1))
                if left.isValid():
                    selection.select(left, right)
        self._syncing = True
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._syncing = False
        if not selection.isEmpty():
            self.table.scrollTo(selection.indexes()[0])
