"""Preview overlay: the latest generated frame drawn on the canvas over the source image, under the handles."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt

from studio.ui.canvas.keypoint_handle import KeypointHandle
from studio.ui.canvas.preview_overlay_item import PreviewOverlayItem
from tests.ui.conftest import image_array, make_project, wait_for_frame


def overlay_matches_preview(window) -> bool:
    overlay = window.canvas.preview_overlay
    shown = window.preview.image
    return (not overlay.pixmap().isNull() and shown is not None
            and np.array_equal(image_array(overlay.pixmap().toImage()), image_array(shown)))


def test_shift_o_shows_the_preview_frame_scaled_over_the_source(qtbot, window) -> None:
    overlay: PreviewOverlayItem = window.canvas.preview_overlay
    wait_for_frame(qtbot, window, 0)
    assert not overlay.isVisible() and overlay.pixmap().isNull()
    seq = window.preview_link.last_seq
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert window.overlay_action.isChecked() and overlay.isVisible()
    assert window.preview_link.last_seq == seq  # no extra render: the overlay reuses the preview's frame
    assert overlay_matches_preview(window)
    assert (overlay.pixmap().width(), overlay.pixmap().height()) == (512, 512)
    assert overlay.mapRectToScene(overlay.boundingRect()) == QRectF(0, 0, 96, 96)
    assert not window.onion_action.isChecked()
    window.overlay_action.setChecked(False)
    assert not overlay.isVisible()
    centre = window.canvas.mapFromScene(48, 48)
    assert overlay not in window.canvas.items(centre)


def test_the_overlay_follows_new_preview_frames_even_with_the_panel_hidden(qtbot, window) -> None:
    overlay = window.canvas.preview_overlay
    window.overlay_action.setChecked(True)
    wait_for_frame(qtbot, window, 0)
    first = image_array(overlay.pixmap().toImage())
    window.preview_action.setChecked(False)
    assert not window.preview.isVisible()
    window.session.set_frame(10)
    wait_for_frame(qtbot, window, 10)
    assert overlay_matches_preview(window)
    assert not np.array_equal(image_array(overlay.pixmap().toImage()), first)


def test_a_frame_rendered_while_off_shows_when_turned_on(qtbot, window) -> None:
    overlay = window.canvas.preview_overlay
    window.session.set_frame(7)
    wait_for_frame(qtbot, window, 7)
    assert overlay.pixmap().isNull()
    window.overlay_action.setChecked(True)
    assert overlay_matches_preview(window)


def test_handles_stay_above_the_overlay_and_still_take_clicks(qtbot, window) -> None:
    canvas = window.canvas
    window.overlay_action.setChecked(True)
    wait_for_frame(qtbot, window, 0)
    handle = canvas.handles["c"]
    assert handle.zValue() > canvas.preview_overlay.zValue() > 0
    at_handle = canvas.items(canvas.mapFromScene(handle.scenePos()))
    assert isinstance(at_handle[0], KeypointHandle) and canvas.preview_overlay in at_handle
    assert at_handle.index(canvas.preview_overlay) > at_handle.index(handle)
    assert canvas.handle_at(canvas.mapFromScene(handle.scenePos())) is handle
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(handle.scenePos()))
    assert window.session.selected_ids == ["c"]


def test_opening_another_project_clears_the_overlay_and_refits_it(qtbot, window) -> None:
    overlay = window.canvas.preview_overlay
    window.overlay_action.setChecked(True)
    wait_for_frame(qtbot, window, 0)
    window.session.replace_project(make_project(64), None)
    assert overlay.pixmap().isNull()
    qtbot.waitUntil(lambda: window.preview.image is not None and window.preview.image.width() == 512
                    and overlay_matches_preview(window), timeout=30000)
    assert overlay.mapRectToScene(overlay.boundingRect()) == QRectF(0, 0, 64, 64)
