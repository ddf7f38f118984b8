"""The last line of defence: an excepthook that logs a bug and shows one line instead of a traceback."""

from __future__ import annotations

import logging
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from studio.core.paths import data_dir

_log = logging.getLogger("studio")
LOG_NAME = "studio.log"


def log_path() -> Path:
    """The log file bugs are written to."""
    return data_dir() / LOG_NAME


def start_logging() -> None:
    """Send warnings and errors to the log file in the user's data folder (once per process)."""
    root = logging.getLogger()
    if any(getattr(h, "studio_log", False) for h in root.handlers):
        return
    try:
        handler: logging.Handler = logging.FileHandler(log_path(), encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.studio_log = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def unexpected_error_text(error: BaseException) -> str:
    """One line for the user, naming the error and where the details went."""
    return f"Unexpected error: {type(error).__name__}: {error}. Details are in {log_path()}."


REPEAT_SECONDS = 10.0


def install_excepthook(show: Callable[[str], None] | None = None) -> None:
    """Replace sys.excepthook: log the traceback, then show a one-line message (the app keeps running).

    A message is not shown again while its box is open or within REPEAT_SECONDS (a bug in a paint
    handler would otherwise open boxes forever); it is still logged every time.
    """

    def show_box(text: str) -> None:
        if QApplication.instance() is not None:
            QMessageBox.critical(QApplication.activeWindow(), "Marionette Studio", text)

    notify = show or show_box
    state: dict[str, object] = {"showing": False, "last": "", "at": -REPEAT_SECONDS}

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        _log.error("unhandled exception\n%s", "".join(traceback.format_exception(kind, error, tb)))
        text = unexpected_error_text(error)
        now = time.monotonic()
        repeated = text == state["last"] and now - float(state["at"]) < REPEAT_SECONDS  # type: ignore[arg-type]
        if state["showing"] or repeated:
            return
        state.update(showing=True, last=text, at=now)
        try:
            notify(text)
        finally:
            state["showing"] = False

    sys.excepthook = hook
