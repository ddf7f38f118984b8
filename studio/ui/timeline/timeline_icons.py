"""Transport and key icons painted with QPainter, so they look the same on every platform and font."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from studio.ui.theme import AUTO_KEY, SELECTION, TEXT

_SIZE = 32


def _triangle(painter: QPainter, x0: float, x1: float, pointing_right: bool) -> None:
    tip, base = (x1, x0) if pointing_right else (x0, x1)
    painter.drawPolygon(QPolygonF([QPointF(base, 8), QPointF(tip, 16), QPointF(base, 24)]))


def _draw(kind: str, painter: QPainter, colour: QColor) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    if kind == "play":
        _triangle(painter, 10, 25, True)
    elif kind == "pause":
        painter.drawRect(QRectF(9, 8, 5, 16))
        painter.drawRect(QRectF(18, 8, 5, 16))
    elif kind == "step_back":
        painter.drawRect(QRectF(8, 9, 3, 14))
        _triangle(painter, 12, 24, False)
    elif kind == "step_forward":
        painter.drawRect(QRectF(21, 9, 3, 14))
        _triangle(painter, 8, 20, True)
    elif kind == "first":
        painter.drawRect(QRectF(6, 8, 3, 16))
        _triangle(painter, 9, 18, False)
        _triangle(painter, 17, 26, False)
    elif kind == "last":
        painter.drawRect(QRectF(23, 8, 3, 16))
        _triangle(painter, 6, 15, True)
        _triangle(painter, 14, 23, True)
    elif kind == "loop":
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(colour, 2.4))
        path = QPainterPath()
        path.addRoundedRect(QRectF(6, 9, 20, 14), 6, 6)
        painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([QPointF(15, 5), QPointF(21, 9), QPointF(15, 13)]))
    elif kind == "key":
        painter.drawPolygon(QPolygonF([QPointF(16, 6), QPointF(26, 16), QPointF(16, 26), QPointF(6, 16)]))
    elif kind == "auto_key":
        painter.drawEllipse(QRectF(8, 8, 16, 16))
    else:
        raise ValueError(f"unknown icon {kind!r}")


def make_icon(kind: str) -> QIcon:
    """An icon for a transport button: play, pause, step_back, step_forward, first, last, loop, key, auto_key.

    The checked state (loop on, auto-key on) is drawn highlighted.
    """
    icon = QIcon()
    on_colour = AUTO_KEY if kind == "auto_key" else SELECTION
    for state, colour in ((QIcon.State.Off, TEXT), (QIcon.State.On, on_colour)):
        pixmap = QPixmap(_SIZE, _SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _draw(kind, painter, QColor(colour))
        painter.end()
        icon.addPixmap(pixmap, QIcon.Mode.Normal, state)
    return icon
