"""Choosing a learned generator (fomm) for the window's project, and re-placing the keypoints it detects.

The model loads and detects on a BackgroundJob, never on the GUI thread; a success lands as one undo step,
a failure changes nothing. Results for a cancelled dialog or a replaced project are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from studio.core.keypoints import Keypoint
from studio.plugins.api import Registry
from studio.ui.models.model_dialog import ModelSetupDialog
from studio.ui.models.model_memory import remember_model_options, remembered_model_options
from studio.ui.models.model_placement import (
    MODEL_GENERATORS,
    detects_keypoints,
    load_model_keypoints,
    needs_model_files,
    place_model_keypoints_edit,
    use_model_edit,
)
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob

PLACE_TIP = "The learned model places its keypoints on the image (replaces the current keypoints)"


class ModelSetup(QObject):
    """The "Learned model" dialog and "Place Keypoints from Model…" of one window.

    ``registry_factory()`` gives the plugin registry (called on the job thread). ``message(str)`` carries
    status-bar text. Call ``shutdown()`` from the window's shutdown: it waits for a model still loading.
    """

    message = Signal(str)

    def __init__(self, session: Session, registry_factory: Callable[[], Registry], parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: ModelSetupDialog | None = None
        self._registry_factory = registry_factory
        self._parent = parent
        self._jobs: set[BackgroundJob] = set()
        self._ticket: object | None = None
        self._action: QAction | None = None
        self._closed = False
        session.document_changed.connect(lambda _what: self._update_action())
        session.project_replaced.connect(self._on_project_replaced)

    @property
    def is_busy(self) -> bool:
        """True while a model is loading or detecting."""
        return bool(self._jobs)

    @staticmethod
    def needs_setup(generator: str) -> bool:
        """Whether choosing ``generator`` opens the "Learned model" dialog (a learned model needs its files).

        Choosing the project's own learned generator again reopens it, pre-filled, to change the files.
        """
        return generator in MODEL_GENERATORS

    def track_action(self, action: QAction) -> None:
        """Keep ``action`` (which runs ``place_keypoints``) enabled only for generators that detect keypoints."""
        self._action = action
        self._update_action()

    # ----- choosing the model -----------------------------------------------------------------------
    def choose(self, generator: str, restore: Callable[[], None]) -> ModelSetupDialog:
        """Open the "Learned model" dialog for ``generator``; ``restore()`` runs on Cancel or failure.

        The dialog is window-modal and does not block; OK starts the job and the dialog closes on success.
        """
        if self.dialog is not None:
            self.dialog.reject()
        project = self.session.project
        settings = project.render
        initial = settings.options if settings.generator == generator else remembered_model_options(generator)
        dialog = ModelSetupDialog(self._parent, generator, (project.width, project.height), initial,
                                  len(project.keypoints))
        self.dialog = dialog

        def submitted(options: dict[str, Any], place: bool) -> None:
            self._start(generator, options, place, dialog, restore)

        def rejected() -> None:
            self._ticket = None
            restore()

        def finished(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()

        dialog.submitted.connect(submitted)
        dialog.rejected.connect(rejected)
        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _start(self, generator: str, options: dict[str, Any], place: bool, dialog: ModelSetupDialog,
               restore: Callable[[], None]) -> None:
        project = self.session.project

        def done(keypoints: list[Keypoint] | None) -> None:
            if self.session.project is not project:
                return
            remember_model_options(generator, options)
            self.session.push(use_model_edit(project, generator, options, keypoints))
            self.session.finish_gesture()
            self.session.set_selection([])
            dialog.finish()
            placed = f", placed {len(keypoints)} keypoints" if keypoints is not None else ""
            self.message.emit(f"Rendering with the {generator} model{placed}")

        def failed(reason: str) -> None:
            dialog.show_error(reason)
            restore()

        count = len(project.keypoints)
        self._run(lambda: load_model_keypoints(self._registry_factory, generator, project.source_png,
                                               project.render.device, options, place, count), done, failed)

    # ----- placing keypoints again ------------------------------------------------------------------
    def place_keypoints(self) -> None:
        """Run the project's generator's keypoint detection again; the keypoints it finds replace the current ones."""
        project = self.session.project
        settings = project.render
        if not detects_keypoints(settings.generator) or self.is_busy:
            return
        if needs_model_files(settings.generator, settings.options):
            self.choose(settings.generator, lambda: None)
            return

        def done(keypoints: list[Keypoint] | None) -> None:
            if self.session.project is not project or not keypoints:
                return
            self.session.push(place_model_keypoints_edit(project, keypoints))
            self.session.finish_gesture()
            self.session.set_selection([])
            self.message.emit(f"Placed {len(keypoints)} keypoints from the {settings.generator} model")

        self.message.emit(f"Placing keypoints from the {settings.generator} model…")
        self._run(lambda: load_model_keypoints(self._registry_factory, settings.generator, project.source_png,
                                               settings.device, dict(settings.options), True),
                  done, self.message.emit)

    # ----- jobs -------------------------------------------------------------------------------------
    def _run(self, function: Callable[[], list[Keypoint] | None],
             on_done: Callable[[list[Keypoint] | None], None], on_failure: Callable[[str], None]) -> None:
        """Start ``function`` on a job; its outcome reaches the handlers unless cancelled or shut down meanwhile."""
        ticket = self._ticket = object()
        job = BackgroundJob(function)

        def current() -> bool:
            return not self._closed and self._ticket is ticket

        def succeeded(result: list[Keypoint] | None) -> None:
            if current():
                on_done(result)

        def failed(reason: str) -> None:
            if current():
                on_failure(reason)

        def finished() -> None:
            self._jobs.discard(job)
            job.deleteLater()
            self._update_action()

        job.succeeded.connect(succeeded)
        job.failed.connect(failed)
        job.finished.connect(finished)
        self._jobs.add(job)
        self._update_action()
        job.start()

    def shutdown(self) -> None:
        """Drop pending results and wait for a model still loading (idempotent)."""
        self._closed = True
        self._ticket = None
        for job in list(self._jobs):
            job.wait()
        if self.dialog is not None:
            self.dialog.reject()

    # ----- session -> action ------------------------------------------------------------------------
    def _update_action(self) -> None:
        """Enable the action when the project's generator detects keypoints; else its tooltip says why not."""
        if self._action is None:
            return
        generator = self.session.project.render.generator
        reason = ""
        if not detects_keypoints(generator):
            reason = f"The {generator} generator does not detect keypoints: choose a learned model (fomm) first"
        elif self.is_busy:
            reason = "The model is still loading"
        self._action.setEnabled(not reason)
        self._action.setToolTip(reason or PLACE_TIP)
        self._action.setStatusTip(reason or PLACE_TIP)

    def _on_project_replaced(self) -> None:
        self._ticket = None
        if self.dialog is not None:
            self.dialog.reject()
        self._update_action()
