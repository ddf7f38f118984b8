"""The canvas: the source image with a handle per keypoint showing its pose at the current frame.

Zoom with the wheel (``fit``, ``actual_size``), pan with a middle drag or Space+drag, add keypoints with
the add tool or a double-click, drag handles (Alt+drag turns and scales a keypoint's local frame),
select with clicks, Shift+click and a rubber band, and edit a keypoint from its context menu.
The preview overlay draws the latest generated frame over the source image, under the handles.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QColorDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QInputDialog,
    QMenu,
    QWidget,
)

from studio.core.edits import AddKeypoint, ChangeKeypoint, DeleteKeypoints
from studio.core.keypoints import PALETTE, Keypoint, new_keypoint_id
from studio.ui.canvas.keypoint_drag import MOVE, ROTATE, KeypointDrag, clamp_to_image
from studio.ui.canvas.keypoint_handle import KeypointHandle
from studio.ui.canvas.onion_skin_item import OnionSkinItem
from studio.ui.canvas.preview_overlay_item import PreviewOverlayItem
from studio.ui.session import Session

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.02, 64.0


def default_radius(width: int, height: int) -> float:
    """Radius of influence for a new keypoint: a tenth of the image's shorter side."""
    return max(4.0, 0.1 * min(width, height))


def next_keypoint_name(existing: list[Keypoint]) -> str:
    """The first free name "point N"."""
    names = {kp.name for kp in existing}
    number = len(existing) + 1
    while f"point {number}" in names:
        number += 1
    return f"point {number}"


