"""Sizes of the timeline canvas (pixels), shared by its gestures and its painter."""

from __future__ import annotations

HEADER_WIDTH = 150
RULER_HEIGHT = 26
ROW_HEIGHT = 22
ROWS_TOP = RULER_HEIGHT + ROW_HEIGHT
DIAMOND = 6
HIT_RADIUS = 8
TICK_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
