"""The painted part of the timeline: frame ruler, playhead, one row of keyframe diamonds per keypoint.

Gestures are drag objects (timeline_drags); dragging keys is one undo step. K, Del, Ctrl+C, Ctrl+V and F9
set, delete, copy, paste and ease keys (key_commands, shared with the curve editor).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from studio.core.easing import easy_ease
from studio.core.edits import delete_keys, paste_keys, set_interpolation
from studio.core.tracks import CHANNELS, Interpolation, Keyframe
from studio.ui.key_commands import EASY_EASE_KEY, KeyCommand, KeyCommands, KeyMenu, frames_by_keypoint
from studio.ui.session import Session
from studio.ui.timeline.timeline_drags import BandDrag, KeyRef, KeysDrag, PanDrag, ScrubDrag, TimelineDrag
from studio.ui.timeline.timeline_geometry import HEADER_WIDTH, HIT_RADIUS, ROW_HEIGHT, ROWS_TOP, RULER_HEIGHT
from studio.ui.timeline.timeline_painter import TimelinePainter


class TimelineCanvas(QWidget):
    """Custom-painted ruler and key rows; owns the key selection and the time-axis zoom."""

    scroll_range_changed = Signal(int, int)
    scroll_y_changed = Signal(int)
    key_selection_changed = Signal()
    axis_changed = Signal()
    scrubbed = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.selected_keys: set[KeyRef] = set()
        self.clipboard: dict[str, tuple[Keyframe, ...]] = {}
        self._commands = self._build_commands()
        self._frame0 = 0.0
        self._ppf = 8.0
        self._painted_axis = (0.0, 0.0)
        self._scroll_y = 0
        self._fitted = False
        self._drag: TimelineDrag | None = None
        self._shown_selection: set[str] = set()
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

    @property
    def first_frame(self) -> float:
        """The (fractional) frame at the left edge of the key rows."""
        return self._frame0

    def set_first_frame(self, frame: float) -> None:
        """Scroll the time axis so ``frame`` sits at the left edge of the key rows."""
        self._frame0 = frame
        self.update()

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

    def ensure_row_visible(self, row: int) -> None:
        """Scroll the rows the least amount that shows row ``row`` whole."""
        top = row * ROW_HEIGHT
        page = max(ROW_HEIGHT, self.height() - ROWS_TOP)
        if top < self._scroll_y:
            self.set_scroll_y(top)
        elif top + ROW_HEIGHT > self._scroll_y + page:
            self.set_scroll_y(top + ROW_HEIGHT - page)

    def row_visible(self, row: int) -> bool:
        """Whether row ``row`` is shown whole."""
        top = row * ROW_HEIGHT - self._scroll_y
        return top >= 0 and top + ROW_HEIGHT <= self.height() - ROWS_TOP

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
        return frames_by_keypoint(self.selected_keys)

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

    def easy_ease(self) -> bool:
        """Ease the selected keys in and out (smooth, flat tangents) in one undo step; False when none is selected."""
        if not self.selected_keys:
            return False
        every_channel = range(len(CHANNELS))
        self.session.push(easy_ease(self.session.project, dict.fromkeys(self.selected_keys, every_channel)))
        return True

    def _has_keys(self) -> bool:
        return bool(self.selected_keys)

    def _has_clipboard(self) -> bool:
        return bool(self.clipboard)

    def _build_menu(self) -> KeyMenu:
        menu = KeyMenu(self, self.set_interpolation, self.easy_ease, self._has_keys)
        menu.addSeparator()
        menu.add("Copy keys\tCtrl+C", self.copy_keys, self._has_keys)
        menu.add("Paste keys at playhead\tCtrl+V", self.paste_keys, self._has_clipboard)
        menu.add("Delete keys\tDel", self.delete_selected_keys, self._has_keys)
        menu.addSeparator()
        menu.add("Set key\tK", self.set_key)
        menu.add("Fit frame range\tF", self.fit_range)
        return menu

    def _build_commands(self) -> KeyCommands:
        std = QKeySequence.StandardKey
        return KeyCommands(self, [
            KeyCommand((std.Copy,), self.copy_keys, self._has_keys),
            KeyCommand((std.Paste,), self.paste_keys, self._has_clipboard),
            KeyCommand((std.SelectAll,), self.select_all_keys),
            KeyCommand((Qt.Key.Key_K,), self.set_key),
            KeyCommand((Qt.Key.Key_Delete, Qt.Key.Key_Backspace), self.delete_selected_keys, self._has_keys),
            KeyCommand((Qt.Key.Key_F,), self.fit_range),
            KeyCommand((EASY_EASE_KEY,), self.easy_ease, self._has_keys),
        ])

    def select_all_keys(self) -> None:
        """Select every key of every keypoint."""
        project = self.session.project
        self.set_selected_keys({(kp.id, f) for kp in project.keypoints for f in project.track(kp.id).frames()})

    # ----- mouse ---------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Scrub in the ruler, select rows in the header, select/drag keys or rubber-band in the rows."""
        pos = event.position()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if event.button() == Qt.MouseButton.MiddleButton:
            self._drag = PanDrag(self, pos)
        elif event.button() == Qt.MouseButton.RightButton:
            hit = self.keys_at(pos)
            if hit and not hit <= self.selected_keys:
                self.set_selected_keys(hit)
            self._menu.popup_at(event.globalPosition().toPoint())
        elif event.button() == Qt.MouseButton.LeftButton:
            self._drag = self._left_press(pos, shift)
            self._announce_scrub()
        self.update()

    def _left_press(self, pos: QPointF, shift: bool) -> TimelineDrag | None:
        if pos.y() < RULER_HEIGHT:
            return ScrubDrag(self, pos)
        if pos.x() < HEADER_WIDTH:
            self._select_row(pos.y(), shift)
            return None
        hit = self.keys_at(pos)
        if not hit:
            base = set(self.selected_keys) if shift else set()
            self.set_selected_keys(base)
            return BandDrag(self, pos, base)
        if shift and hit <= self.selected_keys:
            self.set_selected_keys(self.selected_keys - hit)
            return None
        if shift:
            self.set_selected_keys(self.selected_keys | hit)
        elif not hit <= self.selected_keys:
            self.set_selected_keys(hit)
        narrow_to = hit if not shift and hit != self.selected_keys else None
        return KeysDrag(self.session, self.selected_keys, pos, self._ppf, self.set_selected_keys, narrow_to)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Continue the gesture started by the press; without one, show what a press would grab."""
        if self._drag is None:
            self._update_cursor(event.position())
            return
        self._drag.move_to(event.position())
        self._announce_scrub()
        self.update()

    def _announce_scrub(self) -> None:
        """While the ruler is dragged, say where (the sound plays a snippet there)."""
        if isinstance(self._drag, ScrubDrag):
            self.scrubbed.emit(self.session.current_frame)

    def _update_cursor(self, pos: QPointF) -> None:
        if pos.y() < RULER_HEIGHT and pos.x() >= HEADER_WIDTH:
            self.setCursor(Qt.CursorShape.SplitHCursor)
        elif self.keys_at(pos):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """End the gesture: a key drag becomes one undo step."""
        if self._drag is not None:
            self._drag.finish()
        self._drag = None
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click in the rows moves the playhead there."""
        pos = event.position()
        if pos.x() >= HEADER_WIDTH and pos.y() >= RULER_HEIGHT and event.button() == Qt.MouseButton.LeftButton:
            self.session.set_frame(round(self.x_to_frame(pos.x())))

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

    # ----- session handlers ------------------------------------------------------------------
    def _on_project_replaced(self) -> None:
        self.selected_keys = set()
        self.clipboard = {}
        self._drag = None
        self._shown_selection = set()
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
        if not isinstance(self._drag, ScrubDrag) and self.width() > HEADER_WIDTH:
            x = self.frame_to_x(frame)
            if x > self.width() - 10 or x < HEADER_WIDTH:
                self._frame0 = frame - 8 / self._ppf
        self.update()

    def _on_selection_changed(self) -> None:
        self._show_selected_rows()
        self.update()

    def _show_selected_rows(self) -> None:
        """Scroll to the top newly selected keypoint's row unless a newly selected row is already shown."""
        project = self.session.project
        known = {kp.id for kp in project.keypoints}
        selected = {i for i in self.session.selected_ids if i in known}
        rows = sorted(project.index_of(i) for i in selected - self._shown_selection)
        self._shown_selection = selected
        if rows and not any(self.row_visible(row) for row in rows):
            self.ensure_row_visible(rows[0])

    # ----- painting ------------------------------------------------------------------------------
    @property
    def scroll_y(self) -> int:
        """Vertical scroll offset of the keypoint rows, in pixels."""
        return self._scroll_y

    @property
    def band(self) -> QRectF | None:
        """The rubber band being dragged, if any."""
        return self._drag.rect if isinstance(self._drag, BandDrag) else None

    def paintEvent(self, event: QPaintEvent) -> None:
        """Rows, keys, summary, ruler and playhead (see TimelinePainter)."""
        painter = QPainter(self)
        self._painter.paint(painter)
        painter.end()
        if (self._frame0, self._ppf) != self._painted_axis:
            self._painted_axis = (self._frame0, self._ppf)
            self.axis_changed.emit()
