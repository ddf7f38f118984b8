"""Canvas gestures with real mouse events: drags, rotation, selection, adding and deleting keypoints."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from studio.core.project_file import project_to_dict


def handle_point(window, kp_id: str) -> QPoint:
    """Viewport position of a keypoint's handle."""
    canvas = window.canvas
    return canvas.mapFromScene(canvas.handles[kp_id].pos())


def drag(qtbot, window, start: QPoint, end: QPoint, steps: int = 5,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """Press at ``start``, move in steps to ``end``, release (all on the canvas viewport)."""
    viewport = window.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, start)
    for i in range(1, steps + 1):
        qtbot.mouseMove(viewport, start + (end - start) * i / steps)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, end)


def test_drag_moves_rest_pose_and_one_undo_restores_it(qtbot, window) -> None:
    session = window.session
    before = project_to_dict(session.project)
    start = handle_point(window, "b")
    drag(qtbot, window, start, start + QPoint(30, 20))
    moved = session.project.keypoint("b")
    zoom = window.canvas.zoom()
    assert abs(moved.x - (before["keypoints"][1]["x"] + 30 / zoom)) < 1.0
    assert abs(moved.y - (before["keypoints"][1]["y"] + 20 / zoom)) < 1.0
    assert "b" not in session.project.tracks
    assert session.undo.texts() == ["Move beta"]
    session.undo.undo()
    assert project_to_dict(session.project) == before


def test_drag_at_later_frame_with_auto_key_keys_it_and_keeps_the_start(qtbot, window) -> None:
    session = window.session
    session.set_frame(5)
    before = project_to_dict(session.project)
    start = handle_point(window, "c")
    drag(qtbot, window, start, start + QPoint(-25, 10), steps=8)
    track = session.project.track("c")
    assert track.frames() == [0, 5]
    np.testing.assert_allclose(session.project.sample_values([0])[0][2], session.project.keypoint("c").rest_values)
    assert session.undo.texts() == ["Move gamma at 5"]
    assert session.project.keypoint("c").x == before["keypoints"][2]["x"]
    assert window.canvas.handles["c"].pos().x() < before["keypoints"][2]["x"]
    assert session.undo.index == 1
    session.undo.undo()
    assert project_to_dict(session.project) == before


def test_dragging_animated_keypoint_keys_current_frame(qtbot, window) -> None:
    session = window.session
    session.set_frame(4)
    sampled = session.project.sample_values([4])[0][0].copy()
    start = handle_point(window, "a")
    drag(qtbot, window, start, start + QPoint(10, 0))
    assert session.project.track("a").frames() == [0, 4, 10]
    key = session.project.track("a").key_at(4)
    assert key.values[0] > sampled[0] + 1
    assert abs(key.values[1] - sampled[1]) < 0.5


def test_added_keypoint_dragged_late_with_auto_key_stays_put_on_earlier_frames(qtbot, window) -> None:
    session = window.session
    canvas = window.canvas
    added = canvas.add_keypoint_at(40.0, 60.0)
    session.set_frame(80)
    start = handle_point(window, added.id)
    drag(qtbot, window, start, start + QPoint(30, 0))
    project = session.project
    assert project.track(added.id).frames() == [0, 80]
    for frame in (0, 40):
        x = project.sample_values([frame])[0][project.index_of(added.id)][0]
        assert x < 40.0 + 30 / canvas.zoom() - 1
    assert abs(project.sample_values([0])[0][project.index_of(added.id)][0] - 40.0) < 1e-6
    assert session.undo.texts() == [f"Add {added.name}", f"Move {added.name} at 80"]
    session.undo.undo()
    assert added.id not in project.tracks


def _pose_a_at_frame_4(qtbot, window) -> tuple[dict, np.ndarray]:
    session = window.session
    session.set_auto_key(False)
    session.set_frame(4)
    before = project_to_dict(session.project)
    sampled = session.project.sample_values([4])[0][0].copy()
    start = handle_point(window, "a")
    drag(qtbot, window, start, start + QPoint(20, 10))
    return before, sampled


