"""Painting of the timeline canvas: rows, key diamonds, the "All keys" row, ruler and playhead.

Kept apart from TimelineCanvas (which owns gestures and state) so each file has one job.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen, QPolygonF

from studio.core.tracks import Interpolation
from studio.ui import theme as pal
from studio.ui.timeline.timeline_geometry import DIAMOND, HEADER_WIDTH, ROW_HEIGHT, ROWS_TOP, RULER_HEIGHT, TICK_STEPS

if TYPE_CHECKING:
    from studio.ui.timeline.timeline_canvas import TimelineCanvas


class TimelinePainter:
    """Draws one TimelineCanvas with QPainter (reads its geometry, selection and session)."""

    def __init__(self, canvas: TimelineCanvas) -> None:
        self.c = canvas

    def _tick_step(self) -> int:
        for step in TICK_STEPS:
            if step * self.c.pixels_per_frame >= 56:
                return step
        return TICK_STEPS[-1]

    def paint(self, painter: QPainter) -> None:
        """Rows, keys, summary row, ruler, playhead and rubber band, back to front."""
        painter.setFont(self.c.label_font)
        painter.fillRect(self.c.rect(), pal.BACKGROUND)
        self._paint_rows(painter)
        self._paint_range_and_grid(painter)
        self._paint_keys(painter)
        self._paint_summary(painter)
        self._paint_ruler(painter)
        self._paint_playhead(painter)
        if self.c.band is not None:
            painter.setPen(QPen(pal.RUBBER_BAND_EDGE, 1))
            painter.setBrush(pal.RUBBER_BAND_FILL)
            painter.drawRect(self.c.band)

    def _visible_rows(self) -> range:
        count = len(self.c.session.project.keypoints)
        first = max(0, self.c.scroll_y // ROW_HEIGHT)
        last = min(count, (self.c.scroll_y + self.c.height() - ROWS_TOP) // ROW_HEIGHT + 1)
        return range(first, last)

    def _paint_rows(self, painter: QPainter) -> None:
        project = self.c.session.project
        selected = set(self.c.session.selected_ids)
        metrics = QFontMetrics(self.c.label_font)
        painter.save()
        painter.setClipRect(QRect(0, ROWS_TOP, self.c.width(), self.c.height() - ROWS_TOP))
        for row in self._visible_rows():
            kp = project.keypoints[row]
            top = int(self.c.row_center_y(row) - ROW_HEIGHT / 2)
            colour = pal.ROW_SELECTED if kp.id in selected else (pal.ROW_EVEN if row % 2 == 0 else pal.ROW_ODD)
            painter.fillRect(QRect(0, top, self.c.width(), ROW_HEIGHT), colour)
            painter.fillRect(QRect(0, top, HEADER_WIDTH, ROW_HEIGHT),
                             pal.ROW_SELECTED.lighter(115) if kp.id in selected else pal.HEADER)
            painter.fillRect(QRect(8, top + 6, 10, ROW_HEIGHT - 12), QColor(kp.color))
            painter.setPen(pal.TEXT if kp.id in selected else pal.TEXT_DIM)
            name = metrics.elidedText(kp.name, Qt.TextElideMode.ElideRight, HEADER_WIDTH - 32)
            painter.drawText(QRect(26, top, HEADER_WIDTH - 30, ROW_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
        painter.setPen(pal.GRID_MAJOR)
        painter.drawLine(HEADER_WIDTH, RULER_HEIGHT, HEADER_WIDTH, self.c.height())
        painter.restore()

    def _paint_range_and_grid(self, painter: QPainter) -> None:
        timing = self.c.session.project.timing
        painter.save()
        area = QRect(HEADER_WIDTH + 1, RULER_HEIGHT, self.c.width() - HEADER_WIDTH, self.c.height() - RULER_HEIGHT)
        painter.setClipRect(area)
        step = self._tick_step()
        first = math.floor(self.c.x_to_frame(HEADER_WIDTH) / step) * step
        frame = first
        painter.setPen(QPen(pal.GRID, 1))
        while self.c.frame_to_x(frame) < self.c.width():
            x = round(self.c.frame_to_x(frame))
            painter.drawLine(x, RULER_HEIGHT, x, self.c.height())
            frame += step
        left = self.c.frame_to_x(timing.start - 0.5)
        right = self.c.frame_to_x(timing.end + 0.5)
        if left > HEADER_WIDTH:
            painter.fillRect(QRectF(HEADER_WIDTH, RULER_HEIGHT, left - HEADER_WIDTH, area.height()), pal.OUT_OF_RANGE)
        if right < self.c.width():
            painter.fillRect(QRectF(right, RULER_HEIGHT, self.c.width() - right, area.height()), pal.OUT_OF_RANGE)
        painter.restore()

    def _paint_keys(self, painter: QPainter) -> None:
        project = self.c.session.project
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setClipRect(QRect(HEADER_WIDTH + 1, ROWS_TOP, self.c.width() - HEADER_WIDTH,
                                  self.c.height() - ROWS_TOP))
        lo = self.c.x_to_frame(HEADER_WIDTH - DIAMOND)
        hi = self.c.x_to_frame(self.c.width() + DIAMOND)
        for row in self._visible_rows():
            kp = project.keypoints[row]
            y = self.c.row_center_y(row)
            colour = QColor(kp.color)
            for key in project.track(kp.id).keys:
                if not lo <= key.frame <= hi:
                    continue
                selected = (kp.id, key.frame) in self.c.selected_keys
                painter.setPen(QPen(pal.SELECTION if selected else pal.KEY_OUTLINE, 1.5 if selected else 1.0))
                painter.setBrush(pal.SELECTION if selected else colour)
                self._draw_key(painter, self.c.frame_to_x(key.frame), y, key.interpolation)
        painter.restore()

    def _paint_summary(self, painter: QPainter) -> None:
        project = self.c.session.project
        timing = project.timing
        top = RULER_HEIGHT
        painter.save()
        painter.fillRect(QRect(0, top, self.c.width(), ROW_HEIGHT), pal.SUMMARY)
        painter.setPen(pal.TEXT)
        painter.drawText(QRect(26, top, HEADER_WIDTH - 30, ROW_HEIGHT), Qt.AlignmentFlag.AlignVCenter, "All keys")
        painter.setClipRect(QRect(HEADER_WIDTH + 1, top, self.c.width() - HEADER_WIDTH, ROW_HEIGHT))
        left = self.c.frame_to_x(timing.start - 0.5)
        right = self.c.frame_to_x(timing.end + 0.5)
        if left > HEADER_WIDTH:
            painter.fillRect(QRectF(HEADER_WIDTH, top, left - HEADER_WIDTH, ROW_HEIGHT), pal.OUT_OF_RANGE)
        if right < self.c.width():
            painter.fillRect(QRectF(right, top, self.c.width() - right, ROW_HEIGHT), pal.OUT_OF_RANGE)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        lo = self.c.x_to_frame(HEADER_WIDTH - DIAMOND)
        hi = self.c.x_to_frame(self.c.width() + DIAMOND)
        by_frame: dict[int, int] = {}
        for kp in project.keypoints:
            for frame in project.track(kp.id).frames():
                if lo <= frame <= hi:
                    by_frame[frame] = by_frame.get(frame, 0) + 1
        chosen: dict[int, int] = {}
        for _kp_id, frame in self.c.selected_keys:
            chosen[frame] = chosen.get(frame, 0) + 1
        y = self.c.summary_center_y()
        for frame, count in by_frame.items():
            picked = chosen.get(frame, 0)
            painter.setPen(QPen(pal.SELECTION if picked else pal.KEY_OUTLINE, 1.5 if picked else 1.0))
            painter.setBrush(pal.SELECTION if picked == count else pal.TEXT_DIM)
            self._draw_key(painter, self.c.frame_to_x(frame), y, Interpolation.LINEAR)
        painter.restore()
        painter.setPen(pal.GRID_MAJOR)
        painter.drawLine(0, ROWS_TOP - 1, self.c.width(), ROWS_TOP - 1)

    @staticmethod
    def _draw_key(painter: QPainter, x: float, y: float, interpolation: Interpolation) -> None:
        d = DIAMOND
        if interpolation == Interpolation.HOLD:
            painter.drawRect(QRectF(x - d + 1, y - d + 1, 2 * d - 2, 2 * d - 2))
        elif interpolation == Interpolation.LINEAR:
            painter.drawPolygon(QPolygonF([QPointF(x, y - d), QPointF(x + d, y), QPointF(x, y + d),
                                           QPointF(x - d, y)]))
        else:
            painter.drawEllipse(QPointF(x, y), d - 0.5, d - 0.5)

    def _paint_ruler(self, painter: QPainter) -> None:
        timing = self.c.session.project.timing
        painter.fillRect(QRect(0, 0, self.c.width(), RULER_HEIGHT), pal.RULER)
        painter.fillRect(QRect(0, 0, HEADER_WIDTH, RULER_HEIGHT), pal.HEADER)
        painter.setPen(pal.TEXT_DIM)
        painter.drawText(QRect(8, 0, HEADER_WIDTH - 10, RULER_HEIGHT), Qt.AlignmentFlag.AlignVCenter,
                         f"{timing.fps:g} fps  {timing.start}-{timing.end}")
        painter.save()
        painter.setClipRect(QRect(HEADER_WIDTH, 0, self.c.width() - HEADER_WIDTH, RULER_HEIGHT))
        step = self._tick_step()
        minor = max(1, step // 5) if step >= 5 else 1
        first = math.floor(self.c.x_to_frame(HEADER_WIDTH) / minor) * minor
        frame = first
        while self.c.frame_to_x(frame) < self.c.width() + 40:
            x = round(self.c.frame_to_x(frame))
            if frame % step == 0:
                painter.setPen(pal.GRID_MAJOR.lighter(150))
                painter.drawLine(x, RULER_HEIGHT - 10, x, RULER_HEIGHT)
                painter.setPen(pal.TEXT)
                painter.drawText(QRect(x - 40, 0, 80, RULER_HEIGHT - 9),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, str(frame))
            elif minor * self.c.pixels_per_frame >= 4:
                painter.setPen(pal.GRID_MAJOR)
                painter.drawLine(x, RULER_HEIGHT - 5, x, RULER_HEIGHT)
            frame += minor
        painter.setPen(QPen(pal.PLAYHEAD.darker(130), 2))
        for edge in (timing.start - 0.5, timing.end + 0.5):
            x = round(self.c.frame_to_x(edge))
            painter.drawLine(x, 2, x, RULER_HEIGHT)
        painter.restore()
        painter.setPen(pal.GRID_MAJOR)
        painter.drawLine(0, RULER_HEIGHT - 1, self.c.width(), RULER_HEIGHT - 1)

    def _paint_playhead(self, painter: QPainter) -> None:
        x = self.c.frame_to_x(self.c.session.current_frame)
        if x < HEADER_WIDTH or x > self.c.width():
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(pal.PLAYHEAD, 1.5))
        painter.drawLine(QPointF(x, RULER_HEIGHT - 2), QPointF(x, self.c.height()))
        label = str(self.c.session.current_frame)
        width = max(28, QFontMetrics(self.c.label_font).horizontalAdvance(label) + 12)
        tab = QRectF(x - width / 2, 2, width, RULER_HEIGHT - 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pal.PLAYHEAD)
        painter.drawRoundedRect(tab, 3, 3)
        painter.setPen(pal.BACKGROUND)
        painter.drawText(tab, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()
