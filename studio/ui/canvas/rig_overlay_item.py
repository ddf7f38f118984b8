"""The rig on the canvas: thin lines from each child to its parent, thick sticks, hatched stiff areas."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from studio.core.project import Project
from studio.core.rig import StiffArea, parent_indices

RIG_Z = 4
LINK_COLOUR = QColor(255, 255, 255, 150)
STICK_COLOUR = QColor(60, 220, 255, 220)
STIFF_COLOUR = QColor(255, 210, 60)


class RigOverlayItem(QGraphicsItem):
    """Draws parent links, sticks and stiff areas in source-image pixels (lines keep their width on screen).

    ``links`` and ``sticks`` are pairs of keypoint indices into ``positions`` [K, 2] (world positions now).
    """

    def __init__(self) -> None:
        super().__init__()
        self._positions = np.zeros((0, 2), np.float64)
        self._links: list[tuple[int, int]] = []
        self._sticks: list[tuple[int, int]] = []
        self._areas: tuple[StiffArea, ...] = ()
        self._rect = QRectF()
        self._view_scale = 1.0
        self.setZValue(RIG_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    @property
    def links(self) -> list[tuple[int, int]]:
        """The (child, parent) index pairs drawn now."""
        return list(self._links)

    @property
    def sticks(self) -> list[tuple[int, int]]:
        """The stick index pairs drawn now."""
        return list(self._sticks)

    def set_rig(self, positions: np.ndarray, links: list[tuple[int, int]], sticks: list[tuple[int, int]],
                areas: tuple[StiffArea, ...]) -> None:
        """Show this rig: world positions [K, 2], (child, parent) links, stick pairs and the stiff areas."""
        self.prepareGeometryChange()
        self._positions = np.asarray(positions, np.float64).reshape(-1, 2)
        self._links, self._sticks, self._areas = list(links), list(sticks), tuple(areas)
        rects = [QRectF(a.x - a.radius, a.y - a.radius, 2 * a.radius, 2 * a.radius) for a in self._areas]
        if len(self._positions):
            low, high = self._positions.min(axis=0), self._positions.max(axis=0)
            rects.append(QRectF(float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1])))
        self._rect = QRectF()
        for rect in rects:
            self._rect = self._rect.united(rect)
        self.update()

    def show_project(self, project: Project, world: np.ndarray) -> None:
        """Show the project's rig with the keypoints at world values [K, 4]."""
        index = {kp.id: i for i, kp in enumerate(project.keypoints)}
        links = [(int(child), int(parent)) for child, parent in enumerate(parent_indices(project.keypoints))
                 if parent >= 0]
        sticks = [(index[s.a], index[s.b]) for s in project.sticks if s.a in index and s.b in index]
        self.set_rig(world[:, :2], links, sticks, project.stiff_areas)

    def set_view_scale(self, scale: float) -> None:
        """Screen pixels per image pixel, so lines keep their width on screen."""
        if scale > 0:
            self.prepareGeometryChange()
            self._view_scale = scale

    def boundingRect(self) -> QRectF:
        """Every link, stick and stiff area, with room for the pen."""
        margin = 6 / self._view_scale
        return self._rect.adjusted(-margin, -margin, margin, margin)

    def _point(self, index: int) -> QPointF:
        x, y = self._positions[index]
        return QPointF(float(x), float(y))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Stiff areas first (hatched discs), then sticks (thick), then links (thin, dashed)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        px = 1.0 / self._view_scale
        for area in self._areas:
            fill = QColor(STIFF_COLOUR)
            fill.setAlphaF(0.15 + 0.25 * area.strength)
            painter.setPen(QPen(STIFF_COLOUR, 1.5 * px))
            painter.setBrush(QBrush(fill))
            painter.drawEllipse(QPointF(area.x, area.y), area.radius, area.radius)
            hatch = QBrush(STIFF_COLOUR, Qt.BrushStyle.BDiagPattern)
            hatch.setTransform(painter.transform().inverted()[0])
            painter.setBrush(hatch)
            painter.drawEllipse(QPointF(area.x, area.y), area.radius, area.radius)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(STICK_COLOUR, 5 * px, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for a, b in self._sticks:
            painter.drawLine(self._point(a), self._point(b))
        painter.setPen(QPen(LINK_COLOUR, 1.2 * px, Qt.PenStyle.DashLine))
        for child, parent in self._links:
            painter.drawLine(self._point(child), self._point(parent))
