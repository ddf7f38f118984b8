"""Parents in the Keypoints panel (the Parent column, drag a row onto another) and the face preset's head."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

from studio.core.keypoints import Keypoint
from studio.core.project_file import project_to_dict
from studio.core.rig_edits import set_parent
from studio.ui.keypoints import face_placement
from studio.ui.keypoints.keypoints_panel import NO_PARENT, PARENT, KeypointsPanel, ParentDelegate
from studio.ui.session import Session
from tests.ui.conftest import make_project


@pytest.fixture
def panel(qtbot) -> KeypointsPanel:
    panel = KeypointsPanel(Session(make_project()))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def cell(panel: KeypointsPanel, row: int, column: int):
    return panel.proxy.index(row, column)


def test_parent_column_shows_and_sets_the_parent_as_one_undo_step(panel) -> None:
    session = panel.session
    before = project_to_dict(session.project)
    assert panel.proxy.headerData(PARENT, Qt.Orientation.Horizontal) == "Parent"
    assert cell(panel, 2, PARENT).data() == NO_PARENT
    assert panel.proxy.setData(cell(panel, 2, PARENT), "a")
    assert session.project.keypoint("c").parent == "a"
    assert cell(panel, 2, PARENT).data() == "alpha"
    assert session.undo.texts() == ["Parent gamma to alpha"]
    assert panel.proxy.setData(cell(panel, 2, PARENT), "")
    assert session.project.keypoint("c").parent is None
    session.undo.undo()
    session.undo.undo()
    assert project_to_dict(session.project) == before


def test_parent_combo_lists_the_other_keypoints_and_writes_the_choice(panel) -> None:
    delegate = ParentDelegate(panel.session, panel)
    index = cell(panel, 1, PARENT)
    editor = delegate.createEditor(panel.table.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == [NO_PARENT, "alpha", "gamma"]
    editor.setCurrentIndex(editor.findText("gamma"))
    delegate.setModelData(editor, panel.proxy, index)
    assert panel.session.project.keypoint("b").parent == "c"


def test_a_loop_is_refused_with_a_message(panel, qtbot) -> None:
    session = panel.session
    session.push(set_parent(session.project, ["c"], "b", 0))
    with qtbot.waitSignal(panel.message) as blocker:
        assert not panel.proxy.setData(cell(panel, 1, PARENT), "c")
    assert "loop" in blocker.args[0]
    assert session.project.keypoint("b").parent is None


def test_dropping_rows_on_a_row_parents_them(panel) -> None:
    session = panel.session
    data = panel.proxy.mimeData([cell(panel, 1, 0), cell(panel, 2, 0)])
    assert panel.proxy.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, cell(panel, 0, 0))
    assert [kp.parent for kp in session.project.keypoints] == [None, "a", "a"]
    assert session.undo.texts() == ["Parent 2 keypoints to alpha"]
    assert not panel.proxy.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, panel.proxy.index(-1, -1))
    assert session.undo.index == 1


def test_auto_placed_face_keypoints_get_a_head_parent(monkeypatch) -> None:
    points = [("chin", 40.0, 80.0), ("nose", 40.0, 50.0), ("brow_l", 20.0, 30.0)]
    monkeypatch.setattr("studio.capture.face_preset.place_face_keypoints", lambda image: points)
    keypoints: list[Keypoint] = face_placement.detect_face_keypoints(make_project().source_png)
    head, *face = keypoints
    assert head.name == "head" and head.parent is None
    assert [kp.parent for kp in face] == [head.id] * 3
