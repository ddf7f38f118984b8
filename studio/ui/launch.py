"""Opens the studio window: application, theme, window first, then the project and the engine.

The window appears before anything heavy loads: the project file is read on a worker thread and
torch is imported by the preview worker after the event loop has started.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from studio.ui.error_reporting import install_excepthook, start_logging
from studio.ui.main_window import MainWindow
from studio.ui.preview.preview_worker import stuck_threads_running
from studio.ui.startup.gc_policy import IdleCollector
from studio.ui.startup.startup_probe import probe_requested, watch_first_expose
from studio.ui.startup.system_libraries import uses_xcb, xcb_problem

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
THEME = RESOURCES / "theme.qss"
SAMPLE_PROJECT = RESOURCES / "sample.marionette"
ICONS = RESOURCES / "icons"
DESKTOP_NAME = "marionette-studio"


def apply_theme(app: QApplication) -> None:
    """The dark Fusion style plus resources/theme.qss (when present)."""
    app.setStyle("Fusion")
    if THEME.is_file():
        app.setStyleSheet(THEME.read_text(encoding="utf-8"))


def app_icon() -> QIcon:
    """The studio's icon at every size drawn by resources/build_icons.py."""
    icon = QIcon()
    for path in sorted(ICONS.glob(f"{DESKTOP_NAME}-*.png")):
        icon.addFile(str(path))
    return icon


def apply_identity(app: QApplication) -> None:
    """Name, icon and desktop-file name, so desktops match the window to its menu entry and icon."""
    app.setApplicationName("Marionette Studio")
    app.setOrganizationName("Marionette")
    app.setDesktopFileName(DESKTOP_NAME)
    app.setWindowIcon(app_icon())


def initial_project(project_path: str | None) -> Path | None:
    """The project to open at start: the given one, else the bundled sample if it exists."""
    if project_path:
        return Path(project_path)
    return SAMPLE_PROJECT if SAMPLE_PROJECT.is_file() else None


def open_at_start(window: MainWindow, project_path: str | None) -> None:
    """Offer crash recovery; when nothing was recovered, open the start project (if any).

    The bundled sample opens as a template (untitled), so Save never overwrites it.
    """
    window.start()
    if window.files.offer_recovery():
        return
    path = initial_project(project_path)
    if path is None:
        return
    window.files.open(path, ask_to_save=False, as_template=project_path is None)


def missing_display() -> bool:
    """True on Linux without any display to open a window on (and no Qt platform chosen explicitly)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def launch(project_path: str | None) -> int:
    """Run the studio (for ``python main.py [PROJECT.marionette]``); return the exit code."""
    if missing_display():
        sys.stderr.write("error: no display to open the studio on: run it in a desktop session, or use the "
                         "headless commands (python main.py --help)\n")
        return 2
    problem = xcb_problem() if uses_xcb() else None
    if problem:
        sys.stderr.write(problem + "\n")
        return 2
    start_logging()
    os.environ.setdefault("RESOURCE_NAME", DESKTOP_NAME)  # X11 WM_CLASS instance name
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_identity(app)
    apply_theme(app)
    install_excepthook()
    collector = IdleCollector(app)
    collector.start()
    window = MainWindow()
    window.worker.renderer_ready.connect(collector.settle)
    screen = app.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        window.resize(min(available.width(), 1920), min(available.height(), 1200))
        frame = window.frameGeometry()
        frame.moveCenter(available.center())
        window.move(frame.topLeft())
    window.show()
    if probe_requested():
        watch_first_expose(app, window)
    QTimer.singleShot(0, lambda: open_at_start(window, project_path))
    code = app.exec()
    window.shutdown()
    collector.stop()
    return finish(code)


def finish(code: int) -> int:
    """The exit code, or an immediate exit when a render thread is stuck: Qt would abort on destroying it.

    Saves have finished by now (closing waits for them), so leaving at once loses nothing.
    """
    if not stuck_threads_running():
        return code
    logging.getLogger(__name__).warning("a render thread is still busy; leaving without waiting for it")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

