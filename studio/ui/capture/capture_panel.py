"""The Capture panel: perform motion with a camera or a video, watch it live on the preview, record and bake takes.

The panel only wires widgets to the capture and core functions: sources, tracking and retargeting run on
CaptureRunner's threads, take building on a BackgroundJob, and edits go through the session's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from studio.capture.neutral import neutral_of_frame
from studio.capture.puppet import LivePuppet, PuppetSettings
from studio.capture.retarget import rest_depths
from studio.capture.trackers.base import Tracker
from studio.core.errors import UserError
from studio.plugins.api import Registry
from studio.ui.capture.capture_combo_actions import FaceAndSoundActions
from studio.ui.capture.capture_countdown import CountdownOverlay
from studio.ui.capture.capture_layout import PANEL_HEIGHT
from studio.ui.capture.capture_preview import LivePreviewFeed, PreviewTarget
from studio.ui.capture.capture_runner import VIDEO_ENDED, CaptureRunner, LiveSample, shrink_for_view
from studio.ui.capture.capture_source import SourceChoice
from studio.ui.file_dialogs import existing_folder, open_file
from studio.ui.session import Session

RegistrySource = Callable[[], Registry | None]

BUILTIN_TRACKERS = ("face", "pose", "hands", "flow")
NOT_SEEN = {"face": "No face found: face the camera", "pose": "No body found: step into view",
            "hands": "No hand found: show a hand to the camera", "flow": "Every flow point is lost"}
# The face preset binds landmarks below 468, so the live face tracker skips the slower iris refinement.
TRACKER_OPTIONS: dict[str, dict[str, Any]] = {"face": {"refine_landmarks": False}}


def probe_cameras() -> list[int]:
    """The camera indices that give a frame (slow: run it on a worker thread; loads OpenCV there)."""
    from studio.capture.sources import list_cameras

    return list_cameras()


def tracker_names(registry: Registry | None) -> list[str]:
    """The built-in trackers, then any a plugin adds to the registry."""
    names = list(registry.names("tracker")) if registry is not None else []
    return list(BUILTIN_TRACKERS) + [n for n in names if n not in BUILTIN_TRACKERS]


class CapturePanel(FaceAndSoundActions):
    """The panel inside the Capture dock, given what it needs: the session, the preview it drives live (the pose
    sink), the plugin registry (for trackers) and the widget the countdown is drawn over.

    ``status`` is the one-line status; ``live_pose_sent(seq, timestamp)`` fires for each live preview request
    (its worker sequence number and the source timestamp of its frame).
    """

    live_pose_sent = Signal(int, float)

    def __init__(self, session: Session, preview: PreviewTarget, registry: RegistrySource,
                 countdown_host: QWidget | None = None) -> None:
        super().__init__(tracker_names(registry()))
        self.session = session
        self._registry = registry
        self.countdown_seconds = 3
        self.runner = CaptureRunner(self)
        self.feed = LivePreviewFeed(session, preview, self)
        self.countdown = CountdownOverlay(countdown_host or self.source_view)
        self.countdown_timer = QTimer(self, interval=1000)
        self._choice: SourceChoice | None = None
        self._init_takes()
        self._init_sound()
        self._neutral = None
        self._last_sample: LiveSample | None = None
        self._reference_size = None
        self._countdown = 0
        self._seen: bool | None = None
        self._cameras_listed = False
        self.dock: QDockWidget | None = None
        self.menu: QMenu | None = None
        self._connect()
        self._on_keypoints_changed()
        self._load_bindings()
        self._refresh_takes()

    def _connect(self) -> None:
        self.live_action.toggled.connect(self.set_live)
        self.record_action.triggered.connect(self.record)
        self.stop_action.triggered.connect(self.stop)
        self.calibrate_action.triggered.connect(self.calibrate)
        self.refresh_button.clicked.connect(self.refresh_cameras)
        self.camera_combo.activated.connect(self._on_camera_chosen)
        self.resolution_combo.activated.connect(self._on_camera_chosen)
        self.mirror_check.toggled.connect(lambda _on: self._on_camera_chosen())
        self.video_button.clicked.connect(self._choose_video)
        self.folder_button.clicked.connect(self._choose_folder)
        self.tracker_combo.currentTextChanged.connect(self._on_tracker_changed)
        self.mode_combo.currentTextChanged.connect(lambda _m: self._update_puppet())
        self.smoothing_slider.valueChanged.connect(lambda _v: self._update_puppet())
        self.auto_button.clicked.connect(self.auto_bind)
        self.lift_button.clicked.connect(self.lift_face)
        self.keypoint_points_button.clicked.connect(self.track_keypoints)
        self.clear_button.clicked.connect(self._clear_bindings)
        self.bindings.bindings_changed.connect(self._on_bindings_changed)
        self.bindings.message.connect(self.set_status)
        self.bindings_updated.connect(self._update_puppet)
        self.tracker_switched.connect(self._on_tracker_switched)
        self.source_view.clicked.connect(self._on_view_clicked)
        self.bake_button.clicked.connect(self.bake)
        self.take_list.currentRowChanged.connect(self._on_take_selected)
        self.countdown_timer.timeout.connect(self._tick)
        self.feed.sent.connect(self.live_pose_sent)
        self.runner.sample_ready.connect(self._on_sample)
        self.runner.failed.connect(self._on_capture_failed)
        self.runner.ended.connect(self._on_capture_ended)
        self.runner.started.connect(self._on_capture_started)
        self.session.document_changed.connect(self._on_document_changed)
        self.session.frame_changed.connect(lambda _f: self.feed.reassert())
        self.session.project_replaced.connect(self._on_project_replaced)

    # ----- lifecycle ---------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the capture, timers and jobs, and give the preview back to the timeline (idempotent)."""
        self.countdown_timer.stop()
        self._countdown = 0
        self.countdown.clear()
        self.runner.puppet = None
        self._record_start = None
        self.runner.stop()
        self.runner.take_recording()
        self.sound_runner.stop()
        self.sound_runner.take_recording()
        self.wait_for_jobs()
        self.feed.stop()
        self.live_action.blockSignals(True)
        self.live_action.setChecked(False)
        self.live_action.blockSignals(False)
        self._set_recording_ui(False)

    def showEvent(self, event: QShowEvent) -> None:
        """List the cameras the first time the panel is shown (microphones: when the sound list opens)."""
        super().showEvent(event)
        if not self._cameras_listed:
            self.refresh_cameras()

    # ----- source -----------------------------------------------------------------------------------
    def refresh_cameras(self) -> None:
        """Probe the cameras on a worker thread and fill the camera list."""
        self._cameras_listed = True
        self.camera_combo.clear()
        self.camera_combo.addItem("Looking for cameras…")
        self.camera_combo.setEnabled(False)
        self._run_job(probe_cameras, self._on_cameras_listed)

    def _on_cameras_listed(self, cameras: list[int]) -> None:
        self.camera_combo.clear()
        if not cameras:
            self.camera_combo.addItem("No camera found")
            self.camera_combo.setEnabled(False)
            return
        for index in cameras:
            self.camera_combo.addItem(f"Camera {index}", index)
        self.camera_combo.setEnabled(True)

    def _on_camera_chosen(self, _index: int = 0) -> None:
        index = self.camera_combo.currentData()
        if index is None or (self._choice is not None and not self._choice.is_camera
                             and self.sender() is not self.camera_combo):
            return
        self.set_source(SourceChoice(camera=int(index), size=self.resolution_combo.currentData(),
                                     mirror=self.mirror_check.isChecked()))

    def _choose_video(self) -> None:
        path = open_file(self, "Driving video", "video",
                         "Videos (*.mp4 *.mov *.webm *.mkv *.avi *.m4v);;All files (*)")
        if path:
            self.set_source(SourceChoice(path=Path(path)))

    def _choose_folder(self) -> None:
        path = existing_folder(self, "Folder of frames", "video")
        if path:
            self.set_source(SourceChoice(path=Path(path)))

    def set_source(self, choice: SourceChoice) -> None:
        """Use this camera, video or frame folder from now on (a running capture restarts on it)."""
        self._choice = choice
        self.source_label.setText(f"Source: {choice.label()}")
        self._reference_size = None
        if self.tracker_name == "flow":
            self._grab_reference()
        if self.runner.running and not self.runner.recording:
            self._start_capture(record=False)

    @property
    def reference_size(self) -> tuple[int, int] | None:
        """(W, H) of the source's first frame once it was read for placing flow points."""
        return self._reference_size

    @property
    def tracker_name(self) -> str:
        """The chosen tracker."""
        return self.tracker_combo.currentText()

    def _grab_reference(self) -> None:
        """Show the source's first frame, so flow points can be placed on it."""
        from studio.ui.capture.capture_open import first_frame

        choice = self._choice
        if choice is None:
            return
        self.source_view.set_message("Reading the first frame…")

        def shown(frame: np.ndarray) -> None:
            if choice != self._choice:
                return
            view, scale = shrink_for_view(frame)
            self._reference_size = (frame.shape[1], frame.shape[0])
            self.source_view.show_frame(view, scale, self.flow_points)
            self._highlight_bound()

        self._run_job(lambda: first_frame(choice), shown)

    def _on_tracker_switched(self, name: str) -> None:
        self._neutral = None
        self._seen = None
        self.source_view.set_points(self.flow_points if name == "flow" else np.zeros((0, 2), np.float32))
        if name == "flow":
            self._grab_reference()
        if self.runner.running and not self.runner.recording:
            self._start_capture(record=False)

    def _make_tracker_factory(self) -> Callable[[], Tracker]:
        from studio.capture.trackers.registry import create_tracker

        name = self.tracker_name
        registry = self._registry()
        options: dict[str, Any] = dict(TRACKER_OPTIONS.get(name, {}))
        if name == "flow":
            if not len(self.flow_points):
                raise UserError("the flow tracker needs points: click points on the frame or use "
                                "'Flow: track keypoints'")
            options["points"] = self.flow_points.astype(np.float64)
        return lambda: create_tracker(name, registry, **options)

    def _start_capture(self, record: bool) -> bool:
        if self._choice is None:
            self.set_status("Choose a camera, a video file or a frame folder first")
            return False
        try:
            factory = self._make_tracker_factory()
        except UserError as error:
            self.set_status(str(error))
            return False
        self._seen = None
        self.set_status(f"Opening {self._choice.label()}…")
        self.runner.start(self._choice, factory, record=record)
        return True

    def _on_capture_started(self, fps: float, size: tuple[int, int]) -> None:
        width, height = size
        recording = " — recording" if self.runner.recording else ""
        self.set_status(f"Running: {width}×{height} at {fps:.0f} fps{recording}")

    def _on_capture_failed(self, message: str) -> None:
        """The source or the tracker failed: a recording under way is kept (built from what arrived)."""
        self.countdown_timer.stop()
        self._countdown = 0
        self._turn_live_off()
        if self.runner.recording or self.recording_both:
            self._finish_recording(message)
            return
        self.countdown.clear()
        self._set_recording_ui(False)
        self.set_status(message)

    def _on_capture_ended(self, reason: str) -> None:
        """The source ended by itself: the video's end, or a camera that stopped giving frames."""
        self._turn_live_off()
        if self.runner.recording or self.recording_both:
            self._finish_recording("" if reason == VIDEO_ENDED else reason)
            return
        self.set_status(reason[:1].upper() + reason[1:])

    # ----- samples ----------------------------------------------------------------------------------
    def _on_sample(self, sample: LiveSample) -> None:
        self._last_sample = sample
        self.source_view.show_frame(sample.view, sample.view_scale, sample.tracked.landmarks)
        seen = bool(sample.tracked.visible.any())
        if seen != self._seen:
            self._seen = seen
            if not seen:
                self.set_status(NOT_SEEN.get(self.tracker_name, "Nothing tracked in view"))
            elif self.status in NOT_SEEN.values() or self.status.startswith(("Running", "Opening")):
                self.set_status("Recording…" if self.runner.recording else "Tracking")
        pose = self._mouth_over(sample.pose)
        if pose is not None:
            self.feed.offer(pose, sample.timestamp)

    # ----- live puppet ------------------------------------------------------------------------------
    def set_live(self, on: bool) -> None:
        """Turn live puppet mode on (starting the source if needed) or off."""
        if self.live_action.isChecked() != on:
            self.live_action.setChecked(on)
            return
        if on:
            self.runner.puppet = LivePuppet(self._puppet_settings())
            self.feed.start()
            if self._choice is None and self._sound is None:
                self.set_status("Choose a camera, a video file, a microphone or a sound file first")
                self._turn_live_off()
                return
            started = self._choice is None or self.runner.running or self._start_capture(record=False)
            heard = self._sound is None or self.sound_runner.running or self._start_sound(record=False)
            if not (started and heard):
                self._turn_live_off()
            return
        self.runner.puppet = None
        self.feed.stop()
        if self._countdown == 0:
            if not self.runner.recording:
                self.runner.stop()
            if not self.sound_runner.recording:
                self._stop_sound()

    def _puppet_settings(self) -> PuppetSettings:
        project = self.session.project
        rest = np.array([kp.rest_values for kp in project.keypoints], dtype=np.float64).reshape(-1, 4)
        return PuppetSettings(tuple(self.bindings.bindings()), rest, project.radii(), self.mode_combo.currentText(),
                              self.smoothing_slider.value() / 100.0, self._neutral, self.tracker_name,
                              rest_depths(project.keypoints), self.head_limits())

    def _update_puppet(self) -> None:
        puppet = self.runner.puppet
        if puppet is not None:
            puppet.settings = self._puppet_settings()

    def calibrate(self) -> None:
        """Store the performer's current frame as the neutral pose."""
        sample = self._last_sample
        if sample is None or not self.runner.running or not sample.tracked.visible.any():
            self.set_status("No performer in view to calibrate: turn on Live Puppet and face the camera")
            return
        self._neutral = neutral_of_frame(sample.tracked)
        self._update_puppet()
        self.set_status("Neutral pose stored: motion is measured from it")

    # ----- recording --------------------------------------------------------------------------------
    def record(self) -> None:
        """Count down, then record a take from the source."""
        if self._countdown or self.runner.recording or self.sound_runner.recording:
            return
        if self._choice is None and self._sound is None:
            self.set_status("Choose a camera, a video file, a frame folder, a microphone or a sound file first")
            return
        if self._sound is None and not self.bindings.bindings():
            self.set_status("Bind keypoints to landmarks first (Auto, or pick them in the table)")
            return
        self._set_recording_ui(True)
        self._countdown = self.countdown_seconds
        if self._countdown <= 0:
            self._begin_recording()
            return
        self.countdown.show_count(self._countdown)
        self.countdown_timer.start()

    def _tick(self) -> None:
        self._countdown -= 1
        if self._countdown > 0:
            self.countdown.show_count(self._countdown)
            return
        self.countdown_timer.stop()
        self._begin_recording()

    def _begin_recording(self) -> None:
        self._countdown = 0
        self.countdown.show_recording()
        if self._records_both():
            self._begin_both()
            return
        if self._sound is not None:
            if self.sound_runner.start_recording():
                self.set_status("Recording the mouth from sound…")
            elif not self._start_sound(record=True):
                self._set_recording_ui(False)
            return
        choice = self._choice
        if choice is not None and choice.is_camera and self.runner.start_recording():
            self.set_status("Recording…")
            return
        if not self._start_capture(record=True):
            self._set_recording_ui(False)

    def stop(self) -> None:
        """Cancel the countdown, or stop recording and build the take."""
        if self._countdown:
            self.countdown_timer.stop()
            self._countdown = 0
            self._set_recording_ui(False)
            self.set_status("Recording cancelled")
            return
        if self.sound_runner.recording:
            self._finish_sound_recording()
        else:
            self._finish_recording()
        if not self.live_action.isChecked():
            self.runner.stop()
            self._stop_sound()

    # ----- document ---------------------------------------------------------------------------------
    def _on_document_changed(self, what: str) -> None:
        if what == "keypoints":
            self._on_keypoints_changed()
        elif what == "takes":
            self._refresh_takes()
        elif what == "capture":
            self._load_bindings()
        self._mouth = None
        self.feed.reassert()

    def _on_keypoints_changed(self) -> None:
        self.bindings.set_keypoints(self.session.project.keypoints)
        self._update_puppet()

    def _on_project_replaced(self) -> None:
        self.shutdown()
        self._pending_take = None
        self._neutral = None
        self._mouth = None
        self._on_keypoints_changed()
        self._load_bindings()
        self._refresh_takes()
        self.set_status("")


