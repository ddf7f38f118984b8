"""A plain-Python change signal: the document announces changes without knowing about Qt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Signal:
    """Holds callbacks and calls each with the emitted arguments, in connection order."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        """Call ``callback(*args)`` on every emit."""
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        """Call every connected callback."""
        for callback in list(self._callbacks):
            callback(*args)
