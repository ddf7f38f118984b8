"""Connects the session to the preview worker: builds pose snapshots on the GUI thread, routes results.

A watchdog on the GUI side notices a generator that stops answering (a frame taking longer than
``STALL_MS``): the preview says so and offers to switch back to warp, which leaves the stuck render
thread behind and carries on with a fresh one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.edits import ChangeRenderSettings
from studio.ui.preview.preview_view import PreviewView
from studio.ui.preview.preview_worker import PreviewResult, PreviewWorker
from studio.ui.session import Session

PREVIEW_SIDE = 512
STALL_MS = 5000
FALLBACK_GENERATOR = "warp"


def preview_size(width: int, height: int, side: int = PREVIEW_SIDE) -> tuple[int, int]:
    """The preview render size (W, H): the source scaled so its longest side is ``side`` pixels."""
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


class PreviewLink(QObject):
    """Requests a preview frame whenever the frame, the document or the render settings change.

    ``error(str)`` repeats worker failures for the status bar; ``device_changed(str)`` the device.
    A device the machine lacks is refused: the setting reverts to the last device that worked and the
    preview keeps rendering there.
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
        self._working_device = "auto"
        self._working_description = "the best device available"
        self._ready = False
        self._answered = 0
        self.stalled = False
        self.watchdog = QTimer(self)
        self.watchdog.setSingleShot(True)
        self.watchdog.setInterval(STALL_MS)
        self.watchdog.timeout.connect(self._on_stalled)
        view.action_requested.connect(self.switch_to_fallback)
        session.frame_changed.connect(self._on_frame_changed)
        session.document_changed.connect(self._on_document_changed)
        session.pose_changed.connect(self.request)
        session.project_replaced.connect(self._on_project_replaced)
        worker.result_ready.connect(self._on_result)
        worker.failed.connect(self._on_failed)
        worker.renderer_ready.connect(self._on_renderer_ready)
        worker.device_failed.connect(self._on_device_failed)

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
        self._arm_watchdog()
        return self.last_seq

    def switch_to_fallback(self) -> None:
        """Leave a stuck generator behind and preview with warp (one undo step, like choosing it in the toolbar)."""
        if self.stalled:
            self.worker.restart()
            self.stalled = False
            self._configured = None
        self.view.set_message("")
        render = self.session.project.render
        if render.generator != FALLBACK_GENERATOR:
            self.session.push(ChangeRenderSettings(render, render.with_changes(generator=FALLBACK_GENERATOR,
                                                                              options={})))
            self.session.finish_gesture()
        self._configure()
        self.request()

    def _arm_watchdog(self) -> None:
        if self._ready and self._answered < self.last_seq and not self.watchdog.isActive():
            self.watchdog.start()

    def _on_stalled(self) -> None:
        if self.worker.stopped or self._answered >= self.last_seq:
            return
        self.stalled = True
        name = self.session.project.render.generator
        seconds = self.watchdog.interval() / 1000
        message = f"The generator {name!r} is not responding (no frame for {seconds:g} s)."
        self._show_problem(message)
        self.error.emit(message)

    def _show_problem(self, message: str) -> None:
        """Show a problem over the preview, offering warp when another generator is in use."""
        other = self.session.project.render.generator != FALLBACK_GENERATOR
        self.view.set_message(message, f"Switch to {FALLBACK_GENERATOR}" if other or self.stalled else "")

    def set_device(self, device: str) -> None:
        """Render on ``device`` from now on: a machine setting stored with the project, not an undo step."""
        project = self.session.project
        if project.render.device != device:
            project.render = project.render.with_changes(device=device)
            project.notify("settings")

    def _configure(self) -> None:
        project = self.session.project
        settings = project.render
        key = (id(project), project.source_png, settings.generator, settings.device, settings.options,
               project.region_png, project.stiff_areas)
        if key == self._configured:
            return
        self._configured = key
        self._ready = False
        self.watchdog.stop()
        if not self.stalled:
            self.view.set_message("")
        self.worker.configure(project.source_png, settings.generator, settings.device, settings.options,
                              preview_size(project.width, project.height), project.region_png, project.stiff_areas)

    def _on_frame_changed(self, _frame: int) -> None:
        self.request()

    def _on_document_changed(self, what: str) -> None:
        if what in ("settings", "region", "rig"):
            self._configure()
        self.request()

    def _on_project_replaced(self) -> None:
        self.view.clear()
        self._configure()
        self.request()

    def _on_result(self, result: PreviewResult) -> None:
        self._answered = max(self._answered, result.seq)
        self.stalled = False
        self.watchdog.stop()
        self.view.show_result(result)
        self._arm_watchdog()

    def _on_failed(self, message: str) -> None:
        self._answered = self.last_seq
        self.stalled = False
        self.watchdog.stop()
        self._show_problem(message)
        self.error.emit(message)

    def _on_renderer_ready(self, description: str) -> None:
        if self._configured is not None:
            self._working_device = str(self._configured[3])
        self._working_description = description.partition(" on ")[2] or description
        self._ready = True
        self._arm_watchdog()
        self.view.set_device(description)
        self.device_changed.emit(description)

    def _on_device_failed(self, device: str, reason: str) -> None:
        self._ready = True
        fallback = self._working_device if self._working_device != device else "auto"
        self.set_device(fallback)
        message = (f"{device.upper()} is not available: {reason}. "
                   f"The preview keeps rendering on {self._working_description}.")
        self.view.set_message(message)
        self.error.emit(message)