def attach_capture_panel(window: QMainWindow, session: Session, preview: PreviewTarget, registry: RegistrySource,
                         beside: QDockWidget | None = None, countdown_host: QWidget | None = None) -> CapturePanel:
    """Add the Capture dock (objectName "capturePanel", tabbed ``beside`` the timeline's dock, floatable) and a
    Capture menu to the window; return the panel. The countdown is drawn over ``countdown_host`` (the preview).

    The window should call ``panel.shutdown()`` from its own shutdown; until then the app's aboutToQuit does.
    """
    from PySide6.QtWidgets import QApplication

    panel = CapturePanel(session, preview, registry, countdown_host)
    dock = QDockWidget("Capture", window)
    dock.setObjectName("capturePanel")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    if beside is not None:
        window.tabifyDockWidget(beside, dock)
        beside.raise_()
    dock.visibilityChanged.connect(
        lambda shown: shown and window.resizeDocks([dock], [PANEL_HEIGHT], Qt.Orientation.Vertical))
    menu = window.menuBar().addMenu("&Capture")
    menu.addActions([panel.live_action, panel.calibrate_action])
    menu.addSeparator()
    menu.addActions([panel.record_action, panel.stop_action])
    menu.addSeparator()
    menu.addAction(dock.toggleViewAction())
    panel.dock = dock
    panel.menu = menu
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(panel.shutdown)
    return panel
