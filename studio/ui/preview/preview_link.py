"""Connects the session to the preview worker: builds pose snapshots on the GUI thread, routes results.

A watchdog on the GUI side notices a generator that stops answering (a frame taking longer than
``STALL_MS``): the preview says so and offers to switch back to warp, which leaves the stuck render
thread behind and carries on with a fresh one.

While a drag or a scrub is in progress (``Session.gesture_active``) requests ask for drafts; when it ends the
full frame is requested (only when the generator drafts: others rendered full frames all along), and so it is
when the mouse rests for ``SETTLE_MS`` during the gesture (the playhead stopped). Sequence
numbers keep the order: the full frame's request is the newest, so it is the last one shown.

Frames of the shot's cache (``cache_shot``) are shown without rendering while the document is the version
they were rendered for; while playing, the view notes when the generator is slower than the shot's rate.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from studio.core.edits import ChangeRenderSettings
from studio.core.errors import UserError
from studio.ui.preview.frame_cache import FrameCache, ShotJob
from studio.ui.preview.preview_view import PreviewView
from studio.ui.preview.preview_worker import PreviewResult, PreviewSetup, PreviewWorker
from studio.ui.preview.shot_cache import ShotCacher, show_progress
from studio.ui.session import Session

PREVIEW_SIDE = 512
STALL_MS = 5000
FALLBACK_GENERATOR = "warp"
SETTLE_MS = 300
RATE_WINDOW = 8  # rendered frames the playback rate is measured over
UNCHANGED_FRAMES = ("takes", "capture")  # document changes that leave every rendered frame as it was


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
        self._drafts: bool | None = None
        self._last_draft = False
        self._playing = False
        self._rendered_at: list[float] = []
        self.version = 0
        self.cache = FrameCache()
        self.cacher = ShotCacher(self.cache, worker.registry_factory, self)
        self.cacher.finished.connect(self.error.emit)
        self.watchdog = QTimer(self)
        self.watchdog.setSingleShot(True)
        self.watchdog.setInterval(STALL_MS)
        self.watchdog.timeout.connect(self._on_stalled)
        self.settle = QTimer(self)
        self.settle.setSingleShot(True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self._on_settled)
        view.action_requested.connect(self.switch_to_fallback)
        session.frame_changed.connect(self._on_frame_changed)
        session.document_changed.connect(self._on_document_changed)
        session.pose_changed.connect(self.request)
        session.project_replaced.connect(self._on_project_replaced)
        session.gesture_changed.connect(self._on_gesture_changed)
        worker.result_ready.connect(self._on_result)
        worker.drafts_offered.connect(self._on_drafts_offered)
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

    def request(self, full: bool = False) -> int:
        """Ask for the current frame with the current poses; return the request's sequence number.

        While ``paused`` (live puppet mode owns the preview) nothing is requested. During a gesture the
        request asks for a draft (unless the generator is known to have none, or ``full``); a cached frame is
        shown at once.
        """
        if self._configured is None or self.paused:
            return self.last_seq
        project = self.session.project
        frame = self.session.current_frame
        if self._show_cached(frame):
            return self.last_seq
        self._last_draft = self.session.gesture_active and self._drafts is not False and not full
        self.last_seq = self.worker.request(frame, project.rest_pose(), self.session.sample(frame), self._last_draft)
        if self._last_draft:
            self.settle.start()
        self._arm_watchdog()
        return self.last_seq

    def _show_cached(self, frame: int) -> bool:
        """Show the shot cache's frame (nothing posed, the document unchanged since caching); False if none."""
        image = None if self.session.posed else self.cache.get(frame, self.version)
        if image is None:
            return False
        self.last_seq = self._answered = self.worker.take_seq()
        self._last_draft = False
        self.watchdog.stop()
        self.view.set_note("")
        self.view.show_result(PreviewResult(self.last_seq, float(frame), image, 0.0, cached=True))
        return True

    def set_playing(self, playing: bool) -> None:
        """Playback started or stopped: while playing, the view notes a rate below the shot's."""
        self._playing = playing
        self._rendered_at = []
        if not playing:
            self.view.set_note("")

    def cache_shot(self, parent: QWidget | None = None) -> bool:
        """Render every frame of the range once in the background (progress, Cancel) for full-rate playback.

        Returns False (and says why on ``error``) when there is nothing to render with or it would not fit.
        """
        setup = self._setup()
        project = self.session.project
        frames = tuple(range(project.timing.start, project.timing.end + 1))
        try:
            if setup is None:
                raise UserError("The preview has no renderer yet: wait for its first frame, then cache the shot.")
            self.cache.check_fits(setup.size, len(frames))
        except UserError as error:
            self.error.emit(str(error))
            return False
        self.cacher.start(ShotJob(setup, project.rest_pose(), project.sample(list(frames)), frames, self.version))
        show_progress(self.cacher, parent)
        return True

    def shutdown(self) -> None:
        """Stop a caching job and wait for it (the window is closing)."""
        self.cacher.wait()

    def _setup(self) -> PreviewSetup | None:
        """The preview's current setup, for a job that renders like it (None before the first one)."""
        if self._configured is None:
            return None
        project = self.session.project
        settings = project.render
        return PreviewSetup(0, project.source_png, settings.generator, settings.device, dict(settings.options),
                            preview_size(project.width, project.height), project.region_png, project.stiff_areas)

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
        self._drafts = None
        self.watchdog.stop()
        if not self.stalled:
            self.view.set_message("")
        self.worker.configure(project.source_png, settings.generator, settings.device, settings.options,
                              preview_size(project.width, project.height), project.region_png, project.stiff_areas)

    def _on_frame_changed(self, _frame: int) -> None:
        self.request()

    def _on_document_changed(self, what: str) -> None:
        if what not in UNCHANGED_FRAMES:
            self._invalidate_cache()
        if what in ("settings", "region", "rig"):
            self._configure()
        self.request()

    def _invalidate_cache(self) -> None:
        """The document changed: cached frames no longer show it (a running caching job stops)."""
        self.version += 1
        self.cache.clear()
        self.cacher.document_changed(self.version)

    def _on_gesture_changed(self, active: bool) -> None:
        """A gesture ended after drafts were asked for: ask for the full frame."""
        if not active and self._last_draft and self._drafts is not False:
            self.request()

    def _on_settled(self) -> None:
        """The gesture rests (the mouse holds still): show the full frame until it moves on."""
        if self.session.gesture_active and self._last_draft:
            self.request(full=True)

    def _on_drafts_offered(self, offered: bool) -> None:
        self._drafts = offered

    def _on_project_replaced(self) -> None:
        self._invalidate_cache()
        self.view.clear()
        self._configure()
        self.request()

    def _on_result(self, result: PreviewResult) -> None:
        if self.worker.stopped:  # a frame still queued when the window shut down: its view may be gone
            return
        self._answered = max(self._answered, result.seq)
        self.stalled = False
        self.watchdog.stop()
        if self.view.show_result(result) and self._playing:
            self._note_rate()
        self._arm_watchdog()

    def _note_rate(self) -> None:
        """While playing: say so when the preview shows fewer frames per second than the shot's rate."""
        self._rendered_at = [*self._rendered_at[-RATE_WINDOW:], time.perf_counter()]
        if len(self._rendered_at) < 3:
            return
        rate = (len(self._rendered_at) - 1) / max(self._rendered_at[-1] - self._rendered_at[0], 1e-6)
        fps = self.session.project.timing.fps
        if rate >= 0.9 * fps:
            self.view.set_note("")
            return
        shown = f"{rate:.0f}" if rate >= 1.5 else f"{rate:.1f}"
        self.view.set_note(f"playing at {shown} fps: the generator is slower than the shot's {fps:g} fps "
                           "(Playback > Cache Shot for Playback plays it at full rate)")

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
