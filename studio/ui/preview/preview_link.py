"""Connects the session to the preview worker: builds pose snapshots on the GUI thread, routes results."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio.ui.preview.preview_view import PreviewView
from studio.ui.preview.preview_worker import PreviewResult, PreviewWorker
from studio.ui.session import Session

PREVIEW_SIDE = 512


def preview_size(width: int, height: int, side: int = PREVIEW_SIDE) -> tuple[int, int]:
    """The preview render size (W, H): the source scaled so its longest side is ``side`` pixels."""
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


class PreviewLink(QObject):
    """Requests a preview frame whenever the frame, the document or the render settings change.

    ``error(str)`` repeats worker failures for the status bar; ``device_changed(str)`` the device.
    """

    error = Signal(str)
    device_changed = Signal(str)

    def __init__(self, session: Session, worker: PreviewWorker, view: PreviewView) -> None:
        super().__init__()
        self.session = session
        self.paused = False
        self.worker = worker
        self.view = view
        self.last_seq = 0
        self._configured: tuple[object, ...] | None = None
        session.frame_changed.connect(self._on_frame_changed)
        session.document_changed.connect(self._on_document_changed)
        session.pose_changed.connect(self.request)
        session.project_replaced.connect(self._on_project_replaced)
        worker.result_ready.connect(self._on_result)
        worker.failed.connect(self._on_failed)
        worker.renderer_ready.connect(self._on_renderer_ready)

    def start(self) -> None:
        """Start the worker and render the current frame."""
        self.worker.start()
        self._configure()
        self.request()

    def reconfigure(self) -> None:
        """Send the setup again (the generator is rebuilt, e.g. after plugins changed) and re-render."""
        self._configured = None
        self._configure()
        self.request()

    def request(self) -> int:
        """Ask for the current frame with the current poses; return the request's sequence number.

        While ``paused`` (live puppet mode owns the preview) nothing is requested.
        """
        if self._configured is None or self.paused:
            return self.last_seq
        project = self.session.project
        frame = self.session.current_frame
        self.last_seq = self.worker.request(frame, project.rest_pose(), self.session.sample(frame))
        return self.last_seq

    def _configure(self) -> None:
        project = self.session.project
        settings = project.render
        key = (id(project), project.source_png, settings.generator, settings.device, settings.options)
        if key == self._configured:
            return
        self._configured = key
        self.view.set_message("")
        self.worker.configure(project.source_png, settings.generator, settings.device, settings.options,
                              preview_size(project.width, project.height))

    def _on_frame_changed(self, _frame: int) -> None:
        self.request()

    def _on_document_changed(self, what: str) -> None:
        if what == "settings":
            self._configure()
        self.request()

    def _on_project_replaced(self) -> None:
        self.view.clear()
        self._configure()
        self.request()

    def _on_result(self, result: PreviewResult) -> None:
        self.view.show_result(result)

    def _on_failed(self, message: str) -> None:
        self.view.set_message(message)
        self.error.emit(message)

    def _on_renderer_ready(self, description: str) -> None:
        self.view.set_device(description)
        self.device_changed.emit(description)
