"""Region, stiff-area and mesh tools on the canvas: strokes edit the matte in one undo step each, Escape leaves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from studio.core.rig import StiffArea
from studio.core.rig_edits import add_stiff_area
from studio.engine.region import decode_region
from studio.media.image_io import encode_png
from studio.ui.canvas import region_sources


def view_point(window, x: float, y: float) -> QPoint:
    return window.canvas.mapFromScene(QPointF(x, y))


def stroke(qtbot, window, points: list[tuple[float, float]],
           modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    viewport = window.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, view_point(window, *points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(viewport, view_point(window, x, y))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, view_point(window, *points[-1]))


def region(window) -> np.ndarray | None:
    return decode_region(window.session.project.region_png)


def wait_for_steps(qtbot, window, count: int) -> None:
    qtbot.waitUntil(lambda: window.session.undo.index == count and not window.canvas_tools.region_editor.busy,
                    timeout=10000)


def test_lasso_adds_then_alt_lasso_subtracts_one_undo_step_each(qtbot, window) -> None:
    window.canvas_tools.lasso_action.trigger()
    assert window.canvas.tool is window.canvas_tools.lasso
    assert window.canvas_tools.show_region_action.isChecked()
    stroke(qtbot, window, [(10, 10), (80, 10), (80, 80), (10, 80)])
    wait_for_steps(qtbot, window, 1)
    matte = region(window)
    assert matte[45, 45] == 255 and matte[5, 5] == 0 and matte[90, 90] == 0
    assert window.session.undo.texts() == ["Add to region (lasso)"]
    stroke(qtbot, window, [(30, 30), (60, 30), (60, 60), (30, 60)], Qt.KeyboardModifier.AltModifier)
    wait_for_steps(qtbot, window, 2)
    matte = region(window)
    assert matte[45, 45] == 0 and matte[20, 20] == 255
    assert window.canvas.region_item.matte[45, 45] == 0
    window.session.undo.undo()
    assert region(window)[45, 45] == 255
    assert window.canvas.region_item.matte[45, 45] == 255
    window.session.undo.undo()
    assert window.session.project.region_png is None
    assert window.canvas.region_item.matte is None


def test_brush_paints_and_brackets_resize_it(qtbot, window) -> None:
    tools = window.canvas_tools
    tools.brush_action.trigger()
    size = tools.brush.size
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketRight)
    assert tools.brush.size > size
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(window.canvas, Qt.Key.Key_BracketLeft)
    assert tools.brush.size < size
    tools.brush.size = 10.0
    stroke(qtbot, window, [(20, 48), (50, 48), (76, 48)])
    wait_for_steps(qtbot, window, 1)
    matte = region(window)
    assert matte[48, 48] == 255 and matte[48, 20] > 0 and matte[20, 48] == 0
    assert window.session.undo.texts() == ["Add to region (brush)"]


def test_keypoint_handles_are_not_dragged_while_a_tool_is_active(qtbot, window) -> None:
    window.canvas_tools.brush_action.trigger()
    handle = window.canvas.handles["b"].pos()
    before = window.session.project.keypoint("b").x
    stroke(qtbot, window, [(handle.x(), handle.y()), (handle.x() + 10, handle.y())])
    wait_for_steps(qtbot, window, 1)
    assert window.session.project.keypoint("b").x == before


def test_escape_leaves_the_tool_and_clears_the_hint(qtbot, window) -> None:
    window.canvas_tools.stiff_action.trigger()
    assert "Stiff Area" in window.hint_label.text()
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.canvas.tool is None
    assert not window.canvas_tools.stiff_action.isChecked()
    assert window.hint_label.text() == ""
    window.add_tool_action.trigger()
    window.canvas_tools.lasso_action.trigger()
    assert not window.add_tool_action.isChecked() and not window.canvas.add_mode


def test_stiff_area_tool_adds_with_its_strength_and_right_click_removes(qtbot, window) -> None:
    session = window.session
    tools = window.canvas_tools
    tools.stiff_action.trigger()
    tools.strength.setValue(0.5)
    stroke(qtbot, window, [(40, 40), (50, 40), (60, 40)])
    (area,) = session.project.stiff_areas
    assert (area.x, area.y, area.strength) == pytest.approx((40, 40, 0.5), abs=1.0)
    assert area.radius == pytest.approx(20, abs=1.5)
    assert session.undo.texts() == ["Add stiff area"]
    window.canvas.contextMenuEvent(_context_event(view_point(window, 45, 42)))
    assert session.project.stiff_areas == ()
    session.undo.undo()
    assert len(session.project.stiff_areas) == 1


def _context_event(pos: QPoint):
    from PySide6.QtGui import QContextMenuEvent

    return QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, pos)


def test_preview_reprepares_with_the_stiff_areas(qtbot, window, monkeypatch) -> None:
    session = window.session
    configured = []
    original = window.worker.configure
    monkeypatch.setattr(window.worker, "configure",
                        lambda *args: configured.append(args) or original(*args))
    session.push(add_stiff_area(session.project, StiffArea(30, 30, 10, 1.0)))
    assert configured and configured[-1][-1] == session.project.stiff_areas


def test_region_commands_set_clear_and_explain(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    tools = window.canvas_tools
    messages = []
    monkeypatch.setattr(window, "show_message", messages.append)
    tools.message = messages.append
    tools.use_alpha()
    qtbot.waitUntil(lambda: tools._job is None, timeout=10000)
    assert "no transparency" in messages[-1] and window.session.project.region_png is None
    matte = np.zeros((96, 96, 3), np.uint8)
    matte[20:60, 30:70] = 255
    path = tmp_path / "matte.png"
    path.write_bytes(encode_png(matte))
    tools.import_matte(str(path))
    qtbot.waitUntil(lambda: window.session.project.region_png is not None, timeout=10000)
    assert region(window)[40, 50] == 255 and region(window)[80, 10] == 0
    qtbot.waitUntil(lambda: tools._job is None, timeout=10000)
    monkeypatch.setattr(region_sources, "person_region", lambda png: (_ for _ in ()).throw(AssertionError))
    tools.clear_action.trigger()
    assert window.session.project.region_png is None
    assert window.session.undo.texts() == ["Import region matte", "Clear region"]


def test_suggest_person_runs_on_a_worker(qtbot, window, monkeypatch) -> None:
    found = np.zeros((96, 96), np.uint8)
    found[10:90, 20:70] = 255
    monkeypatch.setattr("studio.capture.person_matte.person_matte", lambda image: found)
    window.canvas_tools.suggest_action.trigger()
    assert not window.canvas_tools.suggest_action.isEnabled()
    qtbot.waitUntil(lambda: window.session.project.region_png is not None, timeout=10000)
    np.testing.assert_array_equal(region(window), found)
    qtbot.waitUntil(lambda: window.canvas_tools.suggest_action.isEnabled(), timeout=10000)


def test_mesh_is_listed_and_its_overlay_draws_the_rendered_mesh(qtbot, window) -> None:
    combo = window.generator_combo
    qtbot.waitUntil(lambda: combo.findText("mesh") >= 0, timeout=30000)
    combo.setCurrentIndex(combo.findText("mesh"))
    combo.activated.emit(combo.currentIndex())
    assert window.session.project.render.generator == "mesh"
    window.canvas_tools.mesh_action.trigger()
    assert window.worker.mesh_wanted
    qtbot.waitUntil(lambda: window.canvas.mesh_overlay.edge_count > 0, timeout=30000)
    window.canvas_tools.mesh_action.trigger()
    assert window.canvas.mesh_overlay.edge_count == 0 and not window.worker.mesh_wanted
