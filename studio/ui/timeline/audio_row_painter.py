"""Painting the audio row: the header, the waveform where the sound lies on the time axis, the mouth cues as
labels, and the playhead."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from studio.core.audio import MouthCue, Sound
from studio.ui import theme
from studio.ui.timeline.timeline_geometry import HEADER_WIDTH

if TYPE_CHECKING:
    from studio.ui.timeline.audio_row import AudioRow

WAVE = QColor("#4dabf7")
WAVE_MUTED = QColor("#6c757d")
CUE_FILL = (QColor(255, 255, 255, 18), QColor(255, 255, 255, 36))
CUE_TEXT = QColor("#ffd43b")


def column_peaks(envelope: np.ndarray, bins_per_second: float, seconds: np.ndarray) -> np.ndarray:
    """Peak of the envelope over each pixel column; ``seconds`` are the columns' edges (len = columns + 1), zero
    where a column lies outside the sound."""
    columns = len(seconds) - 1
    if not len(envelope) or columns < 1:
        return np.zeros(max(columns, 0), np.float32)
    edges = np.clip(np.floor(seconds * bins_per_second), 0, len(envelope)).astype(np.int64)
    peaks = np.maximum.reduceat(np.append(envelope, np.float32(0.0)), edges)[:-1]
    inside = (seconds[1:] > 0) & (seconds[:-1] < len(envelope) / bins_per_second)
    return np.where(inside, peaks, 0.0).astype(np.float32)


class AudioRowPainter:
    """Draws an AudioRow from its sound, preview state and envelope."""

    def __init__(self, row: AudioRow) -> None:
        self.row = row

    def paint(self, painter: QPainter) -> None:
        """The whole row."""
        row = self.row
        painter.fillRect(row.rect(), theme.BACKGROUND)
        painter.fillRect(QRectF(0, 0, HEADER_WIDTH, row.height()), theme.HEADER)
        sound = row.shown_sound()
        painter.save()
        painter.setClipRect(QRectF(HEADER_WIDTH, 0, row.width() - HEADER_WIDTH, row.height()))
        if sound is not None:
            self._waveform(painter, sound)
            self._cues(painter, sound)
        self._playhead(painter)
        painter.restore()
        painter.setPen(theme.GRID_MAJOR)
        painter.drawLine(QLineF(HEADER_WIDTH - 0.5, 0, HEADER_WIDTH - 0.5, row.height()))
        painter.drawLine(QLineF(0, 0.5, row.width(), 0.5))

    def _waveform(self, painter: QPainter, sound: Sound) -> None:
        row = self.row
        envelope = row.envelope()
        if envelope is None:
            painter.setPen(theme.TEXT_DIM)
            painter.drawText(QRectF(row.frame_to_x(sound.offset) + 6, 0, 300, row.height()),
                             Qt.AlignmentFlag.AlignVCenter, "reading the sound…")
            return
        fps = row.session.project.timing.fps
        xs = np.arange(HEADER_WIDTH, row.width() + 1, dtype=np.float64)
        seconds = (np.array([row.x_to_frame(x) for x in (xs[0], xs[-1])]) - sound.offset) / fps
        edges = np.linspace(seconds[0], seconds[1], len(xs))
        peaks = column_peaks(envelope, row.bins_per_second, edges)
        middle, half = row.height() / 2, row.height() / 2 - 3
        heights = np.minimum(peaks * sound.volume, 1.0) * half
        lines = [QLineF(x, middle - h, x, middle + h) for x, h in zip(xs[:-1], heights, strict=True) if h > 0.3]
        painter.setPen(QPen(WAVE_MUTED if sound.muted else WAVE, 1.0))
        painter.drawLines(lines)
        start, end = row.frame_to_x(sound.offset), row.frame_to_x(sound.offset + len(envelope) / row.bins_per_second
                                                                     * fps)
        painter.setPen(QPen(theme.GRID_MAJOR, 1.0))
        painter.drawRect(QRectF(start, 2, end - start, row.height() - 4))

    def _cues(self, painter: QPainter, sound: Sound) -> None:
        row = self.row
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        for index, cue in enumerate(sound.cues):
            left, right = self.cue_span(sound, cue)
            if right < HEADER_WIDTH or left > row.width():
                continue
            painter.fillRect(QRectF(left, 2, right - left, 14), CUE_FILL[index % 2])
            painter.setPen(QPen(CUE_TEXT, 1.0))
            painter.drawLine(QLineF(left, 2, left, row.height() - 2))
            if right - left >= 8:
                painter.drawText(QRectF(left + 2, 2, max(right - left - 2, 8), 14),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, cue.shape)

    def cue_span(self, sound: Sound, cue: MouthCue) -> tuple[float, float]:
        """Widget x of a cue's start and end."""
        fps = self.row.session.project.timing.fps
        return (self.row.frame_to_x(sound.offset + cue.start * fps),
                self.row.frame_to_x(sound.offset + cue.end * fps))

    def _playhead(self, painter: QPainter) -> None:
        x = self.row.frame_to_x(self.row.session.current_frame)
        painter.setPen(QPen(theme.PLAYHEAD, 1.0))
        painter.drawLine(QLineF(x, 0, x, self.row.height()))
