"""Curve editor: interpolation changes, key drags and tangent-handle drags with real mouse events."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from studio.core.edits import set_key
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.tracks import Interpolation
from studio.ui.curves.curve_editor import CurveEditor
from studio.ui.session import Session

LEFT = Qt.MouseButton.LeftButton
NO_MODS = Qt.KeyboardModifier.NoModifier


def make_session() -> Session:
    """Keypoint 'a' keyed at 0, 30 and 60 (x: 0 -> 30 -> 0), selected; 'b' without keys."""
    project = Project(b"", 64, 64)
    project.keypoints.append(Keypoint("a", "point a", "#4dabf7", 0.0, 0.0))
    project.keypoints.append(Keypoint("b", "point b", "#ff6b6b", 5.0, 5.0))
    session = Session(project)
    session.push(set_key(project, "a", 0, (0.0, 0.0, 0.0, 1.0)))
    session.push(set_key(project, "a", 30, (30.0, 10.0, math.pi / 2, 2.0)))
    session.push(set_key(project, "a", 60, (0.0, 0.0, 0.0, 1.0)))
    session.set_selection(["a"])
    return session


@pytest.fixture
def editor(qtbot):
    widget = CurveEditor(make_session())
    qtbot.addWidget(widget)
    widget.resize(900, 420)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_channel_visible(1, False)
    widget.frame_all()
    return widget


def x_at(session: Session, frame: float) -> float:
    return float(session.project.sample_values(frame)[0, 0, 0])


def mouse_drag(qtbot, widget, start: QPoint, end: QPoint, steps: int = 6, modifiers=NO_MODS) -> None:
    """Press, move in steps (slower than pyqtgraph's mouse rate limit), release."""
    viewport = widget.plot.viewport()
    QTest.mousePress(viewport, LEFT, modifiers, start)
    for i in range(1, steps + 1):
        qtbot.wait(15)
        pos = QPointF(start + (end - start) * (i / steps))
        move = QMouseEvent(QEvent.Type.MouseMove, pos, viewport.mapToGlobal(pos), Qt.MouseButton.NoButton,
                           LEFT, modifiers)
        QApplication.sendEvent(viewport, move)
    qtbot.wait(15)
    QTest.mouseRelease(viewport, LEFT, modifiers, end)


def click(widget, pos: QPoint, modifiers=NO_MODS) -> None:
    QTest.mouseClick(widget.plot.viewport(), LEFT, modifiers, pos)


def test_curves_are_the_projects_sampling(editor):
    frames, values = editor.curve_data("a", 0)
    np.testing.assert_allclose(values, editor.session.project.sample_values(frames)[:, 0, 0])
    editor.set_channel_visible(2, True)
    frames, degrees = editor.curve_data("a", 2)
    assert degrees.max() == pytest.approx(90.0)


def test_clicking_a_key_selects_it(editor):
    click(editor, editor.view_to_widget(30, 30.0))
    assert editor.selected_keys == {("a", 0, 30)}
    click(editor, editor.view_to_widget(0, 0.0), Qt.KeyboardModifier.ShiftModifier)
    assert editor.selected_keys == {("a", 0, 30), ("a", 0, 0)}


def test_interpolation_buttons_change_the_sampled_motion(editor):
    session = editor.session
    click(editor, editor.view_to_widget(0, 0.0))
    assert editor.selected_keys == {("a", 0, 0)}
    editor.interpolation_buttons[Interpolation.HOLD].click()
    assert session.project.track("a").key_at(0).interpolation == Interpolation.HOLD
    assert [x_at(session, f) for f in (0, 10, 20, 29.5)] == [0.0, 0.0, 0.0, 0.0]
    assert x_at(session, 30) == 30.0
    editor.interpolation_buttons[Interpolation.LINEAR].click()
    for frame in (5, 10, 15, 22.5):
        assert x_at(session, frame) == pytest.approx(frame)
    editor.interpolation_buttons[Interpolation.SMOOTH].click()
    assert x_at(session, 5) < 5.0
    _, drawn = editor.curve_data("a", 0)
    assert drawn.max() == pytest.approx(30.0)


def test_dragging_a_key_changes_its_value_in_one_undo_step(editor, qtbot):
    session = editor.session
    undo_index = session.undo.index
    before = session.project.track("a")
    mouse_drag(qtbot, editor, editor.view_to_widget(30, 30.0), editor.view_to_widget(30, 15.0))
    key = session.project.track("a").key_at(30)
    assert key is not None
    assert key.values[0] == pytest.approx(15.0, abs=0.3)
    assert key.values[1:] == before.key_at(30).values[1:]
    assert x_at(session, 30) == pytest.approx(key.values[0])
    assert session.undo.index == undo_index + 1
    session.undo.undo()
    assert session.project.track("a") == before


def test_dragging_a_key_sideways_moves_it_in_time(editor, qtbot):
    session = editor.session
    mouse_drag(qtbot, editor, editor.view_to_widget(30, 30.0), editor.view_to_widget(41.2, 30.0))
    assert session.project.track("a").frames() == [0, 41, 60]
    assert editor.selected_keys == {("a", 0, 41)}


def test_a_dragged_key_cannot_land_on_another_key(editor, qtbot):
    session = editor.session
    mouse_drag(qtbot, editor, editor.view_to_widget(30, 30.0), editor.view_to_widget(60, 30.0))
    assert len(session.project.track("a")) == 3


def test_dragging_a_tangent_handle_reshapes_the_curve(editor, qtbot):
    session = editor.session
    click(editor, editor.view_to_widget(0, 0.0))
    handles = [p for p in editor.points() if p.kind == "out" and p.frame == 0 and p.channel == 0]
    assert len(handles) == 1
    handle = handles[0]
    assert handle.x == pytest.approx(10.0)
    before_mid = x_at(session, 10)
    undo_index = session.undo.index
    mouse_drag(qtbot, editor, editor.view_to_widget(handle.x, handle.y), editor.view_to_widget(10.0, 20.0))
    key = session.project.track("a").key_at(0)
    assert key.out_tangent is not None
    assert key.out_tangent[0] == pytest.approx(2.0, abs=0.1)
    assert x_at(session, 10) > before_mid + 3
    assert x_at(session, 0) == 0.0
    assert x_at(session, 30) == 30.0
    assert session.undo.index == undo_index + 1
    moved = next(p for p in editor.points() if p.kind == "out" and p.frame == 0 and p.channel == 0)
    assert moved.y == pytest.approx(20.0, abs=0.5)
    editor.auto_tangents_button.click()
    assert session.project.track("a").key_at(0).out_tangent is None


def test_f_frames_all_and_delete_removes_selected_keys(editor, qtbot):
    session = editor.session
    editor.view_box.setRange(xRange=(200, 300), yRange=(500, 600), padding=0)
    editor.plot.setFocus()
    QTest.keyClick(editor.plot, Qt.Key.Key_F)
    (x_lo, x_hi), (y_lo, y_hi) = editor.view_box.viewRange()
    assert x_lo <= 0 and x_hi >= 60 and y_lo <= 0 and y_hi >= 30
    click(editor, editor.view_to_widget(30, 30.0))
    editor.plot.setFocus()
    QTest.keyClick(editor.plot, Qt.Key.Key_Delete)
    assert session.project.track("a").frames() == [0, 60]


def test_selection_and_project_changes_update_the_curves(editor):
    session = editor.session
    session.set_selection(["a", "b"])
    _frames, values = editor.curve_data("b", 0)
    assert np.all(values == 5.0)
    session.set_selection([])
    assert editor.points() == []
    session.replace_project(Project(b"", 8, 8), None)
    assert editor.points() == []
    assert editor.selected_keys == set()


def test_dragging_one_of_several_selected_keys_moves_them_together(editor, qtbot):
    session = editor.session
    before = session.project.track("a")
    click(editor, editor.view_to_widget(0, 0.0))
    click(editor, editor.view_to_widget(30, 30.0), Qt.KeyboardModifier.ShiftModifier)
    undo_index = session.undo.index
    mouse_drag(qtbot, editor, editor.view_to_widget(30, 30.0), editor.view_to_widget(33, 35.0))
    track = session.project.track("a")
    assert track.frames() == [3, 33, 60]
    assert track.key_at(3).values[0] == pytest.approx(5.0, abs=0.3)
    assert track.key_at(33).values[0] == pytest.approx(35.0, abs=0.3)
    assert track.key_at(3).values[1:] == before.key_at(0).values[1:]
    assert editor.selected_keys == {("a", 0, 3), ("a", 0, 33)}
    assert session.undo.index == undo_index + 1
    session.undo.undo()
    assert session.project.track("a") == before


def test_a_jump_onto_a_selected_neighbours_frame_keeps_both_keys(editor, qtbot):
    session = editor.session
    session.push(set_key(session.project, "a", 10, (10.0, 0.0, 0.0, 1.0)))
    click(editor, editor.view_to_widget(0, 0.0))
    click(editor, editor.view_to_widget(10, 10.0), Qt.KeyboardModifier.ShiftModifier)
    key_counts: list[int] = []
    session.document_changed.connect(lambda _what: key_counts.append(len(session.project.track("a"))))
    mouse_drag(qtbot, editor, editor.view_to_widget(10, 10.0), editor.view_to_widget(20, 10.0), steps=1)
    assert key_counts and set(key_counts) == {4}
    track = session.project.track("a")
    assert track.frames() == [10, 20, 30, 60]
    assert track.key_at(10).values[0] == pytest.approx(0.0, abs=0.3)
    assert track.key_at(20).values[0] == pytest.approx(10.0, abs=0.3)


def test_shift_drag_on_empty_space_rubber_band_selects_keys(editor, qtbot):
    range_before = editor.view_box.viewRange()
    mouse_drag(qtbot, editor, editor.view_to_widget(-3, 31.5), editor.view_to_widget(33, -1.5),
               modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert editor.selected_keys == {("a", 0, 0), ("a", 0, 30)}
    assert editor.view_box.viewRange() == range_before
    mouse_drag(qtbot, editor, editor.view_to_widget(45, 20.0), editor.view_to_widget(52, 10.0))
    assert editor.view_box.viewRange() != range_before


def test_clicking_one_of_several_selected_keys_selects_only_it(editor):
    editor.selected_keys = {("a", 0, 0), ("a", 0, 30)}
    click(editor, editor.view_to_widget(30, 30.0))
    assert editor.selected_keys == {("a", 0, 30)}


def test_dragging_along_the_frame_axis_scrubs_the_playhead(editor, qtbot):
    session = editor.session
    axis = editor.frame_axis
    seen: list[int] = []
    gestures: list[bool] = []
    session.frame_changed.connect(seen.append)
    session.gesture_changed.connect(gestures.append)
    y = round(editor.plot.mapFromScene(axis.sceneBoundingRect().center()).y())
    start = QPoint(editor.view_to_widget(12, 0.0).x(), y)
    end = QPoint(editor.view_to_widget(40, 0.0).x(), y)
    before = editor.view_box.viewRange()
    mouse_drag(qtbot, editor, start, end)
    assert len(seen) >= 4
    assert session.current_frame == 40
    assert seen == sorted(seen)
    assert editor.view_box.viewRange() == before
    assert gestures == [True, False]  # the scrub is a gesture: the preview drafts while it lasts


def test_right_click_on_a_key_offers_its_interpolation(editor, qtbot):
    session = editor.session
    QTest.mouseClick(editor.plot.viewport(), Qt.MouseButton.RightButton, NO_MODS, editor.view_to_widget(30, 30.0))
    menu = editor.findChild(QMenu)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert editor.selected_keys == {("a", 0, 30)}
    linear = next(a for a in menu.actions() if a.text().startswith("Linear"))
    linear.trigger()
    menu.hide()
    assert session.project.track("a").key_at(30).interpolation == Interpolation.LINEAR
    assert x_at(session, 45) == pytest.approx(15.0)
