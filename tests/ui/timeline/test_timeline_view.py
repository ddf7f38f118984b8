"""Timeline: key diamonds dragged with the mouse, K / Del / copy-paste, scrubbing, range and fps edits."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from studio.core.edits import ChangeTracks, set_key
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.tracks import Interpolation, Keyframe, Track
from studio.ui.session import Session
from studio.ui.timeline.timeline_geometry import HEADER_WIDTH, RULER_HEIGHT
from studio.ui.timeline.timeline_view import TimelineView

LEFT = Qt.MouseButton.LeftButton
NO_MODS = Qt.KeyboardModifier.NoModifier


def make_session() -> Session:
    """Three keypoints; 'a' keyed at 0 and 30, 'b' keyed at 10 only (as a loaded file may have it)."""
    project = Project(b"", 64, 64)
    for i, name in enumerate(("a", "b", "c")):
        project.keypoints.append(Keypoint(name, f"point {name}", "#4dabf7", 10.0 * i, 20.0))
    session = Session(project)
    session.push(set_key(project, "a", 0, (0.0, 0.0, 0.0, 1.0)))
    session.push(set_key(project, "a", 30, (30.0, 10.0, 0.5, 2.0)))
    session.push(ChangeTracks({"b": None}, {"b": Track((Keyframe(10, (5.0, 5.0, 0.0, 1.0)),))}))
    return session


@pytest.fixture
def timeline(qtbot):
    session = make_session()
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(960, 220)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.playback.pause()


def point(pos: QPointF) -> QPoint:
    return pos.toPoint()


def drag(canvas, start: QPoint, end: QPoint, steps: int = 5, modifiers=NO_MODS) -> None:
    """A real press / move / release sequence."""
    QTest.mousePress(canvas, LEFT, modifiers, start)
    for i in range(1, steps + 1):
        QTest.mouseMove(canvas, start + (end - start) * (i / steps))
    QTest.mouseRelease(canvas, LEFT, modifiers, end)


def test_dragging_a_diamond_moves_the_key_and_one_undo_restores_it(timeline):
    session = timeline.session
    canvas = timeline.canvas
    before = session.project.track("a")
    undo_index = session.undo.index
    start = point(canvas.key_position("a", 30))
    end = QPoint(round(canvas.frame_to_x(42)), start.y())
    drag(canvas, start, end, steps=8)
    track = session.project.track("a")
    assert track.frames() == [0, 42]
    assert track.key_at(42).values == before.key_at(30).values
    assert session.undo.index == undo_index + 1
    assert canvas.selected_keys == {("a", 42)}
    session.undo.undo()
    assert session.project.track("a") == before


def test_a_dragged_key_never_eats_another_key(timeline):
    session = timeline.session
    canvas = timeline.canvas
    start = point(canvas.key_position("a", 30))
    end = QPoint(round(canvas.frame_to_x(-5)), start.y())
    drag(canvas, start, end, steps=35)
    assert session.project.track("a").frames() == [-5, 0]


def test_k_keys_the_selected_keypoint_with_its_current_pose(timeline, qtbot):
    session = timeline.session
    session.set_selection(["a"])
    session.set_frame(12)
    expected = session.project.sample_values(12)[0, 0].copy()
    timeline.canvas.setFocus()
    QTest.keyClick(timeline.canvas, Qt.Key.Key_K)
    key = session.project.track("a").key_at(12)
    assert key is not None
    np.testing.assert_allclose(key.values, expected)
    np.testing.assert_allclose(session.project.sample_values(12)[0, 0], expected)
    assert session.project.track("b").key_at(12) is None


def test_key_button_keys_every_keypoint_when_none_is_selected(timeline):
    session = timeline.session
    session.set_frame(20)
    timeline.key_button.click()
    assert all(session.project.track(i).key_at(20) is not None for i in ("a", "b", "c"))


def test_click_shift_click_and_delete_remove_the_selected_keys(timeline):
    session = timeline.session
    canvas = timeline.canvas
    QTest.mouseClick(canvas, LEFT, NO_MODS, point(canvas.key_position("a", 0)))
    QTest.mouseClick(canvas, LEFT, Qt.KeyboardModifier.ShiftModifier, point(canvas.key_position("b", 10)))
    assert canvas.selected_keys == {("a", 0), ("b", 10)}
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert session.project.track("a").frames() == [30]
    assert "b" not in session.project.tracks
    session.undo.undo()
    assert session.project.track("a").frames() == [0, 30]
    assert session.project.track("b").frames() == [10]


def test_rubber_band_selects_the_keys_inside_it(timeline):
    canvas = timeline.canvas
    top_left = QPoint(round(canvas.frame_to_x(5)), RULER_HEIGHT + 2)
    bottom_right = QPoint(round(canvas.frame_to_x(35)), round(canvas.row_center_y(1) + 5))
    drag(canvas, top_left, bottom_right)
    assert canvas.selected_keys == {("a", 30), ("b", 10)}


def test_copy_and_paste_at_another_frame(timeline):
    session = timeline.session
    canvas = timeline.canvas
    canvas.set_selected_keys({("a", 0), ("a", 30)})
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    session.set_frame(60)
    QTest.keyClick(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    track = session.project.track("a")
    assert track.frames() == [0, 30, 60, 90]
    assert track.key_at(60).values == track.key_at(0).values
    assert track.key_at(90).values == track.key_at(30).values
    assert canvas.selected_keys == {("a", 60), ("a", 90)}


def test_scrubbing_the_ruler_sets_the_frame_under_the_mouse(timeline):
    session = timeline.session
    canvas = timeline.canvas
    seen: list[int] = []
    session.frame_changed.connect(seen.append)
    y = RULER_HEIGHT // 2
    targets = (10, 20, 35, 33)
    QTest.mousePress(canvas, LEFT, NO_MODS, QPoint(round(canvas.frame_to_x(targets[0])), y))
    for frame in targets[1:]:
        QTest.mouseMove(canvas, QPoint(round(canvas.frame_to_x(frame)), y))
    QTest.mouseRelease(canvas, LEFT, NO_MODS, QPoint(round(canvas.frame_to_x(targets[-1])), y))
    assert seen == list(targets)
    assert session.current_frame == 33
    assert timeline.frame_spin.value() == 33


def test_clicking_a_name_selects_the_keypoint(timeline):
    canvas = timeline.canvas
    QTest.mouseClick(canvas, LEFT, NO_MODS, QPoint(HEADER_WIDTH // 2, round(canvas.row_center_y(2))))
    assert timeline.session.selected_ids == ["c"]
    QTest.mouseClick(canvas, LEFT, Qt.KeyboardModifier.ShiftModifier,
                     QPoint(HEADER_WIDTH // 2, round(canvas.row_center_y(0))))
    assert timeline.session.selected_ids == ["c", "a"]


def test_frame_range_and_fps_edits_are_undoable(timeline):
    session = timeline.session
    session.set_frame(100)
    timeline.end_spin.setValue(59)
    timeline.fps_spin.setValue(24.0)
    assert session.project.timing.end == 59
    assert session.project.timing.fps == 24.0
    assert session.current_frame == 59
    session.undo.undo()
    session.undo.undo()
    assert session.project.timing.end == 119
    assert timeline.end_spin.value() == 119
    assert timeline.fps_spin.value() == 30.0


def test_invalid_range_is_refused_and_the_spin_box_reset(timeline):
    session = timeline.session
    timeline.start_spin.setValue(200)
    assert session.project.timing.start == 0
    assert timeline.start_spin.value() == 0


def test_wheel_zooms_the_time_axis(timeline):
    canvas = timeline.canvas
    before = canvas.pixels_per_frame
    pos = QPointF(canvas.frame_to_x(40), canvas.row_center_y(0))
    anchor = canvas.x_to_frame(pos.x())
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(), QPoint(0, 240), Qt.MouseButton.NoButton,
                        NO_MODS, Qt.ScrollPhase.NoScrollPhase, False)
    canvas.wheelEvent(event)
    assert canvas.pixels_per_frame == pytest.approx(before * 1.44)
    assert canvas.x_to_frame(pos.x()) == pytest.approx(anchor)


def test_transport_buttons_drive_playback(timeline, qtbot):
    session = timeline.session
    timeline.last_button.click()
    assert session.current_frame == 119
    timeline.first_button.click()
    assert session.current_frame == 0
    timeline.step_forward_button.click()
    assert session.current_frame == 1
    timeline.play_button.click()
    assert timeline.playback.is_playing
    timeline.play_button.click()
    assert not timeline.playback.is_playing
    timeline.loop_button.click()
    assert timeline.playback.loop is False
    timeline.auto_key_button.click()
    assert session.auto_key is False


def test_new_project_resets_the_view(timeline):
    session = timeline.session
    timeline.canvas.set_selected_keys({("a", 0)})
    project = Project(b"", 32, 32)
    session.replace_project(project, None)
    assert timeline.canvas.selected_keys == set()
    assert timeline.end_spin.value() == project.timing.end


def test_dragging_a_summary_diamond_moves_every_key_on_that_frame(timeline):
    session = timeline.session
    canvas = timeline.canvas
    session.push(set_key(session.project, "b", 30, (1.0, 1.0, 0.0, 1.0)))
    start = QPoint(round(canvas.frame_to_x(30)), round(canvas.summary_center_y()))
    end = QPoint(round(canvas.frame_to_x(50)), start.y())
    drag(canvas, start, end)
    assert session.project.track("a").frames() == [0, 50]
    assert session.project.track("b").frames() == [10, 50]
    assert canvas.selected_keys == {("a", 50), ("b", 50)}
    session.undo.undo()
    assert session.project.track("b").frames() == [10, 30]


def test_right_click_menu_sets_interpolation_of_the_clicked_key(timeline, qtbot):
    session = timeline.session
    canvas = timeline.canvas
    QTest.mouseClick(canvas, Qt.MouseButton.RightButton, NO_MODS, point(canvas.key_position("a", 0)))
    menu = canvas.findChild(QMenu)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert canvas.selected_keys == {("a", 0)}
    hold = next(a for a in menu.actions() if a.text().startswith("Hold"))
    assert hold.isEnabled()
    hold.trigger()
    menu.hide()
    assert session.project.track("a").key_at(0).interpolation == Interpolation.HOLD
    assert session.project.sample_values(29)[0, 0, 0] == 0.0


def test_clicking_one_of_several_selected_keys_selects_only_it(timeline):
    canvas = timeline.canvas
    canvas.set_selected_keys({("a", 0), ("a", 30), ("b", 10)})
    QTest.mouseClick(canvas, LEFT, NO_MODS, point(canvas.key_position("a", 30)))
    assert canvas.selected_keys == {("a", 30)}



def test_wheel_over_the_names_scrolls_rows_and_the_scroll_bar_follows(qtbot):
    project = Project(b"", 64, 64)
    for i in range(30):
        project.keypoints.append(Keypoint(f"k{i}", f"point {i}", "#4dabf7", 1.0, 1.0))
    view = TimelineView(Session(project))
    qtbot.addWidget(view)
    view.resize(700, 240)
    view.show()
    qtbot.waitExposed(view)
    canvas = view.canvas
    assert view.scrollbar.maximum() > 0
    pos = QPointF(HEADER_WIDTH / 2, canvas.row_center_y(2))
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(), QPoint(0, -240), Qt.MouseButton.NoButton,
                        NO_MODS, Qt.ScrollPhase.NoScrollPhase, False)
    canvas.wheelEvent(event)
    assert canvas.scroll_y > 0
    assert view.scrollbar.value() == canvas.scroll_y
    view.scrollbar.setValue(view.scrollbar.maximum())
    assert canvas.scroll_y == view.scrollbar.maximum()
    last_row_bottom = canvas.row_center_y(29) + 11
    assert last_row_bottom <= canvas.height() + 1
