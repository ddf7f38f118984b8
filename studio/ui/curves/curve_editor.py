"""The curve editor: x, y, rotation (degrees) and scale of the selected keypoints over time (pyqtgraph).

Curves are the project's own sampling (``project.sample_values`` on a dense frame grid, one vectorised call).
Dragging a key or a Bezier tangent handle pushes ``replace_key`` edits with a merge key (one undo step per
drag); interpolation changes are ``set_interpolation`` edits, Easy Ease (F9) one ``easy_ease`` edit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QShowEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.easing import easy_ease
from studio.core.edits import delete_keys, replace_key, set_interpolation
from studio.core.tracks import CHANNELS, Interpolation
from studio.ui import theme as pal
from studio.ui.curves.curve_drags import HandleDrag, KeyDrag
from studio.ui.curves.curve_handles import (
    CurveKey,
    CurvePoint,
    channel_factor,
    handle_points,
    key_points,
)
from studio.ui.curves.curve_view_box import CurveViewBox, FrameAxis, PassiveScatter
from studio.ui.key_commands import (
    EASY_EASE_KEY,
    INTERPOLATIONS,
    KeyCommand,
    KeyCommands,
    KeyMenu,
    frames_by_keypoint,
)
from studio.ui.session import Session
from studio.ui.widgets.elided_label import ElidedLabel

CHANNEL_LABELS = ("X", "Y", "Rot°", "Scale")
SAMPLES_PER_FRAME = 3
MAX_SAMPLES = 20000
_HIT_PIXELS = 8.0
_SYMBOLS = {Interpolation.HOLD: "s", Interpolation.LINEAR: "d", Interpolation.SMOOTH: "o"}
DEFAULT_HEIGHT = 340
_gesture_ids = itertools.count(1)


class CurveEditor(QWidget):
    """Animation curves of the selected keypoints with draggable keys and tangent handles."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("curveEditor")
        self.channels_visible = [True, True, False, False]
        self.selected_keys: set[CurveKey] = set()
        self._commands = self._build_commands()
        self._points: list[CurvePoint] = []
        self._curves: dict[tuple[str, int], pg.PlotDataItem] = {}
        self._drag: KeyDrag | HandleDrag | None = None
        self._band_origin: QPointF | None = None
        self._band_base: set[CurveKey] = set()
        self._dirty = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._flush)
        self._build_plot()
        self._build_markers()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self._build_bar())
        layout.addWidget(self.plot, 1)
        self._menu = self._build_menu()
        session.project_replaced.connect(self._on_project_replaced)
        session.document_changed.connect(self._on_document_changed)
        session.frame_changed.connect(self._on_frame_changed)
        session.selection_changed.connect(self._on_selection_changed)
        self._rebuild()
        self.frame_all()

    def sizeHint(self) -> QSize:
        """Tall enough to read curves (the dock it shares with the timeline opens at this height)."""
        return QSize(super().sizeHint().width(), DEFAULT_HEIGHT)

    # ----- construction ----------------------------------------------------------------------------
    def _build_plot(self) -> None:
        """The plot with its gesture-aware view box and the scrubbable frame axis."""
        self.view_box = CurveViewBox()
        self.view_box.drag_started = self._on_drag_started
        self.view_box.drag_moved = self._on_drag_moved
        self.view_box.drag_finished = self._on_drag_finished
        self.view_box.clicked = self._on_clicked
        self.frame_axis = FrameAxis()
        self.frame_axis.scrubbed = lambda frame: self.session.set_frame(round(frame))
        self.frame_axis.scrub_ended = self.session.end_gesture
        self.frame_axis.scrub_started = self.session.begin_gesture
        self.plot = pg.PlotWidget(parent=self, viewBox=self.view_box, background=pal.BACKGROUND,
                                  axisItems={"bottom": self.frame_axis})
        self.plot.setObjectName("curvePlot")
        self.destroyed.connect(self.plot.getPlotItem().ctrlMenu.deleteLater)  # unparented; see docs/reliability.md
        self.plot.showGrid(x=False, y=False)
        self.plot.setLabel("bottom", "frame (click or drag here to scrub)")
        for name in ("bottom", "left"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(pal.GRID_MAJOR))
            axis.setTextPen(pg.mkPen(pal.TEXT_DIM))
        self.plot.getAxis("left").setWidth(56)

    def _build_markers(self) -> None:
        """Playhead line, keys, tangent handles and the rubber band, stacked over the curves."""
        self._frame_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(pal.PLAYHEAD, width=1.5))
        self._handle_lines = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(pal.TEXT_DIM, width=1))
        self._handles_item = PassiveScatter(size=7, symbol="o", pen=pg.mkPen(pal.TEXT),
                                            brush=pg.mkBrush(pal.BACKGROUND))
        self._keys_item = PassiveScatter(size=10, pen=pg.mkPen(pal.KEY_OUTLINE))
        self._key_pen = pg.mkPen(pal.KEY_OUTLINE)
        self._selected_brush = pg.mkBrush(pal.SELECTION)
        self._channel_brushes = [pg.mkBrush(c) for c in pal.CHANNEL_COLOURS]
        self._band_item = QGraphicsRectItem()
        self._band_item.setPen(pg.mkPen(pal.RUBBER_BAND_EDGE))
        self._band_item.setBrush(pg.mkBrush(pal.RUBBER_BAND_FILL))
        self._band_item.hide()
        for item, z in ((self._frame_line, 5), (self._handle_lines, 20), (self._keys_item, 30),
                        (self._handles_item, 40), (self._band_item, 50)):
            item.setZValue(z)
            self.plot.addItem(item)

    def _build_bar(self) -> QHBoxLayout:
        """Channel toggles, interpolation and tangent buttons, the shown keypoints, Frame all."""
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.setSpacing(2)
        self.channel_buttons: list[QToolButton] = []
        for channel, label in enumerate(CHANNEL_LABELS):
            button = self._tool_button(label, f"Show the {CHANNELS[channel]} channel", checkable=True)
            button.setChecked(self.channels_visible[channel])
            button.setStyleSheet(f"QToolButton:checked {{ color: {pal.CHANNEL_COLOURS[channel]}; "
                                 "font-weight: bold; }")
            button.toggled.connect(lambda on, c=channel: self.set_channel_visible(c, on))
            self.channel_buttons.append(button)
            bar.addWidget(button)
        bar.addSpacing(12)
        self.interpolation_buttons: dict[Interpolation, QToolButton] = {}
        for interpolation in INTERPOLATIONS:
            button = self._tool_button(interpolation.value.capitalize(),
                                       f"Selected keys: {interpolation.value} interpolation")
            button.clicked.connect(lambda _=False, i=interpolation: self.set_interpolation(i))
            self.interpolation_buttons[interpolation] = button
            bar.addWidget(button)
        self.easy_ease_button = self._tool_button("Easy ease", "Selected keys: ease in and out, flat tangents (F9)")
        self.easy_ease_button.clicked.connect(self.easy_ease)
        self.auto_tangents_button = self._tool_button("Auto tangents", "Selected keys: automatic tangents")
        self.auto_tangents_button.clicked.connect(self.reset_tangents)
        self._status = ElidedLabel("", self)
        self._status.setObjectName("curveStatus")
        self.frame_all_button = self._tool_button("Frame all", "Fit every visible curve (F)")
        self.frame_all_button.clicked.connect(self.frame_all)
        bar.addWidget(self.easy_ease_button)
        bar.addWidget(self.auto_tangents_button)
        bar.addSpacing(12)
        bar.addWidget(self._status, 1)
        bar.addWidget(self.frame_all_button)
        return bar

    def _build_menu(self) -> KeyMenu:
        menu = KeyMenu(self, self.set_interpolation, self.easy_ease, self._has_keys)
        menu.add("Auto tangents", self.reset_tangents, self._has_keys)
        menu.addSeparator()
        menu.add("Delete keys\tDel", self.delete_selected_keys, self._has_keys)
        menu.add("Frame all\tF", self.frame_all)
        return menu

    def _build_commands(self) -> KeyCommands:
        return KeyCommands(self, [
            KeyCommand((Qt.Key.Key_F,), self.frame_all),
            KeyCommand((Qt.Key.Key_Delete, Qt.Key.Key_Backspace), self.delete_selected_keys, self._has_keys),
            KeyCommand((EASY_EASE_KEY,), self.easy_ease, self._has_keys),
        ])

    def _has_keys(self) -> bool:
        return bool(self.selected_keys)

    def _tool_button(self, text: str, tip: str, checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    # ----- public API ------------------------------------------------------------------------------
    def set_channel_visible(self, channel: int, visible: bool) -> None:
        """Show or hide one channel's curves (0 x, 1 y, 2 rotation, 3 scale)."""
        if self.channels_visible[channel] != visible:
            self.channels_visible[channel] = visible
            self.selected_keys = {k for k in self.selected_keys if self.channels_visible[k[1]]}
            with QSignalBlocker(self.channel_buttons[channel]):
                self.channel_buttons[channel].setChecked(visible)
            self._rebuild()

    def visible_channels(self) -> list[int]:
        """Indices of the channels currently drawn."""
        return [c for c, on in enumerate(self.channels_visible) if on]

    def frame_all(self) -> None:
        """Fit the view to every visible curve, key and handle."""
        self._flush()
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        for item in self._curves.values():
            x, y = item.getData()
            if x is not None and len(x):
                xs.append(x)
                ys.append(y)
        if self._points:
            xs.append(np.array([p.x for p in self._points]))
            ys.append(np.array([p.y for p in self._points]))
        timing = self.session.project.timing
        if not xs:
            self.view_box.setRange(xRange=(timing.start, timing.end), yRange=(0.0, 1.0), padding=0.05)
            return
        x = np.concatenate(xs)
        y = np.concatenate(ys)
        y_lo, y_hi = float(y.min()), float(y.max())
        if y_hi - y_lo < 1e-6:
            y_lo, y_hi = y_lo - 1.0, y_hi + 1.0
        self.view_box.setRange(xRange=(float(x.min()), float(x.max())), yRange=(y_lo, y_hi), padding=0.08)

    def set_interpolation(self, interpolation: Interpolation) -> bool:
        """Give the selected keys this interpolation; False when no key is selected."""
        grouped = self._selected_frames()
        if not grouped:
            return False
        self.session.push(set_interpolation(self.session.project, grouped, interpolation))
        return True

    def easy_ease(self) -> bool:
        """Ease the selected keys in and out (smooth, flat tangents on their selected channels) in one undo step;
        False when no key is selected."""
        if not self.selected_keys:
            return False
        channels: dict[tuple[str, int], set[int]] = {}
        for kp_id, channel, frame in self.selected_keys:
            channels.setdefault((kp_id, frame), set()).add(channel)
        self.session.push(easy_ease(self.session.project, channels))
        return True

    def reset_tangents(self) -> bool:
        """Make the selected keys' tangents automatic again (one undo step); False when none is selected."""
        grouped = self._selected_frames()
        if not grouped:
            return False
        merge_key = f"curve-auto-{next(_gesture_ids)}"
        project = self.session.project
        for kp_id, frames in grouped.items():
            for frame in frames:
                key = project.track(kp_id).key_at(frame)
                if key is not None:
                    plain = key.with_changes(in_tangent=None, out_tangent=None)
                    self.session.push(replace_key(project, kp_id, frame, plain, merge_key))
        self.session.finish_gesture()
        return True

    def delete_selected_keys(self) -> bool:
        """Delete the selected keys; False when none is selected."""
        grouped = self._selected_frames()
        if not grouped:
            return False
        self.session.push(delete_keys(self.session.project, grouped))
        self.selected_keys = set()
        self._refresh()
        return True

    def view_to_widget(self, frame: float, value: float) -> QPoint:
        """Viewport pixel of a point in curve coordinates (frame, display value); for tests and tools."""
        scene = self.view_box.mapViewToScene(QPointF(frame, value))
        return self.plot.mapFromScene(scene)

    def points(self) -> list[CurvePoint]:
        """Keys and visible tangent handles currently drawn."""
        self._flush()
        return list(self._points)

    def curve_data(self, keypoint_id: str, channel: int) -> tuple[np.ndarray, np.ndarray]:
        """The drawn samples (frames, display values) of one curve."""
        self._flush()
        x, y = self._curves[(keypoint_id, channel)].getData()
        return np.asarray(x), np.asarray(y)

    # ----- building and refreshing ----------------------------------------------------------------
    def _shown_ids(self) -> list[str]:
        known = {kp.id for kp in self.session.project.keypoints}
        return [i for i in self.session.selected_ids if i in known]

    def _selected_frames(self) -> dict[str, list[int]]:
        return frames_by_keypoint((kp_id, frame) for kp_id, _channel, frame in self.selected_keys)

    def _rebuild(self) -> None:
        wanted = {(kp_id, c) for kp_id in self._shown_ids() for c in self.visible_channels()}
        for key in list(self._curves):
            if key not in wanted:
                self.plot.removeItem(self._curves.pop(key))
        for kp_index, kp_id in enumerate(self._shown_ids()):
            for channel in self.visible_channels():
                if (kp_id, channel) not in self._curves:
                    colour = QColor(pal.CHANNEL_COLOURS[channel]).lighter(100 + 30 * (kp_index % 3))
                    item = pg.PlotDataItem(pen=pg.mkPen(colour, width=1.6), antialias=True)
                    item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                    item.setZValue(10)
                    self.plot.addItem(item)
                    self._curves[(kp_id, channel)] = item
        self._refresh()

    def _refresh(self) -> None:
        """Redraw at the next event-loop turn (several changes coalesce; nothing happens while hidden)."""
        self._dirty = True
        if self.isVisible():
            self._refresh_timer.start()

    def _flush(self) -> None:
        if self._dirty:
            self._dirty = False
            self._refresh_now()

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with changes made while hidden (e.g. behind another dock tab)."""
        super().showEvent(event)
        self._flush()

    def _sample_grid(self) -> np.ndarray:
        project = self.session.project
        timing = project.timing
        frames = [f for kp_id in self._shown_ids() for f in project.track(kp_id).frames()]
        lo = min([timing.start, *frames]) - 5
        hi = max([timing.end, *frames]) + 5
        count = int(min(MAX_SAMPLES, (hi - lo) * SAMPLES_PER_FRAME + 1))
        keyed = np.array(frames, dtype=np.float64)
        return np.unique(np.concatenate([np.linspace(lo, hi, count), keyed, keyed - 1e-3]))

    def _refresh_now(self) -> None:
        project = self.session.project
        shown = self._shown_ids()
        self._status.setText(", ".join(project.keypoint(i).name for i in shown) if shown
                             else "Select a keypoint to see its curves")
        self._frame_line.setValue(self.session.current_frame)
        key_pts: list[CurvePoint] = []
        handle_pts: list[CurvePoint] = []
        if shown and self.visible_channels():
            grid = self._sample_grid()
            values = project.sample_values(grid)
            for kp_id in shown:
                k = project.index_of(kp_id)
                track = project.track(kp_id)
                for channel in self.visible_channels():
                    self._curves[(kp_id, channel)].setData(grid, values[:, k, channel] * channel_factor(channel))
                    key_pts.extend(key_points(kp_id, track, channel))
                    chosen = {f for i, c, f in self.selected_keys if i == kp_id and c == channel}
                    handle_pts.extend(handle_points(kp_id, track, channel, chosen))
        self._points = handle_pts + key_pts
        self._draw_markers(key_pts, handle_pts)

    def _draw_markers(self, key_pts: list[CurvePoint], handle_pts: list[CurvePoint]) -> None:
        project = self.session.project
        brushes = []
        symbols = []
        for p in key_pts:
            key = project.track(p.keypoint_id).key_at(p.frame)
            symbols.append(_SYMBOLS[key.interpolation] if key is not None else "o")
            selected = (p.keypoint_id, p.channel, p.frame) in self.selected_keys
            brushes.append(self._selected_brush if selected else self._channel_brushes[p.channel])
        self._keys_item.setData(x=[p.x for p in key_pts], y=[p.y for p in key_pts], symbol=symbols,
                                brush=brushes, pen=self._key_pen)
        self._handles_item.setData(x=[p.x for p in handle_pts], y=[p.y for p in handle_pts])
        line_x: list[float] = []
        line_y: list[float] = []
        factor = {c: channel_factor(c) for c in range(len(CHANNELS))}
        for p in handle_pts:
            key = project.track(p.keypoint_id).key_at(p.frame)
            if key is not None:
                line_x += [float(p.frame), p.x]
                line_y += [key.values[p.channel] * factor[p.channel], p.y]
        self._handle_lines.setData(line_x, line_y)

    # ----- hit testing and gestures ---------------------------------------------------------------
    def hit_test(self, scene_pos: QPointF) -> CurvePoint | None:
        """The handle or key drawn nearest to a scene position (within a few pixels); handles win ties."""
        self._flush()
        if not self._points:
            return None
        origin = self.view_box.mapViewToScene(QPointF(0.0, 0.0))
        unit_x = self.view_box.mapViewToScene(QPointF(1.0, 0.0)).x() - origin.x()
        unit_y = self.view_box.mapViewToScene(QPointF(0.0, 1.0)).y() - origin.y()
        xs = origin.x() + np.array([p.x for p in self._points]) * unit_x
        ys = origin.y() + np.array([p.y for p in self._points]) * unit_y
        dist = np.hypot(xs - scene_pos.x(), ys - scene_pos.y())
        best = int(np.argmin(dist))
        return self._points[best] if dist[best] <= _HIT_PIXELS else None

    def _select(self, point: CurvePoint, mode: str) -> None:
        """``mode``: "toggle" (shift-click), "only" (click) or "grab" (press to drag: keep a group)."""
        ref = (point.keypoint_id, point.channel, point.frame)
        if mode == "toggle":
            self.selected_keys ^= {ref}
        elif mode == "only" or ref not in self.selected_keys:
            self.selected_keys = {ref}
        self._refresh()

    def _on_clicked(self, scene_pos: QPointF, view_pos: QPointF, button: Qt.MouseButton,
                    modifiers: Qt.KeyboardModifier) -> bool:
        hit = self.hit_test(scene_pos)
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if button == Qt.MouseButton.LeftButton:
            if hit is None:
                if not shift and self.selected_keys:
                    self.selected_keys = set()
                    self._refresh()
            elif hit.kind == "key":
                self._select(hit, "toggle" if shift else "only")
            return True
        if button == Qt.MouseButton.RightButton:
            if hit is not None and hit.kind == "key" and (hit.keypoint_id, hit.channel, hit.frame) \
                    not in self.selected_keys:
                self._select(hit, "only")
            self._menu.popup_at(QCursor.pos())
            return True
        return False

    def _on_drag_started(self, scene_pos: QPointF, view_pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        hit = self.hit_test(scene_pos)
        if hit is None:
            band_modifiers = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
            if not modifiers & band_modifiers:
                return False
            self._band_origin = view_pos
            self._band_base = set(self.selected_keys) if modifiers & Qt.KeyboardModifier.ShiftModifier else set()
            self._band_item.setRect(QRectF(view_pos, view_pos))
            self._band_item.show()
            return True
        merge_key = f"curve-drag-{next(_gesture_ids)}"
        self.session.begin_gesture()
        if hit.kind == "key":
            self._select(hit, "grab")
            self._drag = KeyDrag(self.session, hit, set(self.selected_keys), merge_key)
        else:
            aligned = not bool(modifiers & Qt.KeyboardModifier.AltModifier)
            self._drag = HandleDrag(self.session, hit, merge_key, aligned)
        return True

    def _on_drag_moved(self, view_pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        if self._band_origin is not None:
            rect = QRectF(self._band_origin, view_pos).normalized()
            self._band_item.setRect(rect)
            inside = {(p.keypoint_id, p.channel, p.frame) for p in self.points()
                      if p.kind == "key" and rect.contains(QPointF(p.x, p.y))}
            if self._band_base | inside != self.selected_keys:
                self.selected_keys = self._band_base | inside
                self._refresh()
        elif isinstance(self._drag, KeyDrag):
            moved = self._drag.move_to(view_pos)
            if moved is not None:
                self.selected_keys = moved
                self._refresh()
        elif isinstance(self._drag, HandleDrag):
            self._drag.move_to(view_pos)

    def _on_drag_finished(self) -> None:
        if self._drag is not None and self._drag.moved:
            self.session.finish_gesture()
        self.session.end_gesture()
        self._drag = None
        self._band_origin = None
        self._band_item.hide()

    # ----- session handlers -----------------------------------------------------------------------
    def _on_project_replaced(self) -> None:
        self.selected_keys = set()
        self._drag = None
        self._rebuild()
        self.frame_all()

    def _on_document_changed(self, what: str) -> None:
        if what in ("tracks", "keypoints", "settings"):
            project = self.session.project
            self.selected_keys = {(i, c, f) for i, c, f in self.selected_keys
                                  if any(kp.id == i for kp in project.keypoints)
                                  and project.track(i).key_at(f) is not None}
            if what == "keypoints":
                self._rebuild()
            else:
                self._refresh()

    def _on_frame_changed(self, frame: int) -> None:
        self._frame_line.setValue(frame)

    def _on_selection_changed(self) -> None:
        shown = set(self._shown_ids())
        self.selected_keys = {k for k in self.selected_keys if k[0] in shown}
        self._rebuild()
        self.frame_all()

