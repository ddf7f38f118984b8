"""Onion skin on the canvas: ghost poses of the previous and next keyframes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

PREVIOUS_COLOUR = QColor(255, 110, 110, 210)
NEXT_COLOUR = QColor(100, 190, 255, 210)


class OnionSkinItem(QGraphicsItem):
    """Draws keypoint positions at the previous keyframe (red) and the next keyframe (blue).

    Each ghost is joined to the current position by a thin line, so the motion's direction shows.
    """

    def __init__(self) -> None:
        super().__init__()
        self._current = np.zeros((0, 2), np.float32)
        self._ghosts: list[tuple[np.ndarray, QColor]] = []
        self._rect = QRectF()
        self._view_scale = 1.0
        self.setZValue(5)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_poses(self, current: np.ndarray, previous: np.ndarray | None, following: np.ndarray | None) -> None:
        """Positions [K,2] now, at the previous keyframe and at the next keyframe (None when there is none)."""
        self.prepareGeometryChange()
        self._current = current
        self._ghosts = [(p, c) for p, c in ((previous, PREVIOUS_COLOUR), (following, NEXT_COLOUR))
                        if p is not None and len(p)]
        points = [current, *(p for p, _ in self._ghosts)]
        stacked = np.concatenate(points) if any(len(p) for p in points) else np.zeros((0, 2))
        if len(stacked):
            low, high = stacked.min(axis=0), stacked.max(axis=0)
            self._rect = QRectF(float(low[0]), float(low[1]), float(high[0] - low[0]),
                                float(high[1] - low[1])).adjusted(-20, -20, 20, 20)
        else:
            self._rect = QRectF()
        self.update()

    def set_view_scale(self, scale: float) -> None:
        """Screen pixels per image pixel, so ghost dots keep their size on screen."""
        if scale > 0:
            self.prepareGeometryChange()
            self._view_scale = scale

    def boundingRect(self) -> QRectF:
        """The area covering every ghost and current position."""
        margin = 8 / self._view_scale
        return self._rect.adjusted(-margin, -margin, margin, margin)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Draw each ghost as a hollow dot joined to the current position."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        px = 1.0 / self._view_scale
        dot = 5 * px
        for positions, colour in self._ghosts:
            painter.setPen(QPen(colour, 1.5 * px, Qt.PenStyle.DashLine))
            for (x, y), (cx, cy) in zip(positions, self._current, strict=False):
                painter.drawLine(QPointF(float(cx), float(cy)), QPointF(float(x), float(y)))
            painter.setPen(QPen(colour, 2 * px))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for x, y in positions:
                painter.drawEllipse(QPointF(float(x), float(y)), dot, dot)
