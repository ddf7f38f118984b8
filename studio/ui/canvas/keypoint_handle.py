"""A keypoint's handle on the canvas: dot, local-frame axis, radius-of-influence circle and name."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

DOT_PX = 6.0
LABEL_WIDTH_PX = 160.0
POSED_COLOUR = QColor("#ff9f1a")
LABEL_POINT_SIZE = 8.5


def label_font() -> QFont:
    """The font of the name label."""
    font = QFont()
    font.setPointSizeF(LABEL_POINT_SIZE)
    return font


class KeypointHandle(QGraphicsItem):
    """Shows one keypoint's pose at the current frame; the canvas turns drags on it into edits.

    Positions and the radius are in source-image pixels (scene units); the dot, outline and label
    keep a constant size on screen whatever the zoom (``set_view_scale``).
    """

    def __init__(self, keypoint_id: str) -> None:
        super().__init__()
        self.keypoint_id = keypoint_id
        self.name = ""
        self.color = QColor("#ffffff")
        self.radius = 1.0
        self.rotation_angle = 0.0
        self.frame_scale = 1.0
        self.animated = False
        self.posed = False
        self._view_scale = 1.0
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setZValue(10)

    def set_pose(self, x: float, y: float, rotation: float, scale: float) -> None:
        """Place the handle at a sampled pose (image pixels, radians, uniform scale)."""
        if (rotation, scale) != (self.rotation_angle, self.frame_scale):
            self.prepareGeometryChange()
            self.rotation_angle, self.frame_scale = rotation, scale
        self.setPos(x, y)

    def set_style(self, name: str, color: str, radius: float, animated: bool) -> None:
        """Update what the handle shows of the keypoint itself (repaints only when something changed)."""
        if (name, QColor(color), radius, animated) == (self.name, self.color, self.radius, self.animated):
            return
        self.prepareGeometryChange()
        self.name, self.color, self.radius, self.animated = name, QColor(color), radius, animated
        self.update()

    def set_posed(self, posed: bool) -> None:
        """Draw the handle as posed but not keyed (orange dashed outline) or normally."""
        if posed != self.posed:
            self.posed = posed
            self.update()

    def set_view_scale(self, scale: float) -> None:
        """Tell the handle how many screen pixels one image pixel takes (for constant-size drawing)."""
        if scale > 0 and scale != self._view_scale:
            self.prepareGeometryChange()
            self._view_scale = scale

    def dot_radius(self) -> float:
        """The dot's radius in scene units."""
        return DOT_PX / self._view_scale

    def _axis_length(self) -> float:
        return max(self.radius * 0.5, 3 * self.dot_radius()) * self.frame_scale

    def boundingRect(self) -> QRectF:
        """Everything the handle paints, in item coordinates."""
        reach = max(self.radius, self._axis_length(), 2.5 * self.dot_radius()) + 2 / self._view_scale
        label = LABEL_WIDTH_PX / self._view_scale
        return QRectF(-reach, -reach - 20 / self._view_scale, 2 * reach + label, 2 * reach + label)

    def label_box(self) -> QRectF:
        """The name label's box in screen pixels relative to the dot (drawn when selected)."""
        metrics = QFontMetricsF(label_font())
        return QRectF(DOT_PX + 5, -DOT_PX - metrics.height() - 2, metrics.horizontalAdvance(self.name) + 8,
                      metrics.height() + 2)

    def label_rect(self) -> QRectF:
        """The name label's box in item coordinates (image pixels)."""
        box = self.label_box()
        px = 1.0 / self._view_scale
        return QRectF(box.x() * px, box.y() * px, box.width() * px, box.height() * px)

    def ring_hit(self, x: float, y: float, tolerance: float) -> bool:
        """Whether scene point (x, y) lies within ``tolerance`` (scene units) of the radius circle."""
        distance = math.hypot(x - self.pos().x(), y - self.pos().y())
        return abs(distance - self.radius) <= tolerance

    def shape(self) -> QPainterPath:
        """Only the dot (a bit enlarged) grabs the mouse, not the radius circle."""
        path = QPainterPath()
        grab = self.dot_radius() * 1.7
        path.addEllipse(QPointF(0, 0), grab, grab)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Draw the radius circle, the local-frame axis, the dot and (when selected) the name."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        px = 1.0 / self._view_scale
        selected = self.isSelected()
        ring = QColor(self.color)
        ring.setAlpha(150 if selected else 70)
        pen = QPen(ring, px * (1.5 if selected else 1.0), Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QPointF(0, 0), self.radius, self.radius)
        length = self._axis_length()
        dx, dy = math.cos(self.rotation_angle), math.sin(self.rotation_angle)
        painter.setPen(QPen(self.color, 2 * px))
        painter.drawLine(QPointF(0, 0), QPointF(dx * length, dy * length))
        painter.drawLine(QPointF(0, 0), QPointF(-dy * length * 0.5, dx * length * 0.5))
        dot = self.dot_radius()
        if self.posed:
            painter.setPen(QPen(POSED_COLOUR, 2 * px, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(0, 0), dot * 2.2, dot * 2.2)
        painter.setPen(QPen(QColor("#ffffff") if selected else QColor("#101014"), 2 * px))
        painter.setBrush(self.color)
        if self.animated:
            diamond = QPainterPath()
            diamond.moveTo(0, -dot * 1.25)
            diamond.lineTo(dot * 1.25, 0)
            diamond.lineTo(0, dot * 1.25)
            diamond.lineTo(-dot * 1.25, 0)
            diamond.closeSubpath()
            painter.drawPath(diamond)
        else:
            painter.drawEllipse(QPointF(0, 0), dot, dot)
        if selected and self.name:
            painter.save()
            painter.scale(px, px)
            painter.setFont(label_font())
            box = self.label_box()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(16, 16, 20, 190))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor("#f1f3f5"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.name)
            painter.restore()
