"""The main window: docks and names, scrubbing renders the right frame, history, shortcuts, render settings."""

from __future__ import annotations

import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from studio.core.edits import ChangeKeypoint, ChangeRenderSettings
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.engine.renderer import renderer_for_project
from studio.plugins.api import builtin_registry
from studio.ui import error_reporting
from studio.ui.keypoints import face_placement
from studio.ui.preview.preview_link import preview_size
from tests.ui.conftest import image_array, pattern_image, wait_for_frame


def test_widgets_carry_object_names(window) -> None:
    for name in ("canvas", "preview", "undoHistory", "timeline", "curveEditor"):
        assert window.findChild(QWidget, name) is not None, name
    assert window.plugin_action.text() == "Plugin &Manager…"


def test_scrubbing_shows_the_frame_equal_to_a_direct_render(qtbot, window) -> None:
    project = window.session.project
    size = preview_size(project.width, project.height)
    renderer = renderer_for_project(project, pattern_image(), builtin_registry(), size, "cpu")
    for frame in (7, 2):
        window.session.set_frame(frame)
        wait_for_frame(qtbot, window, frame)
        np.testing.assert_array_equal(image_array(window.preview.image), renderer.render_frame(project, frame))
    qtbot.waitUntil(lambda: window.device_label.text().startswith("warp on CPU"), timeout=30000)
    assert window.render_label.text().endswith("ms")


def test_the_status_bar_names_the_threads_of_the_last_frame(qtbot, window) -> None:
    from studio.ui.preview.preview_worker import PreviewResult

    qtbot.waitUntil(lambda: window.device_label.text().startswith("warp on CPU ("), timeout=30000)
    frame = np.zeros((8, 8, 3), np.uint8)
    window.worker.result_ready.emit(PreviewResult(window.preview_link.last_seq + 50, 0, frame, 5.0, threads=3))
    assert window.device_label.text() == "warp on CPU (3 threads)"
    window.worker.result_ready.emit(PreviewResult(window.preview_link.last_seq + 51, 0, frame, 5.0, threads=1))
    assert window.device_label.text() == "warp on CPU (1 thread)"


def test_editing_rerenders_the_preview(qtbot, window) -> None:
    window.session.set_frame(3)
    wait_for_frame(qtbot, window, 3)
    first = image_array(window.preview.image)
    keypoint = window.session.project.keypoint("a")
    window.session.push(ChangeKeypoint(keypoint, keypoint.with_changes(radius=40.0)))
    qtbot.waitUntil(lambda: window.preview.shown_seq >= window.preview_link.last_seq, timeout=30000)
    assert not np.array_equal(first, image_array(window.preview.image))


def test_history_lists_edits_and_a_click_jumps_there(qtbot, window) -> None:
    session = window.session
    for radius in (10.0, 12.0, 14.0):
        kp = session.project.keypoint("b")
        session.push(ChangeKeypoint(kp, kp.with_changes(radius=radius), "Change radius"))
        session.finish_gesture()
    view = window.undo_view
    assert [view.item(i).text() for i in range(view.count())] == ["Opened"] + ["Change radius"] * 3
    assert view.currentRow() == 3
    rect = view.visualItemRect(view.item(1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.undo.index == 1
    assert session.project.keypoint("b").radius == 10.0
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(view.item(3)).center())
    assert session.project.keypoint("b").radius == 14.0


def test_shortcuts(qtbot, window) -> None:
    session = window.session
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Right)
    assert session.current_frame == 2
    qtbot.keyClick(window.canvas, Qt.Key.Key_Left)
    assert session.current_frame == 1
    qtbot.keyClick(window.canvas, Qt.Key.Key_End)
    assert session.current_frame == session.project.timing.end
    qtbot.keyClick(window.canvas, Qt.Key.Key_Home)
    assert session.current_frame == session.project.timing.start
    session.set_frame(6)
    qtbot.keyClick(window.canvas, Qt.Key.Key_K)
    assert session.undo.index == 0 and "Select keypoints" in window.statusBar().currentMessage()
    session.set_selection(["c"])
    qtbot.keyClick(window.canvas, Qt.Key.Key_K)
    assert session.project.track("c").frames() == [0, 6]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "c" not in session.project.tracks
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert session.project.track("c").frames() == [0, 6]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert session.project.track("c").frames() == [0, 6]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Delete)
    assert [kp.id for kp in session.project.keypoints] == ["a", "b"]
    fitted = window.canvas.zoom()
    viewport = window.canvas.viewport().rect()
    assert abs(fitted - min(viewport.width(), viewport.height()) / (96 + 40)) < 0.05
    window.canvas.zoom_by(3.0)
    qtbot.keyClick(window.canvas, Qt.Key.Key_F)
    assert abs(window.canvas.zoom() - fitted) < 1e-6


def test_space_toggles_playback(qtbot, window) -> None:
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)
    assert window.playback.is_playing
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)
    assert not window.playback.is_playing


