"""``MARIONETTE_STARTUP_PROBE=1``: when the main window is first exposed, print one line and end the process.

benchmarks/startup.py times the window's start-up with it, and ``self-test`` uses it to check that the
window opens (offscreen). The line is ``window-shown Qt <version>``. The process then ends at once, without
the window's teardown: the probe measures start-up only, and a second after start the preview worker may
still be importing torch, a thread no shutdown can join.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QWidget

PROBE_VARIABLE = "MARIONETTE_STARTUP_PROBE"
MARKER = "window-shown"


def probe_requested() -> bool:
    """True when the environment asks for the start-up probe."""
    return os.environ.get(PROBE_VARIABLE, "") not in ("", "0")


def exit_at_once() -> None:
    """End the process now with status 0 (output flushed, no teardown)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class StartupProbe(QObject):
    """Watches the window's first Expose event; then prints the marker and calls ``on_shown`` (default: exit)."""

    def __init__(self, app: QApplication, on_shown: Callable[[], None] = exit_at_once) -> None:
        super().__init__(app)
        self._on_shown = on_shown
        self._fired = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the first Expose of an exposed window: report, then finish on the next turn of the loop."""
        if (not self._fired and event.type() == QEvent.Type.Expose and isinstance(watched, QWindow)
                and watched.isExposed()):
            self._fired = True
            sys.stdout.write(f"{MARKER} Qt {PYSIDE_VERSION}\n")
            sys.stdout.flush()
            QTimer.singleShot(0, self._on_shown)
        return False


def watch_first_expose(app: QApplication, window: QWidget,
                       on_shown: Callable[[], None] = exit_at_once) -> StartupProbe:
    """Install the probe on a window that has been shown (so it has its native window)."""
    probe = StartupProbe(app, on_shown)
    handle = window.windowHandle()
    if handle is not None:
        handle.installEventFilter(probe)
        if handle.isExposed():
            probe.eventFilter(handle, QEvent(QEvent.Type.Expose))
    return probe
