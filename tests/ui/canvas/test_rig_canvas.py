"""The rig on the canvas: world poses drawn and dragged, parenting from the menu, links, sticks, deletion."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu

from studio.core.project_file import project_to_dict
from studio.core.rig_edits import local_to_world, set_parent
from studio.ui.canvas.keypoint_menu import keypoint_menu
from tests.ui.canvas.test_canvas_view import drag, handle_point


def handle_xy(window, kp_id: str) -> np.ndarray:
    pos = window.canvas.handles[kp_id].pos()
    return np.array([pos.x(), pos.y()])


def parent(window, child: str, parent_id: str | None) -> None:
    session = window.session
    session.push(set_parent(session.project, [child], parent_id, session.current_frame))
    session.finish_gesture()


def test_child_follows_its_parents_drag(qtbot, window) -> None:
    session = window.session
    parent(window, "c", "b")
    session.set_frame(5)
    child_before = handle_xy(window, "c")
    start = handle_point(window, "b")
    drag(qtbot, window, start, start + QPoint(30, 0))
    moved = 30 / window.canvas.zoom()
    np.testing.assert_allclose(handle_xy(window, "c"), child_before + [moved, 0], atol=1.0)
    assert session.project.track("c").frames() == []
    np.testing.assert_allclose(session.project.world_values([5])[0][2, :2], handle_xy(window, "c"), atol=1e-6)


def test_dragging_a_child_keeps_it_under_the_mouse_and_keys_its_own_values(qtbot, window) -> None:
    session = window.session
    parent(window, "c", "a")
    session.set_frame(5)
    zoom = window.canvas.zoom()
    before = handle_xy(window, "c")
    start = handle_point(window, "c")
    drag(qtbot, window, start, start + QPoint(20, 10))
    np.testing.assert_allclose(handle_xy(window, "c"), before + np.array([20, 10]) / zoom, atol=1.0)
    key = session.project.track("c").key_at(5)
    world = local_to_world(session.project, "c", 5, key.values)
    np.testing.assert_allclose(world[:2], handle_xy(window, "c"), atol=1e-6)
    assert abs(key.values[0] - handle_xy(window, "c")[0]) > 0.5  # stored relative to the moved, turned parent


def test_posing_a_child_with_auto_key_off_shows_it_under_the_mouse(qtbot, window) -> None:
    session = window.session
    parent(window, "c", "a")
    session.set_auto_key(False)
    session.set_frame(5)
    session.key_current(["c"])
    before = handle_xy(window, "c")
    start = handle_point(window, "c")
    drag(qtbot, window, start, start + QPoint(-15, 5))
    assert "c" in session.posed
    np.testing.assert_allclose(handle_xy(window, "c"), before + np.array([-15, 5]) / window.canvas.zoom(), atol=1.0)
    np.testing.assert_allclose(session.sample(5).positions[0, 2], handle_xy(window, "c"), atol=1e-6)


def test_preview_requests_world_poses(qtbot, window, monkeypatch) -> None:
    session = window.session
    parent(window, "c", "a")
    session.set_frame(5)
    sent = []
    monkeypatch.setattr(window.worker, "request", lambda frame, rest, driving, draft=False: sent.append(driving) or 99)
    window.preview_link.request()
    np.testing.assert_allclose(sent[-1].positions, session.project.sample([5]).positions)
    assert not np.allclose(sent[-1].positions[0, 2], session.project.sample_values([5])[0, 2, :2])


def test_parent_from_the_menu_is_one_undo_step_and_links_are_drawn(qtbot, window) -> None:
    session = window.session
    before = project_to_dict(session.project)
    session.set_selection(["c"])
    menu = keypoint_menu(window.canvas, "c", window.canvas, [])
    parent_menu = menu.findChild(QMenu, "parentMenu")
    next(a for a in parent_menu.actions() if a.text() == "beta").trigger()
    assert session.project.keypoint("c").parent == "b"
    assert session.undo.texts()[-1] == "Parent gamma to beta"
    assert window.canvas.rig_overlay.links == [(2, 1)]
    menu = keypoint_menu(window.canvas, "c", window.canvas, [])
    next(a for a in menu.actions() if a.text() == "Unparent").trigger()
    assert session.project.keypoint("c").parent is None
    session.undo.undo()
    session.undo.undo()
    assert project_to_dict(session.project) == before
    assert window.canvas.rig_overlay.links == []


def test_menu_refuses_a_loop(qtbot, window) -> None:
    parent(window, "c", "b")
    window.session.set_selection(["b"])
    menu = keypoint_menu(window.canvas, "b", window.canvas, [])
    parent_menu = menu.findChild(QMenu, "parentMenu")
    assert not next(a for a in parent_menu.actions() if a.text() == "gamma").isEnabled()


def test_deleting_a_parent_unparents_its_children_where_they_stand(qtbot, window) -> None:
    session = window.session
    parent(window, "c", "a")
    session.set_frame(5)
    where = handle_xy(window, "c")
    session.set_selection(["a"])
    window.canvas.delete_selected()
    assert session.project.keypoint("c").parent is None
    np.testing.assert_allclose(handle_xy(window, "c"), where, atol=1e-6)
    session.undo.undo()
    assert session.project.keypoint("c").parent == "a"


def test_sticks_are_added_drawn_and_removed_from_the_selection(qtbot, window) -> None:
    session = window.session
    tools = window.canvas_tools
    session.set_selection(["b", "c"])
    tools.add_stick_action.trigger()
    assert [(s.a, s.b) for s in session.project.sticks] == [("b", "c")]
    assert window.canvas.rig_overlay.sticks == [(1, 2)]
    assert tools.add_stick_action in window.canvas.menu_actions
    tools.add_stick_action.trigger()
    assert len(session.project.sticks) == 1
    tools.remove_stick_action.trigger()
    assert session.project.sticks == ()
    session.undo.undo()
    assert len(session.project.sticks) == 1
    session.set_selection(["a"])
    tools.add_stick_action.trigger()
    assert len(session.project.sticks) == 1
