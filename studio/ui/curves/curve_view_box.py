"""The curve editor's pyqtgraph ViewBox: left drags on a key or tangent handle go to the editor,
everything else pans and zooms as usual."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

PressHandler = Callable[[QPointF, QPointF, Qt.KeyboardModifier], bool]
MoveHandler = Callable[[QPointF, Qt.KeyboardModifier], None]
FinishHandler = Callable[[], None]
ClickHandler = Callable[[QPointF, QPointF, Qt.MouseButton, Qt.KeyboardModifier], bool]


class CurveViewBox(pg.ViewBox):
    """A ViewBox that asks its editor whether a drag grabs an item before panning."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.drag_started: PressHandler | None = None
        self.drag_moved: MoveHandler | None = None
        self.drag_finished: FinishHandler | None = None
        self.clicked: ClickHandler | None = None
        self._grabbing = False

    def mouseDragEvent(self, ev: object, axis: int | None = None) -> None:
        """Route left drags that start on a key or handle to the editor (data coordinates)."""
        if ev.button() == Qt.MouseButton.LeftButton and axis is None:
            if ev.isStart():
                start_scene = ev.buttonDownScenePos()
                self._grabbing = bool(self.drag_started and self.drag_started(
                    start_scene, self.mapSceneToView(start_scene), ev.modifiers()))
            if self._grabbing:
                ev.accept()
                if self.drag_moved is not None:
                    self.drag_moved(self.mapSceneToView(ev.scenePos()), ev.modifiers())
                if ev.isFinish():
                    self._grabbing = False
                    if self.drag_finished is not None:
                        self.drag_finished()
                return
        super().mouseDragEvent(ev, axis)

    def mouseClickEvent(self, ev: object) -> None:
        """Clicks select keys (left) or open the key menu (right)."""
        if self.clicked is not None and self.clicked(
                ev.scenePos(), self.mapSceneToView(ev.scenePos()), ev.button(), ev.modifiers()):
            ev.accept()
            return
        super().mouseClickEvent(ev)


class PassiveScatter(pg.ScatterPlotItem):
    """Scatter markers that never swallow clicks, so the ViewBox sees them."""

    def mouseClickEvent(self, ev: object) -> None:
        """Let the click fall through to the ViewBox."""
        ev.ignore()


class FrameAxis(pg.AxisItem):
    """The bottom (frame) axis: clicking or dragging on it scrubs the playhead instead of panning."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom")
        self.scrubbed: Callable[[float], None] | None = None
        self.scrub_started: Callable[[], None] = lambda: None
        self.scrub_ended: Callable[[], None] = lambda: None

    def _scrub(self, ev: object) -> None:
        view = self.linkedView()
        if view is not None and self.scrubbed is not None:
            self.scrubbed(view.mapSceneToView(ev.scenePos()).x())

    def mouseClickEvent(self, ev: object) -> None:
        """A click on the axis moves the playhead there."""
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self._scrub(ev)

    def mouseDragEvent(self, ev: object) -> None:
        """Dragging along the axis scrubs; other buttons keep the axis pan/zoom."""
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            if ev.isStart():
                self.scrub_started()
            self._scrub(ev)
            if ev.isFinish():
                self.scrub_ended()
            return
        super().mouseDragEvent(ev)