def test_animated_keypoint_dragged_with_auto_key_off_is_posed_not_keyed(qtbot, window, monkeypatch) -> None:
    session = window.session
    requests = []
    original = window.worker.request

    def request(frame, rest, pose, draft=False):
        requests.append(pose.positions[0].copy())
        return original(frame, rest, pose, draft)

    monkeypatch.setattr(window.worker, "request", request)
    before, sampled = _pose_a_at_frame_4(qtbot, window)
    assert project_to_dict(session.project) == before
    assert session.undo.index == 0
    posed = session.posed["a"]
    zoom = window.canvas.zoom()
    assert abs(posed[0] - sampled[0] - 20 / zoom) < 1 and abs(posed[1] - sampled[1] - 10 / zoom) < 1
    handle = window.canvas.handles["a"]
    assert handle.posed and not window.canvas.handles["b"].posed
    assert abs(handle.pos().x() - posed[0]) < 1e-6
    assert requests and abs(requests[-1][0][0] - posed[0]) < 1e-4
    assert "press K" in window.statusBar().currentMessage()


def test_k_keys_the_posed_values_in_one_undo_step(qtbot, window) -> None:
    session = window.session
    before, _ = _pose_a_at_frame_4(qtbot, window)
    posed = session.posed["a"]
    session.set_selection([])
    window.set_key_action.trigger()
    assert session.project.track("a").key_at(4).values == posed
    assert session.posed == {} and not window.canvas.handles["a"].posed
    assert session.undo.texts() == ["Key alpha at 4"]
    session.undo.undo()
    assert project_to_dict(session.project) == before


def test_moving_the_playhead_drops_an_unkeyed_pose(qtbot, window) -> None:
    session = window.session
    before, sampled = _pose_a_at_frame_4(qtbot, window)
    session.set_frame(5)
    assert session.posed == {}
    assert "dropped" in window.statusBar().currentMessage()
    session.set_frame(4)
    assert project_to_dict(session.project) == before
    assert abs(window.canvas.handles["a"].pos().x() - sampled[0]) < 1e-6
    assert not window.canvas.handles["a"].posed


def test_alt_drag_rotates_and_scales_local_frame(qtbot, window) -> None:
    session = window.session
    canvas = window.canvas
    centre = session.project.keypoint("b")
    press, release = handle_point(window, "b") + QPoint(8, 0), handle_point(window, "b") + QPoint(0, 40)
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, press)
    qtbot.mouseMove(viewport, release)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, release)
    a, b = canvas.mapToScene(press), canvas.mapToScene(release)
    va = np.array([a.x() - centre.x, a.y() - centre.y])
    vb = np.array([b.x() - centre.x, b.y() - centre.y])
    keypoint = session.project.keypoint("b")
    assert (keypoint.x, keypoint.y) == (centre.x, centre.y)
    assert abs(keypoint.rotation - (np.arctan2(vb[1], vb[0]) - np.arctan2(va[1], va[0]))) < 1e-6
    assert keypoint.rotation > 1.0
    assert abs(keypoint.scale - np.hypot(*vb) / np.hypot(*va)) < 1e-6
    assert keypoint.scale > 3.0
    assert session.undo.texts() == ["Rotate beta"]


def test_multi_select_drag_is_one_undo_step(qtbot, window) -> None:
    session = window.session
    before = project_to_dict(session.project)
    viewport = window.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, handle_point(window, "b"))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     handle_point(window, "c"))
    assert session.selected_ids == ["b", "c"]
    start = handle_point(window, "b")
    drag(qtbot, window, start, start + QPoint(0, 15))
    assert session.project.keypoint("b").y > before["keypoints"][1]["y"]
    assert session.project.keypoint("c").y > before["keypoints"][2]["y"]
    assert session.undo.texts() == ["Move 2 keypoints"]
    session.undo.undo()
    assert project_to_dict(session.project) == before


