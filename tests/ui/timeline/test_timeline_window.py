"""The timeline and curve editor inside the main window: their keys win over window-wide shortcuts
while they have focus, and the window's Space / arrows drive the same playback controller."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def focus(qtbot, widget) -> None:
    widget.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def test_window_hosts_the_timeline_and_curve_editor(window):
    assert window.findChild(type(window.timeline), "timeline") is window.timeline
    assert window.curve_editor.objectName() == "curveEditor"
    assert window.timeline.playback is window.playback


def test_delete_in_the_timeline_deletes_keys_not_keypoints(window, qtbot):
    session = window.session
    canvas = window.timeline.canvas
    session.set_selection(["a"])
    canvas.set_selected_keys({("a", 10)})
    focus(qtbot, canvas)
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert [kp.id for kp in session.project.keypoints] == ["a", "b", "c"]
    assert session.project.track("a").frames() == [0]


def test_k_in_the_timeline_keys_once(window, qtbot):
    session = window.session
    canvas = window.timeline.canvas
    session.set_frame(5)
    steps = session.undo.index
    focus(qtbot, canvas)
    QTest.keyClick(canvas, Qt.Key.Key_K)
    assert session.undo.index == steps + 1
    assert all(session.project.track(i).key_at(5) is not None for i in ("a", "b", "c"))


def test_f_in_the_curve_editor_frames_the_curves(window, qtbot):
    editor = window.curve_editor
    for dock in window.docks:
        if dock.widget() is editor:
            dock.raise_()
    window.session.set_selection(["a"])
    qtbot.waitUntil(editor.isVisible, timeout=2000)
    editor.view_box.setRange(xRange=(500, 600), yRange=(500, 600), padding=0)
    focus(qtbot, editor.plot)
    QTest.keyClick(editor.plot, Qt.Key.Key_F)
    (x_lo, x_hi), _ = editor.view_box.viewRange()
    assert x_lo <= 0 and x_hi >= 10


def test_window_playback_actions_drive_the_timeline_controller(window, qtbot):
    window.play_action.trigger()
    assert window.timeline.playback.is_playing
    qtbot.waitUntil(lambda: window.session.current_frame > 2, timeout=2000)
    window.play_action.trigger()
    assert not window.playback.is_playing
    frame = window.session.current_frame
    window.next_frame_action.trigger()
    assert window.session.current_frame == frame + 1
