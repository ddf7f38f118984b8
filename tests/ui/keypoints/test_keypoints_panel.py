"""The Keypoints panel: rows per keypoint, edits through the undo stack, filter, selection shared with the canvas."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from studio.ui.keypoints.keypoints_panel import COLOUR, NAME, RADIUS, KeypointsPanel
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


def test_rows_show_name_colour_and_radius(panel) -> None:
    assert panel.proxy.rowCount() == 3
    assert [panel.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["Name", "Colour", "Radius"]
    assert cell(panel, 0, NAME).data() == "alpha"
    assert cell(panel, 1, COLOUR).data() == "#4dabf7"
    assert cell(panel, 1, COLOUR).data(Qt.ItemDataRole.DecorationRole).name() == "#4dabf7"
    assert cell(panel, 2, RADIUS).data() == "19.2"


def test_edits_go_through_the_undo_stack_one_step_each(panel) -> None:
    session = panel.session
    assert panel.proxy.setData(cell(panel, 0, NAME), "  chin ")
    assert panel.proxy.setData(cell(panel, 0, RADIUS), 30.0)
    assert panel.proxy.setData(cell(panel, 0, COLOUR), "#00ff00")
    keypoint = session.project.keypoint("a")
    assert (keypoint.name, keypoint.radius, keypoint.color) == ("chin", 30.0, "#00ff00")
    assert session.undo.texts() == ["Rename alpha to chin", "Radius of chin", "Colour of chin"]
    session.undo.undo()
    assert cell(panel, 0, COLOUR).data() == "#ff6b6b"


def test_bad_values_are_refused_with_a_message(qtbot, panel) -> None:
    with qtbot.waitSignal(panel.message) as blocker:
        assert not panel.proxy.setData(cell(panel, 1, COLOUR), "blue")
    assert "beta" in blocker.args[0] and "#RRGGBB" in blocker.args[0]
    assert not panel.proxy.setData(cell(panel, 1, NAME), "   ")
    assert panel.session.undo.index == 0


def test_filter_keeps_matching_names(panel) -> None:
    panel.filter_edit.setText("MM")
    assert panel.proxy.rowCount() == 1 and cell(panel, 0, NAME).data() == "gamma"
    panel.filter_edit.clear()
    assert panel.proxy.rowCount() == 3


def test_selection_is_shared_with_the_session_both_ways(panel) -> None:
    session = panel.session
    session.set_selection(["b", "c"])
    rows = sorted(i.row() for i in panel.table.selectionModel().selectedRows())
    assert rows == [1, 2]
    panel.table.selectRow(0)
    assert session.selected_ids == ["a"]


def test_selecting_while_filtered_keeps_hidden_selected_keypoints(panel) -> None:
    session = panel.session
    session.set_selection(["a"])
    panel.filter_edit.setText("beta")
    panel.table.selectRow(0)
    assert session.selected_ids == ["a", "b"]


def test_the_table_follows_added_and_renamed_keypoints(panel) -> None:
    from studio.core.edits import AddKeypoint, ChangeKeypoint
    from studio.core.keypoints import Keypoint

    session = panel.session
    session.push(AddKeypoint(Keypoint("d", "delta", "#ffffff", 5, 5)))
    assert panel.proxy.rowCount() == 4 and cell(panel, 3, NAME).data() == "delta"
    before = session.project.keypoint("d")
    session.push(ChangeKeypoint(before, before.with_changes(name="nose")))
    assert cell(panel, 3, NAME).data() == "nose"


def test_the_window_docks_the_panel_beside_the_history(qtbot, window) -> None:
    from PySide6.QtWidgets import QDockWidget

    dock = window.findChild(QDockWidget, "keypointsDock")
    assert dock is not None and dock.widget() is window.keypoints_panel
    assert window.dockWidgetArea(dock) == window.dockWidgetArea(window.undo_dock)
    window.session.set_selection(["c"])
    assert [i.row() for i in window.keypoints_panel.table.selectionModel().selectedRows()] == [2]


def test_f2_in_the_table_edits_the_name_in_place(qtbot, panel) -> None:
    from PySide6.QtWidgets import QDoubleSpinBox, QLineEdit

    table = panel.table
    table.setCurrentIndex(cell(panel, 1, NAME))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editors = table.viewport().findChildren(QLineEdit)
    assert len(editors) == 1 and editors[0].text() == "beta"
    editors[0].setText("cheek")
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.session.project.keypoint("b").name == "cheek")
    assert panel.session.undo.texts() == ["Rename beta to cheek"]
    table.setCurrentIndex(cell(panel, 1, RADIUS))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    spin = table.viewport().findChild(QDoubleSpinBox)
    assert spin is not None and spin.maximum() == 96.0
