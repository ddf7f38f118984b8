"""The canvas: the source image with a handle per keypoint showing its pose at the current frame.

Zoom with the wheel (``fit``, ``actual_size``), pan with a middle drag or Space+drag, add keypoints with
the add tool or a double-click, drag handles (Alt+drag turns and scales a keypoint's local frame),
drag a selected keypoint's radius circle to change its radius, select with clicks, Shift+click and a
rubber band, rename in place (F2 or a double-click on the handle or its name) and edit a keypoint from
its context menu (Parent to… / Unparent too). Handles stand at world poses (parents composed); thin lines join
children to parents, thick ones are sticks, hatched circles stiff areas. A tool (``set_tool``: region lasso and
brush, stiff areas) takes the left button while active; Escape leaves it.
The preview overlay draws the latest generated frame over the source image, under the handles; the region tint
and the mesh overlay sit between them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QContextMenuEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QColorDialog,
    QGraphicsScene,
    QGraphicsView,
    QInputDialog,
    QWidget,
)

from studio.core.edits import AddKeypoint, ChangeKeypoint
from studio.core.errors import UserError
from studio.core.keypoints import PALETTE, Keypoint, new_keypoint_id
from studio.core.rig_edits import delete_keypoints, set_parent
from studio.ui.canvas.canvas_tool import CanvasTool
from studio.ui.canvas.keypoint_drag import MOVE, ROTATE, KeypointDrag, clamp_to_image
from studio.ui.canvas.keypoint_handle import KeypointHandle
from studio.ui.canvas.keypoint_menu import keypoint_menu
from studio.ui.canvas.mesh_overlay_item import MeshOverlayItem
from studio.ui.canvas.name_editor import NameEditor
from studio.ui.canvas.onion_skin_item import OnionSkinItem
from studio.ui.canvas.preview_overlay_item import PreviewOverlayItem
from studio.ui.canvas.radius_drag import RadiusDrag
from studio.ui.canvas.region_item import RegionItem
from studio.ui.canvas.rig_overlay_item import RigOverlayItem
from studio.ui.canvas.source_image import SourceImage
from studio.ui.session import Session

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.02, 64.0
RING_GRAB_PX = 5.0


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
    released without panning (the window toggles playback), ``hint_changed(str)`` the active tool's hint
    ("" without a tool), ``tools_left()`` when Escape switched the tools off.
    """

    message = Signal(str)
    space_tapped = Signal()
    hint_changed = Signal(str)
    tools_left = Signal()

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
        self.viewport().setMouseTracking(True)
        self.source = SourceImage(self)
        self.source.failed.connect(self.message)
        self.scene().addItem(self.source.item)
        self._onion = OnionSkinItem()
        self._onion.setVisible(False)
        self.scene().addItem(self._onion)
        self.preview_overlay = PreviewOverlayItem()
        self.scene().addItem(self.preview_overlay)
        self.region_item = RegionItem()
        self.region_item.setVisible(False)
        self.mesh_overlay = MeshOverlayItem()
        self.mesh_overlay.setVisible(False)
        self.rig_overlay = RigOverlayItem()
        for item in (self.region_item, self.mesh_overlay, self.rig_overlay):
            self.scene().addItem(item)
        self.handles: dict[str, KeypointHandle] = {}
        self.add_mode = False
        self.tool: CanvasTool | None = None
        self.menu_actions: list[QAction] = []
        self._auto_fit = True
        self._drag: KeypointDrag | RadiusDrag | None = None
        self.name_editor = NameEditor(self.viewport())
        self.name_editor.committed.connect(lambda kp_id, name: self._change_keypoint(kp_id, name=name))
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
        session.pose_changed.connect(self._update_poses)
        session.pose_dropped.connect(self._on_pose_dropped)
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
        rect = QRectF(0, 0, self.session.project.width, self.session.project.height)
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

    def set_tool(self, tool: CanvasTool | None) -> None:
        """Hand the left button to ``tool`` (None: back to editing keypoints); the previous tool is left."""
        if self.tool is not None and self.tool is not tool:
            self.tool.leave()
        self.tool = tool
        if tool is not None:
            self.set_add_mode(False)
            self.viewport().setCursor(tool.cursor)
        else:
            self.viewport().unsetCursor()
        self.hint_changed.emit(tool.hint if tool is not None else "")

    def leave_tools(self) -> None:
        """Escape: switch off the active tool and the add tool."""
        self.set_tool(None)
        self.set_add_mode(False)
        self.tools_left.emit()

    def set_onion_skin(self, enabled: bool) -> None:
        """Show or hide the previous/next keyframe ghosts."""
        self._onion.setVisible(enabled)
        self._update_onion()

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
        self.rig_overlay.set_view_scale(scale)

    # ----- document -> items ------------------------------------------------------------------------
    def _on_project_replaced(self) -> None:
        self.name_editor.cancel()
        project = self.session.project
        self.source.show_png(project.source_png)
        self.preview_overlay.set_image(None)
        self.preview_overlay.set_source_size(project.width, project.height)
        self.region_item.show_region(project.region_png)
        self.mesh_overlay.set_mesh(None)
        self.scene().setSceneRect(QRectF(-project.width, -project.height, 3 * project.width, 3 * project.height))
        for handle in self.handles.values():
            self.scene().removeItem(handle)
        self.handles = {}
        self._sync_handles()
        self.fit()

    def _on_document_changed(self, what: str) -> None:
        if what in ("keypoints", "tracks"):
            self._sync_handles()
        elif what in ("settings", "rig"):
            self._update_poses()
        elif what == "region":
            self.region_item.show_region(self.session.project.region_png)

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
        values = self.session.world_values(self.session.current_frame).reshape(-1, 4)
        posed = self.session.posed
        for kp, (x, y, rotation, scale) in zip(project.keypoints, values, strict=True):
            handle = self.handles[kp.id]
            handle.set_pose(float(x), float(y), float(rotation), float(scale))
            handle.set_posed(kp.id in posed)
        self.rig_overlay.show_project(project, values)
        self._update_onion()

    def _on_pose_dropped(self, count: int) -> None:
        what = "pose" if count == 1 else f"poses of {count} keypoints"
        self.message.emit(f"Unkeyed {what} dropped: press K before moving on to keep a pose")

    def _update_onion(self) -> None:
        if not self._onion.isVisible():
            return
        project = self.session.project
        frame = self.session.current_frame
        keyed = project.keyed_frames()
        previous = [f for f in keyed if f < frame]
        following = [f for f in keyed if f > frame]
        current = self.session.sample(frame).positions[0]
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

    def ring_at(self, view_pos: QPoint) -> KeypointHandle | None:
        """The selected handle whose radius circle passes under a viewport position, if any."""
        x, y = self._image_point(view_pos)
        tolerance = RING_GRAB_PX / self.zoom()
        for kp_id in reversed(self.session.selected_ids):
            handle = self.handles.get(kp_id)
            if handle is not None and handle.ring_hit(x, y, tolerance):
                return handle
        return None

    def label_at(self, view_pos: QPoint) -> KeypointHandle | None:
        """The selected handle whose name label is under a viewport position, if any."""
        point = self.mapToScene(view_pos)
        for kp_id in self.session.selected_ids:
            handle = self.handles.get(kp_id)
            if handle is not None and handle.label_rect().contains(handle.mapFromScene(point)):
                return handle
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
            self.session.push(delete_keypoints(self.session.project, ids, self.session.current_frame))
            self.session.finish_gesture()
            self.session.set_selection([])

    def set_parent(self, ids: list[str], parent_id: str | None) -> None:
        """Parent keypoints to ``parent_id`` (None: unparent them), keeping where they stand; one undo step."""
        try:
            edit = set_parent(self.session.project, ids, parent_id, self.session.current_frame)
        except (UserError, KeyError) as error:
            self.message.emit(f"Not parented: {error}")
            return
        self.session.push(edit)
        self.session.finish_gesture()

    def _change_keypoint(self, kp_id: str, **changes: object) -> None:
        try:
            before = self.session.project.keypoint(kp_id)
            after = before.with_changes(**changes)
        except (KeyError, ValueError) as error:
            self.message.emit(f"Keypoint not changed: {error}")
            return
        if after != before:
            self.session.push(ChangeKeypoint(before, after))
            self.session.finish_gesture()

    def rename(self, kp_id: str) -> None:
        """Rename in place: an editor over the handle's name label (Return keeps, Escape cancels)."""
        handle = self.handles[kp_id]
        if kp_id not in self.session.selected_ids:
            self.session.set_selection([kp_id])
        box = handle.label_box()
        at = self.mapFromScene(handle.pos()) + QPoint(round(box.x()), round(box.y()))
        self.name_editor.start(kp_id, handle.name, at)

    def rename_selected(self) -> None:
        """Rename the last selected keypoint in place (F2)."""
        if self.session.selected_ids:
            self.rename(self.session.selected_ids[-1])

    def recolour(self, kp_id: str) -> None:
        """Ask for a new colour."""
        colour = QColorDialog.getColor(QColor(self.session.project.keypoint(kp_id).color), self, "Keypoint colour")
        if colour.isValid():
            self._change_keypoint(kp_id, color=colour.name())

    def set_radius(self, kp_id: str) -> None:
        """Ask for a new radius of influence."""
        keypoint = self.session.project.keypoint(kp_id)
        limit = float(max(self.session.project.width, self.session.project.height))
        radius, ok = QInputDialog.getDouble(self, "Radius of influence", "Radius (pixels):",
                                            keypoint.radius, 1.0, limit, 1)
        if ok:
            self._change_keypoint(kp_id, radius=radius)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """The active tool's right-click (removing a stiff area), else the keypoint under the mouse's menu."""
        if self.tool is not None and self.tool.context(*self._image_point(event.pos())):
            return
        handle = self.handle_at(event.pos())
        if handle is None:
            return
        kp_id = handle.keypoint_id
        if kp_id not in self.session.selected_ids:
            self.session.set_selection([kp_id])
        menu = keypoint_menu(self, kp_id, self, self.menu_actions)
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
        if left and self.tool is not None:
            self.tool.press(*self._image_point(pos), event.modifiers())
            event.accept()
            return
        handle = self.handle_at(pos) if left else None
        if handle is not None:
            self._start_drag(handle, event)
            event.accept()
            return
        ring = self.ring_at(pos) if left else None
        if ring is not None:
            self._drag = RadiusDrag(self.session, ring.keypoint_id, (ring.pos().x(), ring.pos().y()))
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
        if drag.posed:
            self.message.emit("Auto-key is off: posed, not keyed (press K to key it; moving on drops it)")
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
        if self.tool is not None:
            self.tool.move(*self._image_point(pos), bool(event.buttons() & Qt.MouseButton.LeftButton))
            event.accept()
            return
        if event.buttons() == Qt.MouseButton.NoButton and not (self.add_mode or self._space_down):
            self._show_ring_cursor(self.handle_at(pos) is None and self.ring_at(pos) is not None)
        super().mouseMoveEvent(event)

    def _show_ring_cursor(self, on_ring: bool) -> None:
        if on_ring:
            self.viewport().setCursor(Qt.CursorShape.SizeFDiagCursor)
        else:
            self.viewport().unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """End a pan or a drag (one undo step)."""
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton,
                                                             Qt.MouseButton.LeftButton):
            self._pan_from = None
            self._restore_cursor()
            event.accept()
            return
        if self.tool is not None and event.button() == Qt.MouseButton.LeftButton:
            self.tool.release(*self._image_point(event.position()))
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
        """Double-click on a handle or its name renames it in place; elsewhere on the image it adds a keypoint."""
        pos = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        handle = self.handle_at(pos) or self.label_at(pos)
        if handle is not None:
            self.rename(handle.keypoint_id)
        else:
            self.add_keypoint_at(*self._image_point(pos))
        event.accept()

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

    def _restore_cursor(self) -> None:
        if self.tool is not None:
            self.viewport().setCursor(self.tool.cursor)
        else:
            self.viewport().unsetCursor()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space held arms panning; F2 renames the selected keypoint in place; Escape leaves the tools; the
        active tool gets the other keys first ([ and ] size the brush)."""
        if event.key() == Qt.Key.Key_Escape and (self.tool is not None or self.add_mode):
            self.leave_tools()
            event.accept()
            return
        if self.tool is not None and self.tool.key(event.key()):
            event.accept()
            return
        if event.key() == Qt.Key.Key_F2:
            self.rename_selected()
            event.accept()
            return
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
            self._restore_cursor()
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

