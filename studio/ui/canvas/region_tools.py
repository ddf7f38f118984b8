"""Region tools on the canvas: the lasso and the brush edit the project's matte, one undo step per stroke.

Lasso (L): drag around an area to add it to the region; Alt+drag subtracts. Brush (B): paint the region;
Alt+paint subtracts; [ and ] make the brush smaller and larger. A stroke is drawn as an outline while the
button is down and painted into the matte (antialiased, with QPainter) on release. The PNG the project stores
is encoded on a worker thread; strokes land on the undo stack in the order they were drawn (``SetRegion``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsPathItem, QGraphicsScene
from shiboken6 import isValid

from studio.core.region import SetRegion
from studio.ui.canvas.region_item import RegionItem
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob, start_job

ADD_COLOUR = QColor(80, 200, 255)
SUBTRACT_COLOUR = QColor(255, 90, 90)
STROKE_Z = 20
BRUSH_STEP = 1.25


def encode_matte(matte: np.ndarray) -> bytes | None:
    """The PNG a matte is stored as (None for an empty matte: no region). Runs on a worker."""
    from studio.engine.region import encode_region

    return encode_region(matte) if matte.any() else None


def painted(matte: np.ndarray, draw: Callable[[QPainter], None]) -> np.ndarray:
    """A copy of ``matte`` (HxW uint8) with ``draw`` applied by an antialiased QPainter."""
    out = np.ascontiguousarray(matte, np.uint8).copy()
    height, width = out.shape
    image = QImage(out.data, width, height, width, QImage.Format.Format_Grayscale8)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(painter)
    painter.end()
    return out


class RegionEditor(QObject):
    """Turns finished strokes into ``SetRegion`` edits: encodes on a worker, pushes in stroke order.

    ``base(subtract)`` is the matte the next stroke starts from: the newest stroke's, even while it is still
    being encoded. ``message(str)`` reports a failed encode.
    """

    message = Signal(str)

    def __init__(self, session: Session, item: RegionItem) -> None:
        super().__init__()
        self.session = session
        self.item = item
        self._queue: list[list[object]] = []
        self._jobs: list[BackgroundJob] = []

    def base(self, subtract: bool) -> np.ndarray:
        """The region now (pending strokes included); without one, empty to add to or full to subtract from."""
        if self._queue:
            return self._queue[-1][0]  # type: ignore[return-value]
        matte = self.item.current_matte()
        if matte is not None:
            return matte
        project = self.session.project
        return np.full((project.height, project.width), 255 if subtract else 0, np.uint8)

    @property
    def busy(self) -> bool:
        """True while a stroke waits for its encode."""
        return bool(self._queue)

    def commit(self, matte: np.ndarray, text: str) -> None:
        """Queue a finished stroke's matte; it becomes an undo step once encoded (strokes keep their order)."""
        entry: list[object] = [matte, None, False, self.session.project, text]
        self._queue.append(entry)
        self.item.show_matte(matte)

        def done(png: bytes | None, entry: list[object] = entry) -> None:
            entry[1], entry[2] = png, True
            self._flush()

        def failed(reason: str, entry: list[object] = entry) -> None:
            self._queue.remove(entry)
            self.item.show_region(self.session.project.region_png)
            self.message.emit(f"Region not changed: {reason}")

        self._jobs = [job for job in self._jobs if isValid(job)]
        self._jobs.append(start_job(lambda: encode_matte(matte), done, failed))

    def _flush(self) -> None:
        while self._queue and self._queue[0][2]:
            matte, png, _, project, text = self._queue.pop(0)
            if project is not self.session.project:
                continue
            if png is not None:
                self.item.remember(png, matte)  # type: ignore[arg-type]
            self.session.push(SetRegion(png, text=str(text)))  # type: ignore[arg-type]
            self.session.finish_gesture()

    def shutdown(self) -> None:
        """Wait for pending encodes (they are short) so no thread outlives the window."""
        for job in self._jobs:
            if isValid(job):
                job.wait()


class _StrokeTool:
    """What the lasso and the brush share: the stroke's points, its outline on the canvas and Alt to subtract."""

    cursor = Qt.CursorShape.CrossCursor

    def __init__(self, scene: QGraphicsScene, editor: RegionEditor) -> None:
        self.scene = scene
        self.editor = editor
        self.points: list[QPointF] = []
        self.subtract = False
        self.outline: QGraphicsPathItem | None = None

    def _colour(self) -> QColor:
        return SUBTRACT_COLOUR if self.subtract else ADD_COLOUR

    def _begin(self, x: float, y: float, modifiers: Qt.KeyboardModifier) -> None:
        self.subtract = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        self.points = [QPointF(x, y)]
        self.outline = QGraphicsPathItem()
        self.outline.setZValue(STROKE_Z)
        self.scene.addItem(self.outline)

    def _end(self) -> list[QPointF]:
        points, self.points = self.points, []
        if self.outline is not None:
            self.scene.removeItem(self.outline)
            self.outline = None
        return points

    def context(self, x: float, y: float) -> bool:
        """Right-clicks go to the canvas menu."""
        return False

    def leave(self) -> None:
        """Drop an unfinished stroke."""
        self._end()