def test_device_and_generator_combos_edit_render_settings(qtbot, window) -> None:
    session = window.session
    qtbot.waitUntil(lambda: window.generator_combo.findText("warp") >= 0 and window.registry is not None,
                    timeout=30000)
    window.device_combo.setCurrentText("auto")
    with qtbot.waitSignal(window.worker.renderer_ready, timeout=30000):
        window.device_combo.activated.emit(window.device_combo.currentIndex())
    assert session.project.render.device == "auto"
    assert session.undo.texts() == []  # the device is a machine setting, not an undo step
    assert window.device_combo.currentText() == "auto"


def test_renderer_errors_reach_the_status_bar(qtbot, window) -> None:
    session = window.session
    before = session.project.render
    with qtbot.waitSignal(window.worker.failed, timeout=30000):
        session.push(ChangeRenderSettings(before, before.with_changes(generator="missing")))
    assert "missing" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.worker.renderer_ready, timeout=30000):
        session.undo.undo()
    qtbot.waitUntil(lambda: window.preview.shown_seq >= window.preview_link.last_seq, timeout=30000)


def test_auto_place_face_adds_keypoints_as_one_step(qtbot, window, monkeypatch) -> None:
    found = [Keypoint("f1", "nose_tip", "#ffffff", 40, 40), Keypoint("f2", "alpha", "#ffffff", 50, 50)]
    monkeypatch.setattr(face_placement, "detect_face_keypoints", lambda png: found)
    window.auto_place_face()
    qtbot.waitUntil(lambda: len(window.session.project.keypoints) == 5, timeout=10000)
    qtbot.waitUntil(lambda: window._face_job is None, timeout=10000)
    names = [kp.name for kp in window.session.project.keypoints]
    assert names[3:] == ["nose_tip", "alpha 2"]
    assert window.session.undo.texts() == ["Auto-place face keypoints"]
    window.session.undo.undo()
    assert len(window.session.project.keypoints) == 3


def test_auto_place_face_without_a_face_reports_it(qtbot, window, monkeypatch) -> None:
    def no_face(png: bytes) -> list[Keypoint]:
        raise UserError("no face found in the image")

    monkeypatch.setattr(face_placement, "detect_face_keypoints", no_face)
    window.auto_place_face()
    qtbot.waitUntil(lambda: window._face_job is None, timeout=10000)
    assert "no face found" in window.statusBar().currentMessage()
    assert len(window.session.project.keypoints) == 3


def test_excepthook_logs_and_shows_one_line_once(caplog) -> None:
    shown: list[str] = []
    previous_hook = sys.excepthook
    error_reporting.install_excepthook(shown.append)
    boom = RuntimeError("boom")
    try:
        for _ in range(3):
            sys.excepthook(RuntimeError, boom, None)
    finally:
        sys.excepthook = previous_hook
    assert len(shown) == 1 and "RuntimeError: boom" in shown[0] and "\n" not in shown[0]
    assert sum("unhandled exception" in r.getMessage() for r in caplog.records) == 3


def test_a_new_plugin_registry_reaches_the_generator_list_and_the_preview(qtbot, window) -> None:
    from studio.plugins.api import Contribution

    qtbot.waitUntil(lambda: window.registry is not None, timeout=30000)
    registry = builtin_registry()
    registry.register(Contribution("generator", "warp-copy", "studio.engine.warp:WarpGenerator", plugin="copy"))
    window.adopt_registry(registry)
    assert window.generator_combo.findText("warp-copy") >= 0
    window.generator_combo.setCurrentText("warp-copy")
    with qtbot.waitSignal(window.worker.renderer_ready, timeout=30000,
                          check_params_cb=lambda text: not text.startswith("warp on")) as blocker:
        window.generator_combo.activated.emit(window.generator_combo.currentIndex())
    assert blocker.args[0].startswith("warp-copy on CPU")
    assert window.session.project.render.generator == "warp-copy"


def test_scrubbing_the_timeline_ruler_renders_as_you_drag(qtbot, window) -> None:
    from PySide6.QtCore import QPoint

    ruler = window.timeline.canvas
    y = 10
    project = window.session.project
    renderer = renderer_for_project(project, pattern_image(), builtin_registry(),
                                    preview_size(project.width, project.height), "cpu")
    qtbot.mousePress(ruler, Qt.MouseButton.LeftButton, pos=QPoint(round(ruler.frame_to_x(2)), y))
    qtbot.mouseMove(ruler, QPoint(round(ruler.frame_to_x(4)), y))
    assert window.session.current_frame == 4
    wait_for_frame(qtbot, window, 4)
    qtbot.mouseMove(ruler, QPoint(round(ruler.frame_to_x(9)), y))
    qtbot.mouseRelease(ruler, Qt.MouseButton.LeftButton, pos=QPoint(round(ruler.frame_to_x(9)), y))
    wait_for_frame(qtbot, window, 9)
    np.testing.assert_array_equal(image_array(window.preview.image), renderer.render_frame(project, 9))
