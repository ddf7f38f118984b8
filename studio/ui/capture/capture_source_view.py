"""The capture panel's small source view: the newest camera/video frame with the tracked landmarks on it.

Clicking reports the frame pixel under the mouse, so the panel can pick the nearest landmark or place a flow point.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.ui.images import image_from_array

POINT_COLOUR = QColor("#4dabf7")
BOUND_COLOUR = QColor("#ffd43b")


class CaptureSourceView(QWidget):
    """Paints a frame (shown at ``view_scale`` view pixels per frame pixel) and points in frame pixels.

    ``clicked(x, y)`` gives the clicked position in frame pixels.
    """

    clicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captureSourceView")
        self.setMinimumSize(200, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image: QImage | None = None
        self._scale = 1.0
        self._points = np.zeros((0, 2), dtype=np.float32)
        self._highlight: set[int] = set()
        self._message = "No source running"

    @property
    def points(self) -> np.ndarray:
        """The points on display [N, 2] in frame pixels (NaN = not seen)."""
        return self._points

    @property
    def message(self) -> str:
        """The line shown when there is no frame."""
        return self._message

    def show_frame(self, view: np.ndarray, view_scale: float, points: np.ndarray | None = None) -> None:
        """Show a display-sized RGB frame and, optionally, points [N, 2] in full-frame pixels."""
        self._image = image_from_array(view)
        self._scale = view_scale
        if points is not None:
            self._points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
        self._message = ""
        self.update()

    def set_points(self, points: np.ndarray, highlight: set[int] | None = None) -> None:
        """Replace the points [N, 2] (frame pixels) and which indices to draw as bound."""
        self._points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
        if highlight is not None:
            self._highlight = set(highlight)
        self.update()

    def set_highlight(self, indices: set[int]) -> None:
        """Draw these point indices larger, in the bound colour."""
        self._highlight = set(indices)
        self.update()

    def set_message(self, text: str) -> None:
        """A line shown when there is no frame."""
        self._message = text
        self.update()

    def _target(self) -> QRectF:
        """Where the frame is drawn: scaled to fit, centred."""
        assert self._image is not None
        width, height = self._image.width(), self._image.height()
        fit = min(self.width() / width, self.height() / height)
        x0, y0 = (self.width() - width * fit) / 2, (self.height() - height * fit) / 2
        return QRectF(x0, y0, width * fit, height * fit)

    def frame_position(self, x: float, y: float) -> tuple[float, float] | None:
        """The frame pixel under widget position (x, y), or None outside the frame."""
        if self._image is None:
            return None
        target = self._target()
        if not target.contains(QPointF(x, y)):
            return None
        per_frame_pixel = target.width() / self._image.width() * self._scale
        return (x - target.x()) / per_frame_pixel, (y - target.y()) / per_frame_pixel

    def widget_position(self, x: float, y: float) -> QPointF:
        """The widget position of frame pixel (x, y) (a frame must be shown)."""
        assert self._image is not None
        target = self._target()
        per_frame_pixel = target.width() / self._image.width() * self._scale
        return QPointF(target.x() + x * per_frame_pixel, target.y() + y * per_frame_pixel)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Report left clicks on the frame in frame pixels."""
        position = event.position()
        mapped = self.frame_position(position.x(), position.y())
        if event.button() == Qt.MouseButton.LeftButton and mapped is not None:
            self.clicked.emit(*mapped)
            event.accept()
            return
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The frame, then the points (bound ones larger)."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1e1e1e"))
        if self._image is None:
            painter.setPen(QColor("#aaaaaa"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._message)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(self._target(), self._image)
        painter.setPen(Qt.PenStyle.NoPen)
        for index, (x, y) in enumerate(self._points):
            if np.isnan(x) or np.isnan(y):
                continue
            bound = index in self._highlight
            painter.setBrush(BOUND_COLOUR if bound else POINT_COLOUR)
            radius = 3.5 if bound else 1.5
            painter.drawEllipse(self.widget_position(float(x), float(y)), radius, radius)


def nearest_point(points: np.ndarray, x: float, y: float) -> int | None:
    """Index of the point [N, 2] nearest to (x, y), ignoring NaN points; None when there is none."""
    if not len(points):
        return None
    distances = np.hypot(points[:, 0] - x, points[:, 1] - y)
    if np.isnan(distances).all():
        return None
    return int(np.nanargmin(distances))
