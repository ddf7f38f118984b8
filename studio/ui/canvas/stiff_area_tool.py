"""The Stiff Area tool: drag out a circle the mesh holds more rigidly (After Effects' Starch); right-click an
area to remove it. Each add or removal is one undo step (``add_stiff_area`` / ``remove_stiff_area``)."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsScene

from studio.core.errors import UserError
from studio.core.rig import StiffArea
from studio.core.rig_edits import add_stiff_area, remove_stiff_area
from studio.ui.session import Session

MIN_RADIUS = 2.0
DEFAULT_STRENGTH = 0.8


def stiff_area_at(areas: tuple[StiffArea, ...], x: float, y: float) -> int | None:
    """Index of the topmost (last added) stiff area containing (x, y), or None."""
    for index in range(len(areas) - 1, -1, -1):
        area = areas[index]
        if math.hypot(x - area.x, y - area.y) <= area.radius:
            return index
    return None


class StiffAreaTool:
    """Press at the centre, drag to the radius, release to add; ``strength`` (0..1] comes from the tool's options."""

    name = "stiff"
    hint = ("Stiff Area: drag from a centre to add a circle that resists bending; right-click one to remove it; "
            "Esc leaves the tool")
    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, scene: QGraphicsScene, session: Session) -> None:
        self.scene = scene
        self.session = session
        self.strength = DEFAULT_STRENGTH
        self._centre: tuple[float, float] | None = None
        self._ring = QGraphicsEllipseItem()
        self._ring.setZValue(20)
        self._ring.setPen(QPen(QColor(255, 210, 60), 0, Qt.PenStyle.DashLine))
        self._ring.setVisible(False)
        scene.addItem(self._ring)

    def press(self, x: float, y: float, modifiers: Qt.KeyboardModifier) -> None:
        """Start a circle at (x, y)."""
        self._centre = (x, y)
        self._ring.setRect(x, y, 0, 0)
        self._ring.setVisible(True)

    def move(self, x: float, y: float, dragging: bool) -> None:
        """Grow the circle to the mouse."""
        if dragging and self._centre is not None:
            cx, cy = self._centre
            radius = math.hypot(x - cx, y - cy)
            self._ring.setRect(cx - radius, cy - radius, 2 * radius, 2 * radius)

    def release(self, x: float, y: float) -> None:
        """Add the circle (one undo step) unless it is too small to mean anything."""
        centre, self._centre = self._centre, None
        self._ring.setVisible(False)
        if centre is None:
            return
        radius = math.hypot(x - centre[0], y - centre[1])
        if radius < MIN_RADIUS:
            return
        project = self.session.project
        self.session.push(add_stiff_area(project, StiffArea(centre[0], centre[1], radius, self.strength)))
        self.session.finish_gesture()

    def context(self, x: float, y: float) -> bool:
        """Remove the stiff area under a right-click (True when there was one)."""
        project = self.session.project
        index = stiff_area_at(project.stiff_areas, x, y)
        if index is None:
            return False
        try:
            self.session.push(remove_stiff_area(project, index))
        except UserError:
            return False
        self.session.finish_gesture()
        return True

    def key(self, key: int) -> bool:
        """The stiff-area tool takes no keys."""
        return False

    def leave(self) -> None:
        """Drop a circle being drawn."""
        self._centre = None
        self._ring.setVisible(False)
