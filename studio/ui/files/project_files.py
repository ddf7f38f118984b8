"""File handling of the window: New from image, Open, Save, Save As, recent files, autosave, recovery.

Images and projects are read on a worker thread and only replace the open project once they loaded
without error, so bad input never touches the open project; problems appear in a message box with
their one-line reason. Saves snapshot the project on the GUI thread and write it atomically
(``save_project``) on a worker, one write at a time. Autosave writes to the platform's data folder a few
seconds after edits settle (a debounce timer restarted by every change, at most ``AUTOSAVE_MAX_WAIT_S``
after the first unsaved change while edits keep coming); crash recovery builds on it (``crash_recovery``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from studio.core.errors import UserError
from studio.core.project import Project
from studio.core.project_file import load_project, project_to_dict, save_project
from studio.core.saved_by import read_newer_app_note
from studio.core.takes import Take
from studio.core.undo import UndoStack
from studio.ui.file_dialogs import open_file, save_file
from studio.ui.files.crash_recovery import SessionMarker, describe, find_crashed_sessions
from studio.ui.files.recent_files import recent_files, remember_recent
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob, start_job

AUTOSAVE_SETTLE_S = 3.0
AUTOSAVE_MAX_WAIT_S = 60.0
AUTOSAVE_ENV = "MARIONETTE_AUTOSAVE_SECONDS"
PROJECT_FILTER = "Marionette projects (*.marionette)"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"


def project_from_image(path: Path) -> Project:
    """A new project holding the image at ``path`` (embedded as PNG), with no keypoints yet."""
    from studio.media.image_io import encode_png, load_image

    image = load_image(path)
    height, width = image.shape[:2]
    return Project(encode_png(image), width, height)


def autosave_settle_ms() -> int:
    """How long edits must settle before an autosave: ``MARIONETTE_AUTOSAVE_SECONDS`` or 3 s."""
    try:
        seconds = float(os.environ.get(AUTOSAVE_ENV, AUTOSAVE_SETTLE_S))
    except ValueError:
        seconds = AUTOSAVE_SETTLE_S
    return max(0, round(seconds * 1000))


def snapshot_project(project: Project) -> Project:
    """A detached copy of the whole document, so a worker can use it while editing goes on."""
    return project.snapshot()


def _save(write: _Write) -> None:
    """The worker's part of a write; an autosave recreates its folder if it was removed meanwhile."""
    if write.autosave:
        try:
            write.target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"cannot create {write.target.parent}: {error.strerror or error}") from None
    save_project(write.snapshot, write.target)


@dataclass(frozen=True)
class _Write:
    """One queued write: the snapshot, where it goes, and what the project looked like when taken."""

    snapshot: Project
    target: Path
    autosave: bool
    undo: UndoStack
    index: int
    document: dict[str, Any]
    takes: tuple[Take, ...]

    def still_matches(self, undo: UndoStack) -> bool:
        """True when ``undo`` is the snapshot's stack, at the same index, with the same document."""
        project = undo.project
        return (undo is self.undo and undo.index == self.index
                and project.source_png is self.snapshot.source_png
                and len(project.takes) == len(self.takes)
                and all(a is b for a, b in zip(project.takes, self.takes, strict=True))
                and project_to_dict(project) == self.document)


