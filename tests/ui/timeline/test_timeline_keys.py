"""Timeline: Easy Ease (F9 and the menu) on the selected keys, and selecting a keypoint shows its row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from studio.core.edits import set_interpolation, set_key
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.tracks import Interpolation
from studio.ui.session import Session
from studio.ui.timeline.timeline_geometry import ROWS_TOP
from studio.ui.timeline.timeline_view import TimelineView

FLAT = (0.0, 0.0, 0.0, 0.0)


def make_session(keypoints: int = 3) -> Session:
    """``keypoints`` keypoints k0, k1, ...; k0 keyed linear at 0 and 30, k1 keyed at 10."""
    project = Project(b"", 64, 64)
    for i in range(keypoints):
        project.keypoints.append(Keypoint(f"k{i}", f"point {i}", "#4dabf7", 1.0 + i, 20.0))
    session = Session(project)
    session.push(set_key(project, "k0", 0, (0.0, 0.0, 0.0, 1.0)))
    session.push(set_key(project, "k0", 30, (30.0, 10.0, 0.5, 2.0)))
    session.push(set_key(project, "k1", 10, (5.0, 5.0, 0.0, 1.0)))
    session.push(set_interpolation(project, {"k0": [0, 30]}, Interpolation.LINEAR))
    return session


def make_view(qtbot, session: Session) -> TimelineView:
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(900, 220)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def timeline(qtbot):
    view = make_view(qtbot, make_session())
    yield view
    view.playback.pause()


def test_f9_eases_the_selected_keys_in_one_undo_step(timeline):
    session = timeline.session
    canvas = timeline.canvas
    before = session.project.track("k0")
    steps = session.undo.index
    canvas.set_selected_keys({("k0", 0), ("k0", 30)})
    QTest.keyClick(canvas, Qt.Key.Key_F9)
    for frame in (0, 30):
        key = session.project.track("k0").key_at(frame)
        assert key.interpolation == Interpolation.SMOOTH
        assert key.in_tangent == FLAT and key.out_tangent == FLAT
    assert session.project.track("k1") == make_session().project.track("k1")
    assert session.undo.index == steps + 1
    assert session.project.sample_values(15)[0, 0, 0] == pytest.approx(15.0)
    assert session.project.sample_values(3)[0, 0, 0] < 3.0
    session.undo.undo()
    assert session.project.track("k0") == before


def test_f9_without_selected_keys_does_nothing(timeline):
    steps = timeline.session.undo.index
    QTest.keyClick(timeline.canvas, Qt.Key.Key_F9)
    assert timeline.session.undo.index == steps


def test_easy_ease_is_in_the_right_click_menu(timeline, qtbot):
    session = timeline.session
    canvas = timeline.canvas
    QTest.mouseClick(canvas, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     canvas.key_position("k0", 30).toPoint())
    menu = canvas.findChild(QMenu)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    ease = next(a for a in menu.actions() if a.text().startswith("Easy ease"))
    assert ease.isEnabled()
    ease.trigger()
    menu.hide()
    key = session.project.track("k0").key_at(30)
    assert key.interpolation == Interpolation.SMOOTH and key.out_tangent == FLAT
    assert session.project.track("k0").key_at(0).interpolation == Interpolation.LINEAR


def test_selecting_a_keypoint_scrolls_the_timeline_to_its_row(qtbot):
    view = make_view(qtbot, make_session(keypoints=40))
    canvas = view.canvas
    assert canvas.scroll_y == 0
    view.session.set_selection(["k35"])
    y = canvas.row_center_y(35)
    assert ROWS_TOP < y < canvas.height()
    assert view.scrollbar.value() == canvas.scroll_y > 0
    view.session.set_selection(["k2"])
    assert ROWS_TOP < canvas.row_center_y(2) < canvas.height()


def test_selecting_a_shown_row_does_not_scroll(qtbot):
    view = make_view(qtbot, make_session(keypoints=40))
    canvas = view.canvas
    canvas.set_scroll_y(5 * 22)
    scrolled = canvas.scroll_y
    view.session.set_selection(["k6"])
    assert canvas.scroll_y == scrolled
