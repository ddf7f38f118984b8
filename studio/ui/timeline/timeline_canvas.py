"""The painted part of the timeline: frame ruler, playhead, one row of keyframe diamonds per keypoint.

Gestures become core edits pushed through the session: dragging keys pushes ``move_keys`` edits with a
merge key (one undo step per drag); K, Del, Ctrl+C and Ctrl+V set, delete, copy and paste keys.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QMenu, QWidget

from studio.core.edits import delete_keys, move_keys, paste_keys, set_interpolation
from studio.core.tracks import Interpolation, Keyframe
from studio.ui.session import Session
from studio.ui.timeline.timeline_geometry import HEADER_WIDTH, HIT_RADIUS, ROW_HEIGHT, ROWS_TOP, RULER_HEIGHT
from studio.ui.timeline.timeline_painter import TimelinePainter

_gesture_ids = itertools.count(1)

KeyRef = tuple[str, int]


class TimelineCanvas(QWidget):
    """Custom-painted ruler and key rows; owns the key selection and the time-axis zoom."""

    scroll_range_changed = Signal(int, int)
    scroll_y_changed = Signal(int)
    key_selection_changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.selected_keys: set[KeyRef] = set()
        self.clipboard: dict[str, tuple[Keyframe, ...]] = {}
        self._frame0 = 0.0
        self._ppf = 8.0
        self._scroll_y = 0
        self._fitted = False
        self._mode: str | None = None
        self._press = QPointF()
        self._band: QRectF | None = None
        self._band_base: set[KeyRef] = set()
        self._drag_offset = 0
        self._drag_pushed = False
        self._narrow_to: set[KeyRef] | None = None
        self._drag_frames: dict[str, list[int]] = {}
        self._drag_blocked: dict[str, set[int]] = {}
        self._merge_key = ""
        self._pan_frame0 = 0.0
        self.setObjectName("timelineCanvas")
        self.setMouseTracking(True)
        self._menu = self._build_menu()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(ROWS_TOP + 3 * ROW_HEIGHT)
        self.label_font = QFont(self.font())
        self.label_font.setPointSizeF(max(7.0, self.label_font.pointSizeF() * 0.9))
        self._painter = TimelinePainter(self)
        session.project_replaced.connect(self._on_project_replaced)
        session.document_changed.connect(self._on_document_changed)
        session.frame_changed.connect(self._on_frame_changed)
        session.selection_changed.connect(self._on_selection_changed)

    # ----- geometry -------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        """Room for the ruler and a handful of rows."""
        return QSize(640, ROWS_TOP + 6 * ROW_HEIGHT)

    @property
    def pixels_per_frame(self) -> float:
        """Current zoom of the time axis."""
        return self._ppf

    def frame_to_x(self, frame: float) -> float:
        """Widget x of a frame's centre."""
        return HEADER_WIDTH + (frame - self._frame0) * self._ppf

    def x_to_frame(self, x: float) -> float:
        """Fractional frame under widget x."""
        return self._frame0 + (x - HEADER_WIDTH) / self._ppf

    def row_center_y(self, row: int) -> float:
        """Widget y of the middle of keypoint row ``row``."""
        return ROWS_TOP + row * ROW_HEIGHT + ROW_HEIGHT / 2 - self._scroll_y

    @staticmethod
    def summary_center_y() -> float:
        """Widget y of the middle of the fixed "All keys" row under the ruler."""
        return RULER_HEIGHT + ROW_HEIGHT / 2

    def key_position(self, keypoint_id: str, frame: int) -> QPointF:
        """Widget position of a key's diamond."""
        return QPointF(self.frame_to_x(frame), self.row_center_y(self.session.project.index_of(keypoint_id)))

    def content_height(self) -> int:
        """Height of all rows (for the vertical scroll bar)."""
        return len(self.session.project.keypoints) * ROW_HEIGHT

    def set_scroll_y(self, value: int) -> None:
        """Scroll the rows vertically (the ruler and the "All keys" row stay put)."""
        maximum = max(0, self.content_height() - max(1, self.height() - ROWS_TOP))
        value = max(0, min(int(value), maximum))
        if value != self._scroll_y:
            self._scroll_y = value
            self.scroll_y_changed.emit(value)
            self.update()

    def fit_range(self) -> None:
        """Zoom the time axis so the whole frame range fills the width."""
        timing = self.session.project.timing
        width = max(50, self.width() - HEADER_WIDTH - 16)
        self._ppf = max(0.02, min(60.0, width / max(1, timing.frame_count)))
        self._frame0 = timing.start - 8 / self._ppf
        self.update()

    def zoom(self, factor: float, anchor_x: float) -> None:
        """Zoom the time axis by ``factor`` keeping the frame under ``anchor_x`` in place."""
        anchor = self.x_to_frame(anchor_x)
        self._ppf = max(0.02, min(80.0, self._ppf * factor))
        self._frame0 = anchor - (anchor_x - HEADER_WIDTH) / self._ppf
        self.update()

    def _emit_scroll_range(self) -> None:
        page = max(1, self.height() - ROWS_TOP)
        maximum = max(0, self.content_height() - page)
        self._scroll_y = min(self._scroll_y, maximum)
        self.scroll_range_changed.emit(maximum, page)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the range on the first layout; keep the scroll range right."""
        super().resizeEvent(event)
        if not self._fitted and self.width() > HEADER_WIDTH + 50:
            self._fitted = True
            self.fit_range()
        self._emit_scroll_range()

    # ----- hit tests ------------------------------------------------------------------------
    def _keys_on_frames(self, lo: float, hi: float) -> set[KeyRef]:
        project = self.session.project
        return {(kp.id, f) for kp in project.keypoints for f in project.track(kp.id).frames() if lo <= f <= hi}

    def _nearest_frame(self, frames: list[int], x: float) -> int | None:
        best: int | None = None
        best_dist = float(HIT_RADIUS)
        for frame in frames:
            dist = abs(self.frame_to_x(frame) - x)
            if dist <= best_dist:
                best, best_dist = frame, dist
        return best

    def keys_at(self, pos: QPointF) -> set[KeyRef]:
        """Keys under ``pos``: one diamond in a keypoint row, or every key on a frame in the "All keys" row."""
        project = self.session.project
        if pos.y() < RULER_HEIGHT or pos.x() < HEADER_WIDTH:
            return set()
        if pos.y() < ROWS_TOP:
            frame = self._nearest_frame(project.keyed_frames(), pos.x())
            return set() if frame is None else self._keys_on_frames(frame, frame)
        row = int((pos.y() + self._scroll_y - ROWS_TOP) // ROW_HEIGHT)
        if not 0 <= row < len(project.keypoints):
            return set()
        kp_id = project.keypoints[row].id
        frame = self._nearest_frame(project.track(kp_id).frames(), pos.x())
        return set() if frame is None else {(kp_id, frame)}

    def keys_in_rect(self, rect: QRectF) -> set[KeyRef]:
        """Every key whose diamond centre lies inside ``rect``."""
        found: set[KeyRef] = set()
        if rect.top() <= self.summary_center_y() <= rect.bottom():
            found |= self._keys_on_frames(self.x_to_frame(rect.left()), self.x_to_frame(rect.right()))
        for row, kp in enumerate(self.session.project.keypoints):
            y = self.row_center_y(row)
            if y < ROWS_TOP or not rect.top() <= y <= rect.bottom():
                continue
            for frame in self.session.project.track(kp.id).frames():
                if rect.left() <= self.frame_to_x(frame) <= rect.right():
                    found.add((kp.id, frame))
        return found

    # ----- key operations (core edits) ------------------------------------------------------
    def set_selected_keys(self, keys: set[KeyRef]) -> None:
        """Replace the key selection."""
        if keys != self.selected_keys:
            self.selected_keys = set(keys)
            self.key_selection_changed.emit()
            self.update()

    def _selected_by_keypoint(self) -> dict[str, list[int]]:
        grouped: dict[str, list[int]] = {}
        for kp_id, frame in sorted(self.selected_keys):
            grouped.setdefault(kp_id, []).append(frame)
        return grouped

    def set_key(self) -> None:
        """Key the selected keypoints (all when none is selected) at the playhead with their current pose."""
        project = self.session.project
        ids = self.session.selected_ids or [kp.id for kp in project.keypoints]
        self.session.key_current(ids)

    def delete_selected_keys(self) -> bool:
        """Delete the selected keys; False when none were selected."""
        if not self.selected_keys:
            return False
        self.session.push(delete_keys(self.session.project, self._selected_by_keypoint()))
        self.set_selected_keys(set())
        return True

    def copy_keys(self) -> bool:
        """Copy the selected keys to the timeline clipboard; False when none were selected."""
        if not self.selected_keys:
            return False
        project = self.session.project
        self.clipboard = {
            kp_id: tuple(k for k in project.track(kp_id).keys if k.frame in set(frames))
            for kp_id, frames in self._selected_by_keypoint().items()
        }
        return True

    def paste_keys(self) -> bool:
        """Paste copied keys with the earliest one at the playhead; False when there is nothing to paste."""
        project = self.session.project
        known = {kp.id for kp in project.keypoints}
        clipboard = {kp_id: keys for kp_id, keys in self.clipboard.items() if kp_id in known and keys}
        if not clipboard:
            return False
        at = self.session.current_frame
        self.session.push(paste_keys(project, clipboard, at))
        origin = min(k.frame for keys in clipboard.values() for k in keys)
        self.set_selected_keys({(kp_id, k.frame - origin + at) for kp_id, keys in clipboard.items() for k in keys})
        return True

    def set_interpolation(self, interpolation: Interpolation) -> bool:
        """Give the selected keys this interpolation; False when none is selected."""
        if not self.selected_keys:
            return False
        self.session.push(set_interpolation(self.session.project, self._selected_by_keypoint(), interpolation))
        return True

    def _build_menu(self) -> QMenu:
        menu = QMenu(self)
        self._menu_key_actions: list[QAction] = []
        for interpolation in (Interpolation.HOLD, Interpolation.LINEAR, Interpolation.SMOOTH):
            action = menu.addAction(f"{interpolation.value.capitalize()} interpolation")
            action.triggered.connect(lambda _=False, i=interpolation: self.set_interpolation(i))
            self._menu_key_actions.append(action)
        menu.addSeparator()
        copy = menu.addAction("Copy keys\tCtrl+C")
        copy.triggered.connect(self.copy_keys)
        self._paste_action = menu.addAction("Paste keys at playhead\tCtrl+V")
        self._paste_action.triggered.connect(self.paste_keys)
        delete = menu.addAction("Delete keys\tDel")
        delete.triggered.connect(self.delete_selected_keys)
        self._menu_key_actions += [copy, delete]
        menu.addSeparator()
        menu.addAction("Set key\tK").triggered.connect(self.set_key)
        menu.addAction("Fit frame range\tF").triggered.connect(self.fit_range)
        return menu

    def _show_menu(self, global_pos: QPoint) -> None:
        for action in self._menu_key_actions:
            action.setEnabled(bool(self.selected_keys))
        self._paste_action.setEnabled(bool(self.clipboard))
        self._menu.popup(global_pos)

    def select_all_keys(self) -> None:
        """Select every key of every keypoint."""
        project = self.session.project
        self.set_selected_keys({(kp.id, f) for kp in project.keypoints for f in project.track(kp.id).frames()})

    # ----- dragging keys ----------------------------------------------------------------------
    def _begin_move(self) -> None:
        project = self.session.project
        self._drag_frames = self._selected_by_keypoint()
        self._drag_blocked = {
            kp_id: set(project.track(kp_id).frames()) - set(frames) for kp_id, frames in self._drag_frames.items()
        }
        self._drag_offset = 0
        self._drag_pushed = False
        self._merge_key = f"timeline-move-{next(_gesture_ids)}"

    def _move_to(self, offset: int) -> None:
        if offset == self._drag_offset:
            return
        for kp_id, frames in self._drag_frames.items():
            if any(f + offset in self._drag_blocked[kp_id] for f in frames):
                return
        current = {kp_id: [f + self._drag_offset for f in frames] for kp_id, frames in self._drag_frames.items()}
        edit = move_keys(self.session.project, current, offset - self._drag_offset, self._merge_key)
        self._drag_offset = offset
        self._drag_pushed = True
        self.selected_keys = {(kp_id, f + offset) for kp_id, frames in self._drag_frames.items() for f in frames}
        self.session.push(edit)
        self.key_selection_changed.emit()

    # ----- mouse ---------------------------------------------------------------------------------
    def _scrub(self, x: float) -> None:
        self.session.set_frame(round(self.x_to_frame(x)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Scrub in the ruler, select rows in the header, select/drag keys or rubber-band in the rows."""
        pos = event.position()
        self._press = pos
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if event.button() == Qt.MouseButton.MiddleButton:
            self._mode = "pan"
            self._pan_frame0 = self._frame0
            return
        if event.button() == Qt.MouseButton.RightButton:
            hit = self.keys_at(pos)
            if hit and not hit <= self.selected_keys:
                self.set_selected_keys(hit)
            self._show_menu(event.globalPosition().toPoint())
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if pos.y() < RULER_HEIGHT:
            self._mode = "scrub"
            self._scrub(max(pos.x(), HEADER_WIDTH))
            return
        if pos.x() < HEADER_WIDTH:
            self._select_row(pos.y(), shift)
            return
        hit = self.keys_at(pos)
        if not hit:
            self._mode = "band"
            self._band_base = set(self.selected_keys) if shift else set()
            self._band = QRectF(pos, pos)
            if not shift:
                self.set_selected_keys(set())
            return
        if shift:
            if hit <= self.selected_keys:
                self.set_selected_keys(self.selected_keys - hit)
                return
            self.set_selected_keys(self.selected_keys | hit)
        elif not hit <= self.selected_keys:
            self.set_selected_keys(hit)
        self._narrow_to = hit if not shift and hit != self.selected_keys else None
        self._mode = "move"
        self._begin_move()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Continue the gesture started by the press; without one, show what a press would grab."""
        pos = event.position()
        if self._mode is None:
            self._update_cursor(pos)
        elif self._mode == "scrub":
            self._scrub(max(pos.x(), HEADER_WIDTH))
        elif self._mode == "move":
            self._move_to(round((pos.x() - self._press.x()) / self._ppf))
        elif self._mode == "band":
            self._band = QRectF(self._press, pos).normalized()
            self.set_selected_keys(self._band_base | self.keys_in_rect(self._band))
            self.update()
        elif self._mode == "pan":
            self._frame0 = self._pan_frame0 - (pos.x() - self._press.x()) / self._ppf
            self.update()

    def _update_cursor(self, pos: QPointF) -> None:
        if pos.y() < RULER_HEIGHT and pos.x() >= HEADER_WIDTH:
            self.setCursor(Qt.CursorShape.SplitHCursor)
        elif self.keys_at(pos):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """End the gesture: a key drag becomes one undo step."""
        if self._mode == "move":
            if self._drag_pushed:
                self.session.finish_gesture()
            elif self._narrow_to is not None:
                self.set_selected_keys(self._narrow_to)
        self._mode = None
        self._band = None
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click in the rows moves the playhead there."""
        pos = event.position()
        if pos.x() >= HEADER_WIDTH and pos.y() >= RULER_HEIGHT and event.button() == Qt.MouseButton.LeftButton:
            self._scrub(pos.x())

    def _select_row(self, y: float, shift: bool) -> None:
        project = self.session.project
        if y < ROWS_TOP:
            return
        row = int((y + self._scroll_y - ROWS_TOP) // ROW_HEIGHT)
        if not 0 <= row < len(project.keypoints):
            if not shift:
                self.session.set_selection([])
            return
        kp_id = project.keypoints[row].id
        selected = list(self.session.selected_ids)
        if shift:
            selected = [i for i in selected if i != kp_id] if kp_id in selected else [*selected, kp_id]
        else:
            selected = [kp_id]
        self.session.set_selection(selected)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Wheel zooms time around the cursor; Shift+wheel pans; wheel over the names scrolls rows."""
        steps = event.angleDelta().y() / 120.0 or event.angleDelta().x() / 120.0
        pos = event.position()
        if pos.x() < HEADER_WIDTH and pos.y() >= ROWS_TOP:
            self.set_scroll_y(self._scroll_y - int(steps * ROW_HEIGHT * 2))
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._frame0 -= steps * 40 / self._ppf
            self.update()
        else:
            self.zoom(1.2 ** steps, max(pos.x(), HEADER_WIDTH))
        event.accept()

    # ----- keyboard ------------------------------------------------------------------------------
    def _key_action(self, event: QKeyEvent) -> str | None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.matches(QKeySequence.StandardKey.Copy):
            return "copy" if self.selected_keys else None
        if event.matches(QKeySequence.StandardKey.Paste):
            return "paste" if self.clipboard else None
        if event.matches(QKeySequence.StandardKey.SelectAll):
            return "select_all"
        if mods != Qt.KeyboardModifier.NoModifier:
            return None
        if key == Qt.Key.Key_K:
            return "set_key"
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return "delete" if self.selected_keys else None
        if key == Qt.Key.Key_F:
            return "fit"
        return None

    def event(self, event: QEvent) -> bool:
        """Claim our keys before window-wide shortcuts (Del deletes keys here, not keypoints)."""
        if event.type() == QEvent.Type.ShortcutOverride and self._key_action(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """K set key, Del delete keys, Ctrl+C/Ctrl+V copy/paste at the playhead, Ctrl+A all keys, F fit."""
        action = self._key_action(event)
        if action == "set_key":
            self.set_key()
        elif action == "delete":
            self.delete_selected_keys()
        elif action == "copy":
            self.copy_keys()
        elif action == "paste":
            self.paste_keys()
        elif action == "select_all":
            self.select_all_keys()
        elif action == "fit":
            self.fit_range()
        else:
            super().keyPressEvent(event)

    # ----- session handlers ------------------------------------------------------------------
    def _on_project_replaced(self) -> None:
        self.selected_keys = set()
        self.clipboard = {}
        self._mode = None
        self._scroll_y = 0
        self.fit_range()
        self._emit_scroll_range()
        self.key_selection_changed.emit()

    def _on_document_changed(self, what: str) -> None:
        if what in ("tracks", "keypoints"):
            project = self.session.project
            known = {kp.id: set(project.track(kp.id).frames()) for kp in project.keypoints}
            kept = {(i, f) for i, f in self.selected_keys if f in known.get(i, ())}
            if kept != self.selected_keys:
                self.selected_keys = kept
                self.key_selection_changed.emit()
            if what == "keypoints":
                self._emit_scroll_range()
        self.update()

    def _on_frame_changed(self, frame: int) -> None:
        if self._mode != "scrub" and self.width() > HEADER_WIDTH:
            x = self.frame_to_x(frame)
            if x > self.width() - 10 or x < HEADER_WIDTH:
                self._frame0 = frame - 8 / self._ppf
        self.update()

    def _on_selection_changed(self) -> None:
        self.update()

    # ----- painting ------------------------------------------------------------------------------
    @property
    def scroll_y(self) -> int:
        """Vertical scroll offset of the keypoint rows, in pixels."""
        return self._scroll_y

    @property
    def band(self) -> QRectF | None:
        """The rubber band being dragged, if any."""
        return self._band

    def paintEvent(self, event: QPaintEvent) -> None:
        """Rows, keys, summary, ruler and playhead (see TimelinePainter)."""
        painter = QPainter(self)
        self._painter.paint(painter)
        painter.end()