class ProjectFiles(QObject):
    """Opens and saves the session's project on behalf of the main window.

    Signals: ``message(str)`` for the status bar, ``state_changed()`` when the path, the
    modified flag or the recent list changed (the window updates its title and menus),
    ``writes_finished()`` when the last queued save or autosave is done.
    """

    message = Signal(str)
    state_changed = Signal()
    loaded = Signal()
    writes_finished = Signal()

    def __init__(self, session: Session, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.window = window
        self.marker = SessionMarker()
        self._recovered = False
        self._job: BackgroundJob | None = None
        self._writing: tuple[_Write, BackgroundJob] | None = None
        self._queued: list[_Write] = []
        self._write_failures = 0
        self._started = False
        self._unsaved_since: float | None = None
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(autosave_settle_ms())
        self.autosave_timer.timeout.connect(self._on_autosave_due)
        session.undo_changed.connect(self.state_changed.emit)
        session.undo_changed.connect(self._schedule_autosave)

    # ----- state ------------------------------------------------------------------------------------
    @property
    def is_modified(self) -> bool:
        """True when the open project has unsaved changes (recovered work counts as unsaved)."""
        return self._recovered or self.session.is_modified

    @property
    def busy(self) -> bool:
        """True while an image or project is being read."""
        return self._job is not None

    @property
    def saving(self) -> bool:
        """True while a save or autosave is being written or waits to be."""
        return self._writing is not None

    def recent(self) -> list[Path]:
        """Recently used project files, newest first."""
        return recent_files()

    def start(self) -> None:
        """Write this session's crash marker and turn autosave on."""
        self._write_marker()
        self._started = True
        self._schedule_autosave()

    def shutdown(self) -> None:
        """A clean exit: stop autosaving, wait for a pending read and writes, remove the marker and autosave."""
        self._started = False
        self.autosave_timer.stop()
        if self._job is not None:
            self._job.wait()
        self.wait_for_saves()
        self.marker.remove()

    def _write_marker(self) -> None:
        try:
            self.marker.write(self.session.path)
        except UserError as error:
            self.message.emit(f"Crash recovery is off: {error}")

    def _replace(self, project: Project, path: Path | None, recovered: bool = False) -> None:
        self.session.replace_project(project, path)
        self._recovered = recovered
        self._write_marker()
        self._schedule_autosave()
        if path is not None and not recovered:
            remember_recent(path)
        self.state_changed.emit()
        self.loaded.emit()

    # ----- prompts ----------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Let running saves finish, then ask what to do with unsaved changes; False means the user cancelled."""
        self.wait_for_saves()
        if not self.is_modified:
            return True
        name = self.session.path.name if self.session.path else "the untitled project"
        answer = QMessageBox.question(
            self.window, "Unsaved changes", f"Save the changes to {name}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save() and self.wait_for_saves()
        return answer == QMessageBox.StandardButton.Discard

    def _refuse(self, title: str, reason: str) -> None:
        self.message.emit(reason)
        QMessageBox.warning(self.window, title, reason)

    # ----- reading ----------------------------------------------------------------------------------
    def new_from_image(self, path: str | Path | None = None) -> BackgroundJob | None:
        """Start a project from an image (asks for it when ``path`` is None); returns the read job."""
        if self.busy or not self.maybe_save():
            return None
        if path is None:
            path = open_file(self.window, "New from image", "image", IMAGE_FILTER)
            if not path:
                return None
        source = Path(path)
        self.message.emit(f"Reading {source.name}…")
        return self._start(lambda: project_from_image(source),
                           lambda project: self._replace(project, None), "New from image")

    def open(self, path: str | Path | None = None, ask_to_save: bool = True,
             as_template: bool = False) -> BackgroundJob | None:
        """Open a project file (asks for it when ``path`` is None); returns the read job.

        ``as_template`` opens it untitled (the bundled sample), so Save asks for a new name.
        """
        if self.busy or (ask_to_save and not self.maybe_save()):
            return None
        if path is None:
            path = open_file(self.window, "Open project", "project", PROJECT_FILTER)
            if not path:
                return None
        target = Path(path)
        self.message.emit(f"Opening {target.name}…")
        return self._start(lambda: load_project(target),
                           lambda project: self._replace(project, None if as_template else target),
                           "Open project", note=lambda: read_newer_app_note(target))

    def _start(self, read: Callable[[], Project], done: Callable[[Project], None], title: str,
               note: Callable[[], str | None] = lambda: None) -> BackgroundJob:
        def on_success(result: tuple[Project, str | None]) -> None:
            self._job = None
            done(result[0])
            self.message.emit(result[1] or "Ready")

        def on_failure(reason: str) -> None:
            self._job = None
            self._refuse(title, reason)

        self._job = start_job(lambda: (read(), note()), on_success, on_failure, self)
        return self._job

    # ----- writing ----------------------------------------------------------------------------------
    def save(self) -> bool:
        """Start saving to the project's file (Save As when it has none); False when it was not started.

        The write happens on a worker; ``wait_for_saves`` tells whether it succeeded.
        """
        target = self._save_target()
        if target is None:
            return self.save_as()
        return self._write(target)

    def save_as(self, path: str | Path | None = None) -> bool:
        """Start saving under a new name (asks for it when ``path`` is None); False when not started."""
        if path is None:
            suggestion = str(self._save_target() or "untitled.marionette")
            path = save_file(self.window, "Save project as", "project", PROJECT_FILTER, suggestion)
            if not path:
                return False
        target = Path(path)
        if target.suffix != ".marionette":
            target = target.with_name(target.name + ".marionette")
        return self._write(target)

    def _save_target(self) -> Path | None:
        """Where Save writes: the newest queued Save As of this project, else the project's file."""
        writes = [self._writing[0]] if self._writing else []
        targets = [w.target for w in [*writes, *self._queued] if not w.autosave and w.undo is self.session.undo]
        return targets[-1] if targets else self.session.path

    def _write(self, target: Path, autosave: bool = False) -> bool:
        """Snapshot the project now and queue its write to ``target``."""
        undo = self.session.undo
        project = self.session.project
        write = _Write(snapshot_project(project), target, autosave, undo, undo.index, project_to_dict(project),
                       tuple(project.takes))
        self._queued = [w for w in self._queued if w.target != target]
        self._queued.append(write)
        if self._writing is None:
            self._start_next_write()
        if not autosave:
            self.message.emit(f"Saving {target.name}…")
        return True

    def _start_next_write(self) -> None:
        if not self._queued:
            self._writing = None
            self.writes_finished.emit()
            return
        write = self._queued.pop(0)
        job = BackgroundJob(lambda: _save(write), self)
        job.succeeded.connect(self._on_write_succeeded)
        job.failed.connect(self._on_write_failed)
        job.finished.connect(job.deleteLater)
        self._writing = (write, job)
        job.start()

    def _finish_write(self) -> _Write:
        assert self._writing is not None
        write, job = self._writing
        job.wait()
        return write

    def _on_write_succeeded(self, _result: object) -> None:
        write = self._finish_write()
        if write.autosave:
            self.message.emit("Autosaved")
        else:
            if write.undo is self.session.undo:
                self.session.path = write.target
                if write.still_matches(self.session.undo):
                    self.session.undo.set_clean()
                    self._recovered = False
                self._write_marker()
            remember_recent(write.target)
            self.message.emit(f"Saved {write.target.name}")
            self.state_changed.emit()
        self._start_next_write()

    def _on_write_failed(self, reason: str) -> None:
        write = self._finish_write()
        self._write_failures += 1
        if write.autosave:
            self.message.emit(f"Autosave failed: {reason}")
        else:
            reason = (f"{reason}. Nothing on disk was overwritten and your changes are still open; "
                      "use Save As to save elsewhere.")
            self.message.emit(f"Save failed: {reason}")
            QMessageBox.critical(self.window, "Save failed", reason)
        self._start_next_write()

    def wait_for_saves(self) -> bool:
        """Wait until every queued write is done (events run, user input waits); False if one failed."""
        failures = self._write_failures
        while self._writing is not None:
            loop = QEventLoop()
            self.writes_finished.connect(loop.quit)
            loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            self.writes_finished.disconnect(loop.quit)
        return self._write_failures == failures

    def _schedule_autosave(self) -> None:
        """A change happened: (re)start the settle timer, unless edits have kept coming for too long."""
        if not self._started or not self.is_modified:
            self._unsaved_since = None
            self.autosave_timer.stop()
            return
        now = time.monotonic()
        if self._unsaved_since is None:
            self._unsaved_since = now
        if not self.autosave_timer.isActive() or now - self._unsaved_since < AUTOSAVE_MAX_WAIT_S:
            self.autosave_timer.start()

    def _on_autosave_due(self) -> None:
        self._unsaved_since = None
        if self.is_modified and not self.autosave():
            self.autosave_timer.start()  # the previous autosave is still being written: try again later

    def autosave(self) -> bool:
        """Start writing the autosave file when there are unsaved changes; return whether it started."""
        if not self.is_modified:
            return False
        writes = [self._writing[0]] if self._writing else []
        if any(w.autosave for w in [*writes, *self._queued]):
            return False
        if not self.marker.marker.is_file():
            self._write_marker()  # its folder was removed: crash recovery needs the marker back
        return self._write(self.marker.autosave, autosave=True)

    # ----- recovery ---------------------------------------------------------------------------------
    def offer_recovery(self) -> bool:
        """After a crash, offer to recover the newest autosave; return whether work was recovered."""
        crashed = find_crashed_sessions()
        if not crashed:
            return False
        newest = crashed[0]
        answer = QMessageBox.question(
            self.window, "Recover unsaved work",
            f"Marionette Studio did not close properly. Recover {describe(newest)}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        recovered = False
        if answer == QMessageBox.StandardButton.Yes:
            try:
                project = load_project(newest.autosave)
            except UserError as error:
                self._refuse("Recover unsaved work", f"The autosave cannot be read: {error}")
            else:
                self._replace(project, newest.project_path, recovered=True)
                self.message.emit("Recovered unsaved work: save it to keep it")
                recovered = True
        for session in crashed:
            session.discard()
        return recovered
