"""Curve editor: Easy Ease (F9, the menu, the button) flattens the selected channels' tangents in one undo step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from studio.core.edits import set_interpolation, set_key
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.tracks import Interpolation
from studio.ui.curves.curve_editor import CurveEditor
from studio.ui.session import Session


def make_session() -> Session:
    """Keypoint 'a' rising through keys at 0, 30 and 60 (x 0 -> 30 -> 90, y 0 -> 10 -> 40), linear, selected."""
    project = Project(b"", 64, 64)
    project.keypoints.append(Keypoint("a", "point a", "#4dabf7", 0.0, 0.0))
    session = Session(project)
    session.push(set_key(project, "a", 0, (0.0, 0.0, 0.0, 1.0)))
    session.push(set_key(project, "a", 30, (30.0, 10.0, 0.0, 1.0)))
    session.push(set_key(project, "a", 60, (90.0, 40.0, 0.0, 1.0)))
    session.push(set_interpolation(project, {"a": [0, 30, 60]}, Interpolation.LINEAR))
    session.set_selection(["a"])
    return session


@pytest.fixture
def editor(qtbot):
    widget = CurveEditor(make_session())
    qtbot.addWidget(widget)
    widget.resize(900, 420)
    widget.show()
    qtbot.waitExposed(widget)
    widget.frame_all()
    return widget


def test_f9_flattens_the_selected_channel_and_keeps_the_others(editor):
    session = editor.session
    steps = session.undo.index
    editor.selected_keys = {("a", 0, 30)}
    QTest.keyClick(editor, Qt.Key.Key_F9)
    key = session.project.track("a").key_at(30)
    assert key.interpolation == Interpolation.SMOOTH
    assert key.in_tangent[0] == 0.0 and key.out_tangent[0] == 0.0
    assert key.in_tangent[1] == pytest.approx(40.0 / 60.0) == key.out_tangent[1]
    assert session.project.track("a").key_at(0).interpolation == Interpolation.LINEAR
    assert session.undo.index == steps + 1
    near = session.project.sample_values(np.array([31.0, 33.0]))[:, 0, 0]
    assert abs(near[0] - 30.0) < 0.2 and near[1] - near[0] < 2 * 1.5
    session.undo.undo()
    assert session.project.track("a").key_at(30).interpolation == Interpolation.LINEAR


def test_f9_without_selected_keys_does_nothing(editor):
    steps = editor.session.undo.index
    QTest.keyClick(editor, Qt.Key.Key_F9)
    assert editor.session.undo.index == steps


def test_easy_ease_from_the_menu_and_the_button(editor, qtbot):
    session = editor.session
    QTest.mouseClick(editor.plot.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     editor.view_to_widget(60, 90.0))
    menu = editor.findChild(QMenu)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert editor.selected_keys == {("a", 0, 60)}
    next(a for a in menu.actions() if a.text().startswith("Easy ease")).trigger()
    menu.hide()
    assert session.project.track("a").key_at(60).in_tangent[0] == 0.0
    editor.selected_keys = {("a", 1, 30)}
    editor.easy_ease_button.click()
    key = session.project.track("a").key_at(30)
    assert key.in_tangent[1] == 0.0 and key.interpolation == Interpolation.SMOOTH
