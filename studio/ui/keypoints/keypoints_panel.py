"""The Keypoints panel: every keypoint's name, colour, radius and parent in a filterable table, edited in place.

Edits go through the session's undo stack (``ChangeKeypoint``, one step each; a parent through ``set_parent``,
which keeps the child where it stands); the selection is the session's, shared with the canvas, the timeline
and the curve editor. Dragging rows onto another row parents them to it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from studio.core.errors import UserError
from studio.core.rig_edits import set_parent
from studio.ui.session import Session

NAME, COLOUR, RADIUS, PARENT = range(4)
HEADERS = ("Name", "Colour", "Radius", "Parent")
NO_PARENT = "—"
KEYPOINT_IDS_MIME = "application/x-marionette-keypoint-ids"
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
        """Name, colour, radius and parent."""
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
        if role == Qt.ItemDataRole.UserRole:
            return keypoint.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == PARENT:
                if role == Qt.ItemDataRole.EditRole:
                    return keypoint.parent or ""
                return self.session.project.keypoint(keypoint.parent).name if keypoint.parent else NO_PARENT
            if column == RADIUS:
                return round(keypoint.radius, 1) if role == Qt.ItemDataRole.EditRole else f"{keypoint.radius:.1f}"
            return keypoint.name if column == NAME else keypoint.color
        if role == Qt.ItemDataRole.DecorationRole and column == COLOUR:
            return QColor(keypoint.color)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == RADIUS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Every cell is selectable and editable; rows drag onto rows (parenting)."""
        flags = super().flags(index) | Qt.ItemFlag.ItemIsEditable
        if index.isValid():
            flags |= Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def supportedDropActions(self) -> Qt.DropAction:
        """Dropping a row links it (it is not moved)."""
        return Qt.DropAction.LinkAction | Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        """Dragged rows carry keypoint ids."""
        return [KEYPOINT_IDS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        """The dragged rows' keypoint ids, one per line."""
        ids = list(dict.fromkeys(self.keypoint_id(i.row()) for i in indexes if i.isValid()))
        data = QMimeData()
        data.setData(KEYPOINT_IDS_MIME, "\n".join(ids).encode())
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: ModelIndex) -> bool:
        """Rows dropped on a row are parented to its keypoint (one undo step); drops between rows do nothing."""
        if not parent.isValid() or not data.hasFormat(KEYPOINT_IDS_MIME):
            return False
        ids = [i for i in bytes(data.data(KEYPOINT_IDS_MIME).data()).decode().split("\n") if i]
        target = self.keypoint_id(parent.row())
        return self.set_parent([i for i in ids if i != target], target)

    def set_parent(self, ids: list[str], parent_id: str | None) -> bool:
        """Parent keypoints (None: unparent them) through the undo stack; a loop is refused with a message."""
        if not ids:
            return False
        try:
            edit = set_parent(self.session.project, ids, parent_id, self.session.current_frame)
        except (UserError, KeyError) as error:
            self.message.emit(f"Not parented: {error}")
            return False
        self.session.push(edit)
        self.session.finish_gesture()
        return True

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Change a keypoint through the undo stack (a bad value is refused with a message)."""
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() == PARENT:
            return self.set_parent([self.keypoint_id(index.row())], str(value) or None)
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


class ParentDelegate(QStyledItemDelegate):
    """Edits a parent with a list of the other keypoints (and none)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: ModelIndex) -> QWidget:
        """A combo box: none, then every other keypoint by name (the item data is its id)."""
        editor = QComboBox(parent)
        editor.addItem(NO_PARENT, "")
        own = index.data(Qt.ItemDataRole.UserRole)
        for keypoint in self.session.project.keypoints:
            if keypoint.id != own:
                editor.addItem(keypoint.name, keypoint.id)
        return editor

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        """Start on the current parent."""
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: ModelIndex) -> None:
        """Write the chosen parent's id ("" for none)."""
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


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
        table.setItemDelegateForColumn(PARENT, ParentDelegate(self.session, table))
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        table.setDefaultDropAction(Qt.DropAction.LinkAction)
        table.setDragDropOverwriteMode(True)
        table.setDropIndicatorShown(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLOUR, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RADIUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PARENT, QHeaderView.ResizeMode.ResizeToContents)
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
