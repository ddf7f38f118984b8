"""File > Export…: the export options, then a background export with progress, ETA, Cancel and the result.

The export renders a snapshot of the document taken when it starts, on its own thread, so the window stays
responsive and edits made meanwhile never race it. An existing target is replaced only after the user says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import UserError
from studio.media.writers import existing_outputs
from studio.plugins.api import Registry
from studio.ui.export.export_form import ExportForm, length_text
from studio.ui.export.export_job import ExportJob
from studio.ui.export.export_request import plan_export, snapshot_project, uses_project_sound
from studio.ui.export.export_targets import ExportFormat
from studio.ui.session import Session

SHOWN_PATHS = 3
TICK_MS = 500


def clock(seconds: float) -> str:
    """Seconds as m:ss (or h:mm:ss)."""
    minutes, secs = divmod(round(max(0.0, seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def took_text(seconds: float) -> str:
    """How long an export took: tenths of a second under a minute ("0.4 s"), else m:ss."""
    return f"{max(0.0, seconds):.1f} s" if seconds < 60 else clock(seconds)


def progress_text(done: int, total: int, elapsed: float) -> str:
    """"5 / 12 frames · 0:02 elapsed · about 0:03 left" (no estimate before the first frame is done)."""
    if done <= 0:
        return f"Preparing… · {clock(elapsed)} elapsed"
    left = elapsed / done * max(0, total - done)
    return f"{done} / {total} frames · {clock(elapsed)} elapsed · about {clock(left)} left"


def replace_question(fmt: ExportFormat, existing: list[Path]) -> str:
    """The text of the "Replace?" box naming what would be overwritten."""
    if fmt.is_sequence:
        return f"{len(existing)} frame file(s) like {existing[0].name} already exist in {existing[0].parent}. " \
               "Replace them?"
    names = " and ".join(path.name for path in existing)
    return f"{names} already exist{'s' if len(existing) == 1 else ''} in {existing[0].parent}. Replace?"


class ExportDialog(QDialog):
    """The export options and the running export of one session's project.

    ``registry_factory()`` gives the plugin registry (called on the export thread). ``export_finished``
    carries "succeeded", "failed" or "cancelled" once the export thread has ended.
    """

    export_finished = Signal(str)

    def __init__(self, parent: QWidget | None, session: Session, registry_factory: Callable[[], Registry]) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.session = session
        self._registry_factory = registry_factory
        self._job: ExportJob | None = None
        self._close_requested = False
        self._cancelling = False
        self._started_at = 0.0
        self._done, self._total = 0, 0
        self.outcome: str | None = None
        self.written: list[Path] = []
        self.error_text = ""

        self._fps = session.project.timing.fps
        self.form = ExportForm(session, self)
        self._build_outcome()
        self._build_buttons()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._show_progress)
        session.project_replaced.connect(self._on_project_replaced)
        session.document_changed.connect(self._on_document_changed)
        self._show_outcome()

    def _build_outcome(self) -> None:
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("exportProgress")
        self.progress_bar.setTextVisible(False)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("exportStatus")
        self.error_label = QLabel("", self)
        self.error_label.setObjectName("exportError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.paths_label = QLabel("", self)
        self.paths_label.setObjectName("exportPaths")
        self.paths_label.setWordWrap(True)
        self.paths_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_buttons(self) -> None:
        self.open_folder_button = QPushButton("Open folder", self)
        self.export_button = QPushButton("Export", self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("exportCloseButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        for widget in (self.progress_bar, self.status_label, self.error_label, self.paths_label):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self._on_close_clicked)
        self.open_folder_button.clicked.connect(self.open_folder)

    @property
    def is_running(self) -> bool:
        """True from Export until the export thread has ended."""
        return self._job is not None

    # ----- starting -------------------------------------------------------------------------------
    def start_export(self) -> bool:
        """Check the fields, ask before replacing files, snapshot the document and start the export thread."""
        if self._job is not None:
            return False
        self._clear_outcome()
        fmt = self.form.current_format()
        try:
            plan, spec = plan_export(self.session.project, self.form.settings())
        except UserError as error:
            self._fail(str(error))
            return False
        existing = existing_outputs(spec)
        if existing:
            answer = QMessageBox.question(self, "Replace?", replace_question(fmt, existing),
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                self.status_label.setText("Not exported: the existing file was kept. Choose another name.")
                return False
            spec = replace(spec, overwrite=True)
        job = ExportJob(snapshot_project(self.session.project), plan, spec, self._registry_factory,
                        uses_project_sound(self.session.project, self.form.settings()))
        job.progressed.connect(self._on_progressed)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.finished.connect(self._on_job_finished)
        job.finished.connect(job.deleteLater)
        self.destroyed.connect(job.cancel)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(job.stop)
        self._job = job
        self._cancelling = False
        self._started_at = time.monotonic()
        self._done, self._total, self._fps = 0, plan.frame_count, plan.fps
        self.progress_bar.setRange(0, plan.frame_count)
        self.progress_bar.setValue(0)
        self._set_running(True)
        self._show_progress()
        self._timer.start()
        job.start()
        return True

    def cancel_export(self) -> None:
        """Stop the running export after the frame in hand; nothing is left under the target name."""
        if self._job is not None:
            self._job.cancel()
            self._cancelling = True
            self.status_label.setText("Cancelling…")

    # ----- progress and outcome -------------------------------------------------------------------
    def _on_progressed(self, done: int, total: int) -> None:
        self._done, self._total = done, total or self._total
        self.progress_bar.setMaximum(max(1, self._total))
        self.progress_bar.setValue(done)
        self._show_progress()

    def _show_progress(self) -> None:
        if self._job is not None and not self._cancelling:
            self.status_label.setText(progress_text(self._done, self._total, time.monotonic() - self._started_at))

    def _on_succeeded(self, paths: list) -> None:
        self.outcome, self.written = "succeeded", [Path(p) for p in paths]

    def _on_failed(self, message: str) -> None:
        self.outcome, self.error_text = "failed", message

    def _on_cancelled(self) -> None:
        self.outcome = "cancelled"

    def _on_job_finished(self) -> None:
        if self._job is not None:
            self._job.wait()  # finished is the thread's last signal: returns at once, and the QThread is safe to drop
        self._job = None
        self._timer.stop()
        self._set_running(False)
        elapsed = time.monotonic() - self._started_at
        if self.outcome == "succeeded":
            self.progress_bar.setValue(self.progress_bar.maximum())
            self.status_label.setText(f"Exported {length_text(self._total, self._fps)} in {took_text(elapsed)}.")
        elif self.outcome == "cancelled":
            self.progress_bar.setValue(0)
            self.status_label.setText("Export cancelled; nothing was written.")
        else:
            self.status_label.setText("Export failed.")
        self._show_outcome()
        self.export_finished.emit(self.outcome or "failed")
        if self._close_requested:
            self._close_requested = False
            self.close()

    def _fail(self, message: str) -> None:
        self.outcome, self.error_text = "failed", message
        self._show_outcome()

    def _clear_outcome(self) -> None:
        self.outcome, self.written, self.error_text = None, [], ""
        self.status_label.clear()
        self._show_outcome()

    def _show_outcome(self) -> None:
        self.error_label.setText(self.error_text)
        self.error_label.setVisible(bool(self.error_text))
        shown = [str(path) for path in self.written[:SHOWN_PATHS]]
        more = len(self.written) - len(shown)
        self.paths_label.setText("\n".join(shown + ([f"… and {more} more"] if more > 0 else [])))
        self.paths_label.setVisible(bool(self.written))
        self.open_folder_button.setVisible(bool(self.written))

    def _set_running(self, running: bool) -> None:
        self.form.setEnabled(not running)
        self.export_button.setEnabled(not running)
        self.close_button.setText("Cancel" if running else "Close")

    def open_folder(self) -> None:
        """Show the folder of the written file(s) in the system's file browser."""
        if self.written:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.written[0].parent)))

    # ----- closing --------------------------------------------------------------------------------
    def _on_close_clicked(self) -> None:
        if self._job is not None:
            self.cancel_export()
        else:
            self.close()

    def _on_project_replaced(self) -> None:
        if self._job is None:
            self.form.load_defaults()

    def _on_document_changed(self, what: str) -> None:
        if what == "settings" and self._job is None:
            self.form.follow_timing()

    def reject(self) -> None:
        """Escape: cancel a running export (the dialog closes once it has stopped), else close."""
        if self._job is not None:
            self._close_requested = True
            self.cancel_export()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing during an export cancels it first; the dialog closes when the thread has ended."""
        if self._job is not None:
            self._close_requested = True
            self.cancel_export()
            event.ignore()
            return
        super().closeEvent(event)


def open_export_dialog(window: Any) -> ExportDialog:
    """Show the main window's Export dialog (one per window, non-modal) and return it."""
    dialog = window.findChild(ExportDialog, "exportDialog")
    if dialog is None:
        dialog = ExportDialog(window, window.session, window._registry)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