def test_rubber_band_selects_enclosed_handles(qtbot, window) -> None:
    canvas = window.canvas
    top_left = canvas.mapFromScene(QPointF(-5, -5))
    bottom_right = canvas.mapFromScene(QPointF(96 + 5, 96 * 0.45))
    drag(qtbot, window, top_left, bottom_right)
    assert window.session.selected_ids == ["a", "b"]


def test_double_click_adds_and_delete_removes_keypoint(qtbot, window) -> None:
    session = window.session
    canvas = window.canvas
    where = canvas.mapFromScene(QPointF(48, 10))
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    assert len(session.project.keypoints) == 4
    added = session.project.keypoints[-1]
    assert abs(added.x - 48) < 1 and abs(added.y - 10) < 1
    assert session.selected_ids == [added.id]
    window.delete_action.trigger()
    assert [kp.id for kp in session.project.keypoints] == ["a", "b", "c"]
    session.undo.undo()
    assert session.project.keypoints[-1] == added


def test_zoom_fit_and_actual_size(qtbot, window) -> None:
    canvas = window.canvas
    canvas.actual_size()
    assert canvas.zoom() == 1.0
    canvas.zoom_by(2.0)
    assert abs(canvas.zoom() - 2.0) < 1e-6
    assert abs(canvas.handles["a"].dot_radius() - 3.0) < 1e-6
    canvas.fit()
    viewport = canvas.viewport().rect()
    assert abs(canvas.zoom() - min(viewport.width(), viewport.height()) / (96 + 40)) < 0.05


def test_onion_skin_shows_neighbouring_keyframes(qtbot, window) -> None:
    window.session.set_frame(5)
    window.onion_action.setChecked(True)
    ghosts = window.canvas._onion._ghosts
    assert len(ghosts) == 2
    previous, following = ghosts[0][0], ghosts[1][0]
    expected = window.session.project.sample([0, 10]).positions
    np.testing.assert_allclose(previous, expected[0])
    np.testing.assert_allclose(following, expected[1])


def test_rename_recolour_and_radius_are_undoable_edits_named_in_the_history(qtbot, window, monkeypatch) -> None:
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QColorDialog, QInputDialog

    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: (25.5, True)))
    monkeypatch.setattr(QColorDialog, "getColor", staticmethod(lambda *a, **k: QColor("#123456")))
    canvas = window.canvas
    canvas.rename("a")
    editor = canvas.name_editor
    assert editor.isVisible() and editor.text() == "alpha"
    editor.setText("  brow  ")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert not editor.isVisible()
    canvas.recolour("a")
    canvas.set_radius("a")
    keypoint = window.session.project.keypoint("a")
    assert (keypoint.name, keypoint.color, keypoint.radius) == ("brow", "#123456", 25.5)
    assert canvas.handles["a"].radius == 25.5
    assert window.session.undo.texts() == ["Rename alpha to brow", "Colour of brow", "Radius of brow"]
    assert window.undo_view.item(1).text() == "Rename alpha to brow"
    window.session.undo.set_index(0)
    assert window.session.project.keypoint("a").name == "alpha"


def test_f2_renames_in_place_and_escape_cancels(qtbot, window) -> None:
    canvas = window.canvas
    window.session.set_selection(["b"])
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_F2)
    editor = canvas.name_editor
    assert editor.isVisible() and editor.keypoint_id == "b" and editor.hasFocus()
    qtbot.keyClicks(editor, "cheek")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()
    assert window.session.project.keypoint("b").name == "beta" and window.session.undo.index == 0
    qtbot.keyClick(canvas, Qt.Key.Key_F2)
    qtbot.keyClicks(editor, "cheek")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.session.project.keypoint("b").name == "cheek"
    assert window.session.undo.texts() == ["Rename beta to cheek"]


def test_double_click_on_the_name_label_renames_instead_of_adding(qtbot, window) -> None:
    canvas = window.canvas
    window.session.set_selection(["c"])
    handle = canvas.handles["c"]
    label = handle.mapToScene(handle.label_rect().center())
    qtbot.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      canvas.mapFromScene(label))
    assert len(window.session.project.keypoints) == 3
    assert canvas.name_editor.isVisible() and canvas.name_editor.keypoint_id == "c"


