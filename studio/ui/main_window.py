"""The main window: canvas and preview side by side, timeline, curves and undo history as docks.

It wires gestures and menu actions to the session and the file controller; it holds no animation logic.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from studio.core.edits import ChangeRenderSettings
from studio.core.project import Project
from studio.plugins.api import Registry
from studio.ui.about import AboutDialog
from studio.ui.audio.audio_feature import AudioFeature
from studio.ui.audio.sound_import import is_sound_file
from studio.ui.canvas.canvas_tools import CanvasTools
from studio.ui.canvas.canvas_view import CanvasView
from studio.ui.capture.capture_panel import attach_capture_panel
from studio.ui.curves.curve_editor import CurveEditor
from studio.ui.files.project_files import ProjectFiles
from studio.ui.files.start_page import StartPage, blank_project
from studio.ui.history.undo_history import UndoHistoryView
from studio.ui.keypoints.face_placement import start_face_placement
from studio.ui.keypoints.keypoints_panel import KeypointsPanel
from studio.ui.keypoints.preset_placement import PresetPlacer
from studio.ui.models.model_setup import ModelSetup
from studio.ui.preview.device_choice import mark_unavailable_devices
from studio.ui.preview.preview_link import PreviewLink
from studio.ui.preview.preview_view import PreviewView, with_thread_count
from studio.ui.preview.preview_worker import PreviewWorker
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob
from studio.ui.timeline.playback import PlaybackController
from studio.ui.timeline.timeline_view import TimelineView

DEVICES = ("auto", "cpu", "cuda")


def make_registry() -> Registry:
    """The plugin registry the preview renders with: built-ins plus discovered plugins."""
    from studio.plugins.discovery import default_registry

    return default_registry()


def _dropped_path(mime: QMimeData) -> Path | None:
    urls = [u for u in mime.urls() if u.isLocalFile()]
    return Path(urls[0].toLocalFile()) if len(urls) == 1 else None


class MainWindow(QMainWindow):
    """The studio window for one session.

    ``project`` (optional) is shown right away; without it the start page shows until a project is
    opened. Call ``start()`` once the window is visible: it starts the preview worker, autosave and
    the crash marker (the heavy engine imports happen on the worker).
    """

    def __init__(self, project: Project | None = None, path: Path | None = None,
                 registry_factory: Callable[[], Registry] = make_registry) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Marionette Studio")
        self.resize(1500, 920)
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self.session = Session(project or blank_project(), path)
        self.files = ProjectFiles(self.session, self)
        self.registry: Registry | None = None
        self._registry_factory = registry_factory
        self._face_job: BackgroundJob | None = None
        self._started = False
        self.model_setup = ModelSetup(self.session, self._registry, self)

        self.canvas = CanvasView(self.session)
        self.preview = PreviewView()
        self.worker = PreviewWorker(self._registry)
        self.preview_link = PreviewLink(self.session, self.worker, self.preview)
        for owned in (self.session, self.worker, self.preview_link):
            owned.setParent(self)  # deleted with the window, never left to the cyclic GC (docs/reliability.md)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.canvas)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.start_page = StartPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_page)
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)

        self.playback = PlaybackController(self.session, self)
        self.undo_view = UndoHistoryView(self.session)
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self.capture_panel = attach_capture_panel(self, self.session, self.preview_link, lambda: self.registry,
                                                  self.docks[0], self.preview)
        self.docks.append(self.capture_panel.dock)
        self._attach_audio()
        self._show_editor(project is not None)
        self._update_title()

    # ----- construction -----------------------------------------------------------------------------
    def _registry(self) -> Registry:
        if self.registry is None:
            self.registry = self._registry_factory()
        return self.registry

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}Dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        self.timeline = TimelineView(self.session, self.playback)
        self.curve_editor = CurveEditor(self.session)
        timeline_dock = self._dock("Timeline", "timeline", self.timeline, bottom)
        curves_dock = self._dock("Curves", "curveEditor", self.curve_editor, bottom)
        self.tabifyDockWidget(timeline_dock, curves_dock)
        timeline_dock.raise_()
        self.undo_dock = self._dock("History", "undoHistory", self.undo_view,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.keypoints_panel = KeypointsPanel(self.session)
        keypoints_dock = self._dock("Keypoints", "keypoints", self.keypoints_panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([timeline_dock], [self.curve_editor.sizeHint().height()], Qt.Orientation.Vertical)
        self.resizeDocks([self.undo_dock], [330], Qt.Orientation.Horizontal)
        self.docks = [timeline_dock, curves_dock, self.undo_dock, keypoints_dock]

    def _attach_audio(self) -> None:
        """Sound: the player follows playback (and leads it while the sound plays), the ruler scrubs it, and a sound
        file driving the mouth in the Capture dock is heard."""
        self.audio = AudioFeature(self, self.session)
        self.audio.message.connect(self.show_message)
        self.timeline.audio_row.message.connect(self.show_message)
        self.playback.playing_changed.connect(self.audio.player.set_playing)
        self.playback.set_clock(self.audio.player.frame_now)
        self.timeline.canvas.scrubbed.connect(self.audio.player.scrub)
        self.capture_panel.sound_runner.file_started.connect(self.audio.monitor.play_file)
        self.capture_panel.sound_runner.silenced.connect(self.audio.monitor.stop)
        keypoints_dock = self.findChild(QDockWidget, "keypointsDock")
        self.tabifyDockWidget(keypoints_dock, self.audio.shapes_dock)
        keypoints_dock.raise_()
        self.resizeDocks([self.undo_dock, keypoints_dock], [180, 420], Qt.Orientation.Vertical)
        self.docks.append(self.audio.shapes_dock)
        self.audio_menu.addActions(self.audio.actions)
        self.audio_menu.addAction(self.audio.shapes_dock.toggleViewAction())
        self.file_menu.insertAction(self.export_action, self.audio.import_action)

    def _action(self, text: str, slot: Callable[..., Any], shortcut: Any = None,
                checkable: bool = False, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setCheckable(checkable)
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.new_action = self._action("&New from Image…", lambda: self.files.new_from_image(), std.New)
        self.open_action = self._action("&Open…", lambda: self.files.open(), std.Open)
        self.save_action = self._action("&Save", self.files.save, std.Save)
        self.save_as_action = self._action("Save &As…", lambda: self.files.save_as(), "Ctrl+Shift+S")
        self.export_action = self._action("&Export…", self.open_export_dialog, "Ctrl+E")
        self.quit_action = self._action("&Quit", self.close, std.Quit)
        self.undo_action = self._action("&Undo", self._undo, "Ctrl+Z")
        self.redo_action = self._action("&Redo", self._redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        self.set_key_action = self._action("Set &Key", self.set_key, "K",
                                           tip="Key the selected keypoints at the current frame (K)")
        self.delete_action = self._action("&Delete Keypoints", self.canvas.delete_selected, std.Delete)
        self.auto_key_action = self._action("Auto-&Key", self.session.set_auto_key, checkable=True,
                                            tip="Moving a handle writes a key at the current frame")
        self.auto_key_action.setChecked(self.session.auto_key)
        self.add_tool_action = self._action(
            "&Add Keypoint Tool", self.canvas.set_add_mode, "A", checkable=True,
            tip="Click on the image to add keypoints (A); double-click also adds")
        self.face_action = self._action("Auto-Place &Face Keypoints", self.auto_place_face,
                                        tip="Detect the face and add the face keypoint preset")
        self.preset_placer = PresetPlacer(self.session, self.show_message, self)
        self.model_keypoints_action = self._action(
            "Place Keypoints from &Model…", lambda: self.model_setup.place_keypoints(),
            tip="The learned model places its keypoints on the image (replaces the current keypoints)")
        self.model_setup.track_action(self.model_keypoints_action)
        self.fit_action = self._action("&Frame All", self.canvas.fit, "F")
        self.actual_size_action = self._action("Actual Size (100%)", self.canvas.actual_size, "Ctrl+1")
        self.zoom_in_action = self._action("Zoom &In", lambda: self.canvas.zoom_by(1.25), std.ZoomIn)
        self.zoom_out_action = self._action("Zoom &Out", lambda: self.canvas.zoom_by(0.8), std.ZoomOut)
        self.onion_action = self._action("&Onion Skin", self.canvas.set_onion_skin, "O", checkable=True,
                                         tip="Ghosts of the previous and next keyframe poses (O)")
        self.preview_action = self._action("&Preview Panel", self.preview.setVisible, checkable=True)
        self.preview_action.setChecked(True)
        self.overlay_action = self._action(
            "Preview &Overlay", self.canvas.set_preview_overlay, "Shift+O", checkable=True,
            tip="Draw the generated frame over the source image on the canvas (Shift+O)")
        self.play_action = self._action("&Play / Pause", self.toggle_playback, "Space")
        self.next_frame_action = self._action("&Next Frame", lambda: self.step(1), "Right")
        self.previous_frame_action = self._action("P&revious Frame", lambda: self.step(-1), "Left")
        self.first_frame_action = self._action("&First Frame", self.go_to_start, "Home")
        self.last_frame_action = self._action("&Last Frame", self.go_to_end, "End")
        self.cache_shot_action = self._action("&Cache Shot for Playback", lambda: self.preview_link.cache_shot(self))
        self.canvas_tools = CanvasTools(self.canvas, self.add_tool_action, self, self.show_message,
                                        self._set_mesh_wanted)
        self._editing_actions = [*self.canvas_tools.actions,
            self.save_action, self.save_as_action, self.set_key_action, self.delete_action, self.add_tool_action,
            self.face_action, self.fit_action, self.actual_size_action, self.zoom_in_action, self.zoom_out_action,
            self.onion_action, self.overlay_action, self.play_action, self.next_frame_action,
            self.previous_frame_action, self.first_frame_action, self.last_frame_action]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self.file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.open_action])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.save_action, self.save_as_action])
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.set_key_action, self.auto_key_action, self.delete_action])
        keypoint_menu = bar.addMenu("&Keypoints")
        keypoint_menu.addActions([self.add_tool_action, self.face_action, *self.preset_placer.actions,
                                  self.model_keypoints_action])
        tools = self.canvas_tools
        keypoint_menu.addSeparator()
        keypoint_menu.addActions([tools.add_stick_action, tools.remove_stick_action, tools.stiff_action])
        region_menu = bar.addMenu("&Region")
        region_menu.addActions([tools.lasso_action, tools.brush_action])
        region_menu.addSeparator()
        region_menu.addActions(tools.region_commands)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.fit_action, self.actual_size_action, self.zoom_in_action,
                              self.zoom_out_action])
        view_menu.addSeparator()
        view_menu.addActions([self.onion_action, self.overlay_action, tools.show_region_action, tools.mesh_action,
                              self.preview_action])
        view_menu.addSeparator()
        for dock in self.docks:
            view_menu.addAction(dock.toggleViewAction())
        playback_menu = bar.addMenu("&Playback")
        playback_menu.addActions([self.play_action, self.previous_frame_action, self.next_frame_action,
                                  self.first_frame_action, self.last_frame_action, self.cache_shot_action])
        self.audio_menu = bar.addMenu("&Audio")
        plugins_menu = bar.addMenu("P&lugins")
        self.plugin_action = plugins_menu.addAction("Plugin &Manager…", self.open_plugin_manager)
        self.about_action = bar.addMenu("&Help").addAction("&About Marionette Studio…", self.show_about)

    def _build_toolbar(self) -> None:
        bar = self.tools_bar = QToolBar("Tools")
        bar.setObjectName("toolsToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        bar.addActions([self.add_tool_action, self.face_action])
        bar.addSeparator()
        bar.addActions(self.canvas_tools.tool_actions)
        bar.addWidget(self.canvas_tools.strength)
        bar.addSeparator()
        bar.addActions([self.auto_key_action, self.set_key_action, self.onion_action])
        bar.addSeparator()
        bar.addActions([self.fit_action, self.actual_size_action])
        bar.addSeparator()
        bar.addWidget(QLabel(" Generator "))
        self.generator_combo = QComboBox()
        self.generator_combo.setObjectName("generatorCombo")
        self.generator_combo.setMinimumWidth(110)
        bar.addWidget(self.generator_combo)
        bar.addWidget(QLabel(" Device "))
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.addItems(list(DEVICES))
        bar.addWidget(self.device_combo)
        self._sync_render_combos()
        self.generator_combo.activated.connect(self._on_generator_chosen)
        self.device_combo.activated.connect(self._on_device_chosen)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.hint_label = QLabel()
        self.hint_label.setObjectName("toolHint")
        status.addWidget(self.hint_label)
        self.frame_label = QLabel()
        self.device_label = QLabel("renderer starting…")
        self.render_label = QLabel("— ms")
        for label in (self.frame_label, self.device_label, self.render_label):
            label.setObjectName("statusField")
            status.addPermanentWidget(label)
        self._on_frame_changed(self.session.current_frame)

    def _connect(self) -> None:
        self.session.frame_changed.connect(self._on_frame_changed)
        self.session.project_replaced.connect(self._on_project_replaced)
        self.session.document_changed.connect(self._on_document_changed)
        self.session.auto_key_changed.connect(self.auto_key_action.setChecked)
        self.session.undo_changed.connect(self._update_undo_actions)
        self.files.state_changed.connect(self._update_title)
        self.files.message.connect(self.show_message)
        self.files.loaded.connect(lambda: self._show_editor(True))
        self.canvas.message.connect(self.show_message)
        self.keypoints_panel.message.connect(self.show_message)
        self.model_setup.message.connect(self.show_message)
        self.canvas.space_tapped.connect(self.toggle_playback)
        self.canvas.hint_changed.connect(self.hint_label.setText)
        self.worker.result_ready.connect(lambda r: self.canvas.mesh_overlay.set_mesh(
            r.mesh if self.canvas.mesh_overlay.isVisible() else None))
        self.preview_link.error.connect(self.show_message)
        self.playback.playing_changed.connect(self.preview_link.set_playing)
        self.preview_link.device_changed.connect(self.device_label.setText)
        self.preview_link.device_changed.connect(lambda _text: self._sync_render_combos())
        self.worker.devices_checked.connect(lambda problems: mark_unavailable_devices(self.device_combo, problems))
        self.preview.image_shown.connect(self.canvas.set_preview_image)
        self.worker.result_ready.connect(lambda r: self.render_label.setText(f"{r.render_ms:.0f} ms"))
        self.worker.result_ready.connect(
            lambda r: self.device_label.setText(with_thread_count(self.device_label.text(), r.threads)))
        self.start_page.new_requested.connect(lambda: self.files.new_from_image())
        self.start_page.open_requested.connect(lambda: self.files.open())
        self._update_undo_actions()

    def _show_editor(self, shown: bool) -> None:
        """The editor (canvas, preview, docks, tools) once a project is open; the start page before."""
        self.stack.setCurrentWidget(self.splitter if shown else self.start_page)
        for dock in self.docks:
            dock.setVisible(shown)
        for action in self._editing_actions:
            action.setEnabled(shown)
        self.tools_bar.setEnabled(shown)

    # ----- lifecycle --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the preview worker, the crash marker and autosave (after the window is shown)."""
        if self._started:
            return
        self._started = True
        self.files.start()
        self.preview_link.start()
        self._sync_render_combos()

    def shutdown(self) -> None:
        """Stop every thread and timer this window started (idempotent)."""
        self.playback.pause()
        self.audio.shutdown()
        self.timeline.audio_row.shutdown()
        self.capture_panel.shutdown()
        self.model_setup.shutdown()
        if self._face_job is not None:
            self._face_job.wait()
            self._face_job = None
        self.preset_placer.shutdown()
        self.canvas_tools.shutdown()
        self.canvas.source.shutdown()
        self.canvas.region_item.shutdown()
        self.worker.shutdown()
        self.preview_link.shutdown()
        if self._started:
            self.files.shutdown()
        self._started = False

    def closeEvent(self, event: QCloseEvent) -> None:
        """Let a running save finish, ask about unsaved changes, then shut down cleanly."""
        self.files.wait_for_saves()
        if not self.files.maybe_save():
            event.ignore()
            return
        self.shutdown()
        event.accept()

    # ----- commands ---------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """A transient status-bar message."""
        self.statusBar().showMessage(text, 8000)

    def _undo(self) -> None:
        self.session.undo.undo()

    def _redo(self) -> None:
        self.session.undo.redo()

    def set_key(self) -> None:
        """Key the selected (and any posed) keypoints at the current frame with their current pose."""
        if not self.session.key_current(self.session.selected_ids):
            self.show_message("Select keypoints to key: click, Shift+click or drag a box on the canvas")

    def _set_mesh_wanted(self, wanted: bool) -> None:
        """The preview sends the deformed mesh with its frames while the mesh overlay is on."""
        self.worker.mesh_wanted = wanted
        if self._started:
            self.preview_link.request()

    def toggle_playback(self) -> None:
        """Play or pause."""
        self.playback.toggle()

    def step(self, delta: int) -> None:
        """Pause and move the playhead by ``delta`` frames."""
        self.playback.step(delta)

    def go_to_start(self) -> None:
        """Playhead to the first frame."""
        self.playback.go_to_start()

    def go_to_end(self) -> None:
        """Playhead to the last frame (pauses)."""
        self.playback.go_to_end()

    def auto_place_face(self) -> None:
        """Detect a face on a worker thread and add the face keypoints as one undo step."""
        if self._face_job is not None:
            return
        self.show_message("Looking for a face…")
        self.face_action.setEnabled(False)

        def finished() -> None:
            self._face_job = None
            self.face_action.setEnabled(True)

        def done(count: int) -> None:
            self.show_message(f"Placed {count} face keypoints")

        def failed(reason: str) -> None:
            self.show_message(reason)

        self._face_job = start_face_placement(self.session, done, failed, self, finished)

    def open_export_dialog(self) -> None:
        """Show the export dialog (one per window); exports run in the background."""
        from studio.ui.export.export_dialog import open_export_dialog

        open_export_dialog(self)

    def open_plugin_manager(self) -> None:
        """Show the plugin manager; a changed set of plugins reaches the preview and the generator list."""
        from studio.ui.plugins.plugin_manager import PluginManagerDialog

        dialog = PluginManagerDialog(self, self.registry)
        dialog.registry_changed.connect(self.adopt_registry)
        dialog.exec()

    def show_about(self) -> None:
        """Help > About: the version and what the studio runs on."""
        AboutDialog(self).exec()

    def adopt_registry(self, registry: Registry) -> None:
        """Use a rebuilt plugin registry for the preview and the generator list."""
        self.registry = registry
        self.worker.use_registry(registry)
        self._sync_render_combos()
        if self._started:
            self.preview_link.reconfigure()

    # ----- render settings --------------------------------------------------------------------------
    def _sync_render_combos(self) -> None:
        settings = self.session.project.render
        names = list(self.registry.names("generator")) if self.registry is not None else []
        if settings.generator not in names:
            names.append(settings.generator)
        self.generator_combo.blockSignals(True)
        self.generator_combo.clear()
        self.generator_combo.addItems(names)
        self.generator_combo.setCurrentText(settings.generator)
        self.generator_combo.blockSignals(False)
        self.device_combo.blockSignals(True)
        if self.device_combo.findText(settings.device) < 0:
            self.device_combo.addItem(settings.device)
        self.device_combo.setCurrentText(settings.device)
        self.device_combo.blockSignals(False)

    def _change_render(self, **changes: object) -> None:
        before = self.session.project.render
        after = before.with_changes(**changes)
        if after != before:
            self.session.push(ChangeRenderSettings(before, after))
            self.session.finish_gesture()

    def _on_generator_chosen(self, _index: int) -> None:
        name = self.generator_combo.currentText()
        if self.model_setup.needs_setup(name):
            self.model_setup.choose(name, self._sync_render_combos)
        elif name != self.session.project.render.generator:
            self._change_render(generator=name, options={})

    def _on_device_chosen(self, _index: int) -> None:
        self.preview_link.set_device(self.device_combo.currentText())

    # ----- session -> widgets -----------------------------------------------------------------------
    def _on_frame_changed(self, frame: int) -> None:
        timing = self.session.project.timing
        self.frame_label.setText(f"Frame {frame} / {timing.start}–{timing.end}")

    def _on_project_replaced(self) -> None:
        self._sync_render_combos()
        self._on_frame_changed(self.session.current_frame)
        self._update_title()

    def _on_document_changed(self, what: str) -> None:
        if what == "settings":
            self._sync_render_combos()
            self._on_frame_changed(self.session.current_frame)

    def _update_undo_actions(self) -> None:
        undo = self.session.undo
        self.undo_action.setEnabled(undo.can_undo())
        self.redo_action.setEnabled(undo.can_redo())
        texts = undo.texts()
        self.undo_action.setText(f"&Undo {texts[undo.index - 1]}" if undo.can_undo() else "&Undo")
        self.redo_action.setText(f"&Redo {texts[undo.index]}" if undo.can_redo() else "&Redo")
        self._update_title()

    def _update_title(self) -> None:
        path = self.session.path
        name = path.name if path else "Untitled"
        self.setWindowTitle(f"{name}[*] — Marionette Studio")
        self.setWindowModified(self.files.is_modified)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.files.recent()
        for path in recent:
            self.recent_menu.addAction(path.name, lambda p=path: self.files.open(p)).setToolTip(str(path))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    # ----- drag and drop ----------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept one local image, sound or project file."""
        if _dropped_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """A dropped image starts a new project; a dropped project opens; a dropped sound is imported."""
        path = _dropped_path(event.mimeData())
        if path is None:
            return
        event.acceptProposedAction()
        self.open_dropped(path)

    def open_dropped(self, path: Path) -> BackgroundJob | None:
        """Open a dropped file: a .marionette project opens, a sound file becomes the project's sound, anything
        else is read as an image."""
        if path.suffix.lower() == ".marionette":
            return self.files.open(path)
        if is_sound_file(path):
            return self.audio.choose_and_import(path)
        return self.files.new_from_image(path)

