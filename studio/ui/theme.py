"""Colours shared by the timeline and the curve editor (a dark animation-tool look)."""

from __future__ import annotations

from PySide6.QtGui import QColor

BACKGROUND = QColor("#1d1e22")
ROW_EVEN = QColor("#232429")
ROW_ODD = QColor("#26272d")
ROW_SELECTED = QColor("#2f3a4d")
HEADER = QColor("#2a2b31")
SUMMARY = QColor("#2b2c33")
RULER = QColor("#2c2e35")
GRID = QColor("#33353d")
GRID_MAJOR = QColor("#3d4049")
TEXT = QColor("#c9ccd4")
TEXT_DIM = QColor("#8a8e99")
OUT_OF_RANGE = QColor(0, 0, 0, 90)
PLAYHEAD = QColor("#e8a33d")
SELECTION = QColor("#ffd08a")
KEY_OUTLINE = QColor("#101114")
RUBBER_BAND_FILL = QColor(120, 160, 255, 40)
RUBBER_BAND_EDGE = QColor(140, 180, 255, 180)
AUTO_KEY = QColor("#e5484d")

CHANNEL_COLOURS = ("#ff6b6b", "#69db7c", "#4dabf7", "#ffd43b")
