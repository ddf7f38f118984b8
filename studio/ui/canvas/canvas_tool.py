"""What a canvas tool is (the region lasso and brush, the stiff-area tool): the canvas hands it the mouse.

While a tool is active the canvas sends it left-button presses, moves and releases in source-image pixels,
right-clicks (``context``) and keys (``key``); Escape leaves it (``leave``). Space+drag and the middle button
still pan, and the wheel still zooms.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt


class CanvasTool(Protocol):
    """One tool's gestures; ``hint`` is its status-bar line, ``cursor`` its cursor over the image."""

    name: str
    hint: str
    cursor: Qt.CursorShape

    def press(self, x: float, y: float, modifiers: Qt.KeyboardModifier) -> None:
        """The left button went down at (x, y)."""

    def move(self, x: float, y: float, dragging: bool) -> None:
        """The mouse moved to (x, y), with the left button held when ``dragging``."""

    def release(self, x: float, y: float) -> None:
        """The left button came up: finish the gesture (one undo step)."""

    def context(self, x: float, y: float) -> bool:
        """A right-click at (x, y); True when the tool handled it (else the canvas shows its menu)."""

    def key(self, key: int) -> bool:
        """A key press while the canvas has focus; True when the tool used it."""

    def leave(self) -> None:
        """The tool is switched off: drop an unfinished gesture and anything it drew."""