class LassoTool(_StrokeTool):
    """Drag a closed outline: its inside joins the region (Alt: leaves it)."""

    name = "lasso"
    hint = "Lasso: drag around the character to add it to the region; Alt+drag subtracts; Esc leaves the tool"

    def press(self, x: float, y: float, modifiers: Qt.KeyboardModifier) -> None:
        """Start the outline."""
        self._begin(x, y, modifiers)
        assert self.outline is not None
        self.outline.setPen(QPen(self._colour(), 0))
        colour = QColor(self._colour())
        colour.setAlpha(60)
        self.outline.setBrush(QBrush(colour))

    def move(self, x: float, y: float, dragging: bool) -> None:
        """Extend the outline."""
        if dragging and self.outline is not None:
            self.points.append(QPointF(x, y))
            self.outline.setPath(_closed_path(self.points))

    def release(self, x: float, y: float) -> None:
        """Fill the outline into the matte (nothing for fewer than three points)."""
        subtract = self.subtract
        points = self._end()
        if len(points) < 3:
            return
        polygon = QPolygonF(points)

        def fill(painter: QPainter) -> None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0) if subtract else QColor(255, 255, 255))
            painter.drawPolygon(polygon)

        verb = "Subtract from" if subtract else "Add to"
        self.editor.commit(painted(self.editor.base(subtract), fill), f"{verb} region (lasso)")

    def key(self, key: int) -> bool:
        """The lasso takes no keys."""
        return False


class BrushTool(_StrokeTool):
    """Paint the region with a round brush (Alt: erase); ``size`` is its diameter in image pixels."""

    name = "brush"
    hint = "Brush: paint the region; Alt+paint subtracts; [ and ] change the size; Esc leaves the tool"

    def __init__(self, scene: QGraphicsScene, editor: RegionEditor, size: float) -> None:
        super().__init__(scene, editor)
        self.size = size
        self.ring = QGraphicsEllipseItem()
        self.ring.setZValue(STROKE_Z)
        self.ring.setPen(QPen(QColor(255, 255, 255, 200), 0))
        self.ring.setVisible(False)
        scene.addItem(self.ring)

    def _pen(self) -> QPen:
        colour = QColor(self._colour())
        colour.setAlpha(120)
        return QPen(colour, self.size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)

    def press(self, x: float, y: float, modifiers: Qt.KeyboardModifier) -> None:
        """Start a stroke."""
        self._begin(x, y, modifiers)
        assert self.outline is not None
        self.outline.setPen(self._pen())
        self.outline.setPath(_open_path(self.points))

    def move(self, x: float, y: float, dragging: bool) -> None:
        """Show the brush under the mouse; extend the stroke while painting."""
        radius = self.size / 2
        self.ring.setRect(x - radius, y - radius, self.size, self.size)
        self.ring.setVisible(True)
        if dragging and self.outline is not None:
            self.points.append(QPointF(x, y))
            self.outline.setPath(_open_path(self.points))

    def release(self, x: float, y: float) -> None:
        """Paint the stroke into the matte."""
        subtract = self.subtract
        points = self._end()
        if not points:
            return
        size = self.size

        def stroke(painter: QPainter) -> None:
            colour = QColor(0, 0, 0) if subtract else QColor(255, 255, 255)
            painter.setPen(QPen(colour, size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF([*points, points[-1] + QPointF(0.01, 0)]))

        verb = "Subtract from" if subtract else "Add to"
        self.editor.commit(painted(self.editor.base(subtract), stroke), f"{verb} region (brush)")

    def key(self, key: int) -> bool:
        """[ and ] shrink and grow the brush."""
        if key == Qt.Key.Key_BracketLeft:
            self.size = max(1.0, self.size / BRUSH_STEP)
        elif key == Qt.Key.Key_BracketRight:
            self.size = min(4096.0, self.size * BRUSH_STEP)
        else:
            return False
        centre = self.ring.rect().center()
        self.ring.setRect(centre.x() - self.size / 2, centre.y() - self.size / 2, self.size, self.size)
        return True

    def leave(self) -> None:
        """Drop an unfinished stroke and hide the brush outline."""
        super().leave()
        self.ring.setVisible(False)


def _closed_path(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()
    return path


def _open_path(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath(points[0])
    for point in points[1:]:
        path.lineTo(point)
    if len(points) == 1:
        path.lineTo(points[0] + QPointF(0.01, 0))
    return path