def test_dragging_the_radius_circle_changes_the_radius_in_one_undo_step(qtbot, window) -> None:
    session = window.session
    canvas = window.canvas
    session.set_selection(["b"])
    handle = canvas.handles["b"]
    before = session.project.keypoint("b").radius
    on_ring = canvas.mapFromScene(QPointF(handle.pos().x() + before, handle.pos().y()))
    assert canvas.ring_at(on_ring) is handle
    drag(qtbot, window, on_ring, on_ring + QPoint(25, 0))
    radius = session.project.keypoint("b").radius
    assert abs(radius - (before + 25 / canvas.zoom())) < 1.0
    assert handle.radius == radius
    assert (handle.pos().x(), handle.pos().y()) == (session.project.keypoint("b").x, session.project.keypoint("b").y)
    assert session.undo.texts() == ["Radius of beta"]
    assert session.selected_ids == ["b"]
    session.undo.undo()
    assert session.project.keypoint("b").radius == before


def test_the_radius_circle_of_an_unselected_keypoint_does_not_grab(qtbot, window) -> None:
    canvas = window.canvas
    handle = canvas.handles["b"]
    on_ring = canvas.mapFromScene(QPointF(handle.pos().x(), handle.pos().y() + handle.radius))
    assert canvas.ring_at(on_ring) is None


def test_add_tool_click_adds_keypoint_and_clicks_off_the_image_do_not(qtbot, window) -> None:
    canvas = window.canvas
    window.add_tool_action.setChecked(True)
    viewport = canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(QPointF(20, 80)))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(QPointF(-15, 80)))
    keypoints = window.session.project.keypoints
    assert len(keypoints) == 4 and keypoints[-1].name == "point 4"
    assert abs(keypoints[-1].x - 20) < 1 and abs(keypoints[-1].y - 80) < 1
    assert "inside" in window.statusBar().currentMessage()


def test_middle_drag_pans_the_view(qtbot, window) -> None:
    canvas = window.canvas
    canvas.zoom_by(4.0)
    viewport = canvas.viewport()
    centre = viewport.rect().center()
    before = canvas.mapToScene(centre)
    qtbot.mousePress(viewport, Qt.MouseButton.MiddleButton, pos=centre)
    qtbot.mouseMove(viewport, centre + QPoint(40, 0))
    qtbot.mouseRelease(viewport, Qt.MouseButton.MiddleButton, pos=centre + QPoint(40, 0))
    after = canvas.mapToScene(centre)
    assert abs((before.x() - after.x()) * canvas.zoom() - 40) < 2
    assert window.session.undo.index == 0


def test_space_drag_pans_without_toggling_playback(qtbot, window) -> None:
    canvas = window.canvas
    canvas.zoom_by(4.0)
    canvas.setFocus()
    viewport = canvas.viewport()
    centre = viewport.rect().center()
    before = canvas.mapToScene(centre)
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(viewport, centre + QPoint(0, 30))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=centre + QPoint(0, 30))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    after = canvas.mapToScene(centre)
    assert abs((before.y() - after.y()) * canvas.zoom() - 30) < 2
    assert not window.playback.is_playing
    assert window.session.undo.index == 0


def test_click_without_drag_on_one_of_several_selected_selects_only_it(qtbot, window) -> None:
    window.session.set_selection(["a", "b", "c"])
    qtbot.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, pos=handle_point(window, "b"))
    assert window.session.selected_ids == ["b"]
    assert window.session.undo.index == 0


def test_k_on_every_keypoint_is_one_step_named_by_count_and_frame(qtbot, window) -> None:
    session = window.session
    session.set_frame(7)
    session.set_selection(["a", "b", "c"])
    window.set_key_action.trigger()
    assert session.undo.texts() == ["Key 3 keypoints at 7"]
    assert window.undo_view.item(1).text() == "Key 3 keypoints at 7"
    assert window.undo_action.text() == "&Undo Key 3 keypoints at 7"
