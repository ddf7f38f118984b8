"""kill -9 while editing: a relaunch right after offers the edits up to the last autosave."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.ui.files.test_project_files import boxes, close_window, open_window  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]

EDITING_STUDIO = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication
    from studio.core.edits import ChangeKeypoint
    from studio.plugins.api import builtin_registry
    from studio.ui.main_window import MainWindow
    from tests.ui.conftest import make_project

    app = QApplication([])
    window = MainWindow(make_project(), None, registry_factory=builtin_registry)
    window.show()
    window.start()
    kp = window.session.project.keypoint("b")
    window.session.push(ChangeKeypoint(kp, kp.with_changes(name="edited before the crash")))

    def report() -> None:
        if window.files.marker.autosave.is_file() and not window.files.saving:
            print("autosaved", flush=True)
        else:
            QTimer.singleShot(20, report)

    from PySide6.QtCore import QTimer
    QTimer.singleShot(20, report)
    app.exec()
""")


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_kill_9_while_editing_offers_recovery_on_the_next_start(qtbot, boxes) -> None:  # noqa: F811
    env = dict(os.environ, MARIONETTE_AUTOSAVE_SECONDS="0.1", QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    child = subprocess.Popen([sys.executable, "-c", EDITING_STUDIO], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "autosaved"
        os.kill(child.pid, signal.SIGKILL)  # not reaped yet: the relaunch comes right after the crash
        window = open_window(qtbot)
        try:
            boxes["answers"].append(QMessageBox.StandardButton.Yes)
            assert window.files.offer_recovery()
            assert "did not close properly" in boxes["question"][0]
            assert window.session.project.keypoint("b").name == "edited before the crash"
            assert window.files.is_modified
        finally:
            close_window(window)
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()