class CanvasView(QGraphicsView):
    """Edits keypoints on the source image; every change goes through the session's undo stack.

    Signals: ``message(str)`` for the status bar, ``space_tapped()`` when Space is pressed and
    released without panning (the window toggles playback).
    """

    message = Signal(str)
    space_tapped = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.session = session
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundBrush(QBrush(QColor("#1b1c20")))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._image_item = QGraphicsPixmapItem()
        self._image_item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._image_item.setZValue(0)
        self._image_item.setCacheMode(QGraphicsPixmapItem.CacheMode.DeviceCoordinateCache)
        self.scene().addItem(self._image_item)
        self._onion = OnionSkinItem()
        self._onion.setVisible(False)
        self.scene().addItem(self._onion)
        self.preview_overlay = PreviewOverlayItem()
        self.scene().addItem(self.preview_overlay)
        self.handles: dict[str, KeypointHandle] = {}
        self.add_mode = False
        self._auto_fit = True
        self._drag: KeypointDrag | None = None
        self._click_target: str | None = None
        self._pan_from: QPoint | None = None
        self._space_down = False
        self._space_panned = False
        self._syncing_selection = False
        self.scene().selectionChanged.connect(self._on_scene_selection_changed)
        session.project_replaced.connect(self._on_project_replaced)
        session.document_changed.connect(self._on_document_changed)
        session.frame_changed.connect(self._on_frame_changed)
        session.selection_changed.connect(self._on_selection_changed)
        self._on_project_replaced()

    # ----- view state -------------------------------------------------------------------------------
    def zoom(self) -> float:
        """Screen pixels per image pixel."""
        return float(self.transform().m11())

    def zoom_by(self, factor: float) -> None:
        """Zoom in (factor > 1) or out about the mouse, within sensible limits."""
        target = min(max(self.zoom() * factor, MIN_ZOOM), MAX_ZOOM)
        self.scale(target / self.zoom(), target / self.zoom())
        self._auto_fit = False
        self._on_zoom_changed()

    def fit(self) -> None:
        """Frame the whole image in the view (and keep it framed on resizes until the user zooms)."""
        rect = self._image_item.boundingRect()
        self._auto_fit = True
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-20, -20, 20, 20), Qt.AspectRatioMode.KeepAspectRatio)
        self._on_zoom_changed()

    def actual_size(self) -> None:
        """Zoom to 100% (one image pixel per screen pixel)."""
        self.resetTransform()
        self._auto_fit = False
        self._on_zoom_changed()

    def set_add_mode(self, enabled: bool) -> None:
        """With the add tool on, a click on the image adds a keypoint."""
        self.add_mode = enabled
        self.setCursor(Qt.CursorShape.CrossCursor if enabled else Qt.CursorShape.ArrowCursor)

    def set_onion_skin(self, enabled: bool) -> None:
        """Show or hide the previous/next keyframe ghosts."""
        self._onion.setVisible(enabled)
        self._update_onion()

    def onion_skin_visible(self) -> bool:
        """Whether onion skin is on."""
        return self._onion.isVisible()

    def set_preview_overlay(self, enabled: bool) -> None:
        """Show or hide the latest generated frame over the source image (under the handles)."""
        self.preview_overlay.set_shown(enabled)

    def set_preview_image(self, image: QImage) -> None:
        """The newest preview frame, for the overlay (the preview panel's results, no extra render)."""
        self.preview_overlay.set_image(image)

    def _on_zoom_changed(self) -> None:
        scale = self.zoom()
        for handle in self.handles.values():
            handle.set_view_scale(scale)
        self._onion.set_view_scale(scale)

    # ----- document -> items ------------------------------------------------------------------------
    def _on_project_replaced(self) -> None:
        project = self.session.project
        image = QImage.fromData(project.source_png, "PNG")
        self._image_item.setPixmap(QPixmap.fromImage(image))
        self.preview_overlay.set_image(None)
        self.preview_overlay.set_source_size(project.width, project.height)
        self.scene().setSceneRect(QRectF(-project.width, -project.height, 3 * project.width, 3 * project.height))
        for handle in self.handles.values():
            self.scene().removeItem(handle)
        self.handles = {}
        self._sync_handles()
        self.fit()

    def _on_document_changed(self, what: str) -> None:
        if what in ("keypoints", "tracks"):
            self._sync_handles()
        elif what == "settings":
            self._update_poses()

    def _on_frame_changed(self, _frame: int) -> None:
        self._update_poses()

    def _sync_handles(self) -> None:
        project = self.session.project
        wanted = {kp.id for kp in project.keypoints}
        for kp_id in list(self.handles):
            if kp_id not in wanted:
                self.scene().removeItem(self.handles.pop(kp_id))
        scale = self.zoom()
        for kp in project.keypoints:
            handle = self.handles.get(kp.id)
            if handle is None:
                handle = KeypointHandle(kp.id)
                handle.set_view_scale(scale)
                self.handles[kp.id] = handle
                self.scene().addItem(handle)
            handle.set_style(kp.name, kp.color, kp.radius, len(project.track(kp.id)) > 0)
        self._on_selection_changed()
        self._update_poses()

    def _update_poses(self) -> None:
        project = self.session.project
        if not project.keypoints:
            self._update_onion()
            return
        values = project.sample_values([self.session.current_frame])[0]
        for kp, (x, y, rotation, scale) in zip(project.keypoints, values, strict=True):
            self.handles[kp.id].set_pose(float(x), float(y), float(rotation), float(scale))
        self._update_onion()

    def _update_onion(self) -> None:
        if not self._onion.isVisible():
            return
        project = self.session.project
        frame = self.session.current_frame
        keyed = project.keyed_frames()
        previous = [f for f in keyed if f < frame]
        following = [f for f in keyed if f > frame]
        current = project.sample([frame]).positions[0]
        prev_pos = project.sample([previous[-1]]).positions[0] if previous else None
        next_pos = project.sample([following[0]]).positions[0] if following else None
        self._onion.set_poses(current, prev_pos, next_pos)

    # ----- selection --------------------------------------------------------------------------------
    def _on_selection_changed(self) -> None:
        self._syncing_selection = True
        selected = set(self.session.selected_ids)
        for kp_id, handle in self.handles.items():
            handle.setSelected(kp_id in selected)
        self._syncing_selection = False

    def _on_scene_selection_changed(self) -> None:
        if self._syncing_selection:
            return
        order = [kp.id for kp in self.session.project.keypoints]
        chosen = {h.keypoint_id for h in self.scene().selectedItems() if isinstance(h, KeypointHandle)}
        self.session.set_selection([kp_id for kp_id in order if kp_id in chosen])

    def handle_at(self, view_pos: QPoint) -> KeypointHandle | None:
        """The handle under a viewport position, if any."""
        for item in self.items(view_pos):
            if isinstance(item, KeypointHandle):
                return item
        return None

    # ----- editing ----------------------------------------------------------------------------------
    def add_keypoint_at(self, x: float, y: float) -> Keypoint | None:
        """Add a keypoint at image position (x, y) as one undo step and select it (None off the image)."""
        project = self.session.project
        if not (0 <= x <= project.width and 0 <= y <= project.height):
            self.message.emit("Keypoints go on the image: click inside it")
            return None
        x, y = clamp_to_image(project, x, y)
        keypoint = Keypoint(new_keypoint_id(), next_keypoint_name(project.keypoints),
                            PALETTE[len(project.keypoints) % len(PALETTE)], x, y,
                            radius=default_radius(project.width, project.height))
        self.session.push(AddKeypoint(keypoint))
        self.session.finish_gesture()
        self.session.set_selection([keypoint.id])
        return keypoint

    def delete_selected(self) -> None:
        """Delete the selected keypoints (one undo step)."""
        ids = tuple(self.session.selected_ids)
        if ids:
            self.session.push(DeleteKeypoints(ids))
            self.session.finish_gesture()
            self.session.set_selection([])

    def _change_keypoint(self, kp_id: str, text: str, **changes: object) -> None:
        before = self.session.project.keypoint(kp_id)
        try:
            after = before.with_changes(**changes)
        except ValueError as error:
            self.message.emit(str(error))
            return
        if after != before:
            self.session.push(ChangeKeypoint(before, after, text))
            self.session.finish_gesture()

    def rename(self, kp_id: str) -> None:
        """Ask for a new name."""
        keypoint = self.session.project.keypoint(kp_id)
        name, ok = QInputDialog.getText(self, "Rename keypoint", "Name:", text=keypoint.name)
        if ok and name.strip():
            self._change_keypoint(kp_id, "Rename keypoint", name=name.strip())

    def recolour(self, kp_id: str) -> None:
        """Ask for a new colour."""
        colour = QColorDialog.getColor(QColor(self.session.project.keypoint(kp_id).color), self, "Keypoint colour")
        if colour.isValid():
            self._change_keypoint(kp_id, "Recolour keypoint", color=colour.name())

    def set_radius(self, kp_id: str) -> None:
        """Ask for a new radius of influence."""
        keypoint = self.session.project.keypoint(kp_id)
        limit = float(max(self.session.project.width, self.session.project.height))
        radius, ok = QInputDialog.getDouble(self, "Radius of influence", "Radius (pixels):",
                                            keypoint.radius, 1.0, limit, 1)
        if ok:
            self._change_keypoint(kp_id, "Change radius", radius=radius)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Rename, recolour, change the radius of or delete the keypoint under the mouse."""
        handle = self.handle_at(event.pos())
        if handle is None:
            return
        kp_id = handle.keypoint_id
        if kp_id not in self.session.selected_ids:
            self.session.set_selection([kp_id])
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.rename(kp_id))
        menu.addAction("Colour…", lambda: self.recolour(kp_id))
        menu.addAction("Radius of influence…", lambda: self.set_radius(kp_id))
        menu.addSeparator()
        menu.addAction("Delete", self.delete_selected)
        menu.exec(event.globalPos())
        menu.deleteLater()  # one per right-click: must not pile up on the canvas in a long session

    # ----- mouse and keys ---------------------------------------------------------------------------
    def _image_point(self, view_pos: QPoint | QPointF) -> tuple[float, float]:
        point = self.mapToScene(QPoint(round(view_pos.x()), round(view_pos.y())))
        return point.x(), point.y()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Start a pan, a handle drag, an added keypoint or a rubber band."""
        pos = event.position().toPoint()
        left = event.button() == Qt.MouseButton.LeftButton
        if event.button() == Qt.MouseButton.MiddleButton or (left and self._space_down):
            self._pan_from = pos
            self._space_panned = self._space_down
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        handle = self.handle_at(pos) if left else None
        if handle is not None:
            self._start_drag(handle, event)
            event.accept()
            return
        if left and self.add_mode:
            self.add_keypoint_at(*self._image_point(pos))
            event.accept()
            return
        super().mousePressEvent(event)

    def _start_drag(self, handle: KeypointHandle, event: QMouseEvent) -> None:
        kp_id = handle.keypoint_id
        selected = list(self.session.selected_ids)
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            selected = [i for i in selected if i != kp_id] if kp_id in selected else [*selected, kp_id]
            self.session.set_selection(selected)
            return
        self._click_target = kp_id if kp_id in selected and len(selected) > 1 else None
        if kp_id not in selected:
            selected = [kp_id]
            self.session.set_selection(selected)
        mode = ROTATE if event.modifiers() & Qt.KeyboardModifier.AltModifier else MOVE
        ids = [kp_id] if mode == ROTATE else selected
        drag = KeypointDrag(self.session, ids, self._image_point(event.position()), mode)
        if drag.refused:
            self.message.emit("Auto-key is off: turn it on (or press K) to move an animated keypoint")
        self._drag = drag

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Pan or drag."""
        pos = event.position().toPoint()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        if self._drag is not None:
            self._drag.update(self._image_point(event.position()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """End a pan or a drag (one undo step)."""
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton,
                                                             Qt.MouseButton.LeftButton):
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            drag, self._drag = self._drag, None
            drag.finish()
            if not drag.moved and self._click_target is not None:
                self.session.set_selection([self._click_target])
            self._click_target = None
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click on the image (not on a handle) adds a keypoint there."""
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and self.handle_at(pos) is None:
            self.add_keypoint_at(*self._image_point(pos))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Zoom about the mouse."""
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    def event(self, event: QEvent) -> bool:
        """Claim Space from the window's shortcuts while the canvas has focus (Space+drag pans)."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() == Qt.Key.Key_Space and not event.modifiers():
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space held arms panning."""
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            if not event.isAutoRepeat():
                self._space_down = True
                self._space_panned = False
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        """Space released: a tap (no pan) toggles playback."""
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().unsetCursor()
            if not self._space_panned:
                self.space_tapped.emit()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the image framed (unless the user zoomed) and the handles' size right."""
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()
        self._on_zoom_changed()

