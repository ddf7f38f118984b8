"""The studio's sound feature, as the window assembles it: the actions (Import Audio, Lip Sync, Remove Sound),
the sound player and the Mouth Shapes dock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow

from studio.core.audio import ChangeSound
from studio.ui.audio.audio_clock import AudioSink
from studio.ui.audio.lip_sync_dialog import LipSyncDialog, open_lip_sync
from studio.ui.audio.mouth_shapes_panel import MouthShapesPanel
from studio.ui.audio.qt_sink import QtSink
from studio.ui.audio.sound_import import AUDIO_FILTER, import_sound
from studio.ui.audio.sound_monitor import SoundMonitor
from studio.ui.audio.sound_player import SoundPlayer
from studio.ui.file_dialogs import open_file
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob


class AudioFeature(QObject):
    """Sound for one window: ``actions`` for its menus, ``player`` for playback, ``shapes_dock`` for its docks."""

    message = Signal(str)

    def __init__(self, window: QMainWindow, session: Session,
                 sink_factory: Callable[[], AudioSink] = QtSink) -> None:
        super().__init__(window)
        self.window, self.session = window, session
        self.player = SoundPlayer(session, sink_factory, self)
        self.player.message.connect(self.message)
        self.monitor = SoundMonitor(sink_factory, self)
        self.monitor.message.connect(self.message)
        self._jobs: list[BackgroundJob] = []
        self.lip_sync_dialog: LipSyncDialog | None = None
        self.import_action = self._action("Import &Audio…", lambda: self.choose_and_import(),
                                          "Store a sound (or a video's sound) in the project")
        self.lip_sync_action = self._action("&Lip Sync…", self.open_lip_sync,
                                            "Key the mouth keypoints from the speech in the sound")
        self.remove_action = self._action("&Remove Sound", self.remove_sound, "Remove the project's sound")
        self.shapes_panel = MouthShapesPanel(session)
        self.shapes_panel.message.connect(self.message)
        self.shapes_dock = QDockWidget("Mouth Shapes", window)
        self.shapes_dock.setObjectName("mouthShapesDock")
        self.shapes_dock.setWidget(self.shapes_panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.shapes_dock)
        self.actions = [self.import_action, self.lip_sync_action, self.remove_action]
        session.document_changed.connect(self._on_document_changed)
        session.project_replaced.connect(self._sync)
        self._sync()

    def _action(self, text: str, slot: Callable[[], object], tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def choose_and_import(self, path: Path | None = None) -> BackgroundJob | None:
        """Ask for a sound or video file (unless given) and import its sound on a worker."""
        if path is None:
            chosen = open_file(self.window, "Import Audio", "audio", AUDIO_FILTER)
            if not chosen:
                return None
            path = Path(chosen)
        job = import_sound(self.session, path, self.message.emit, self, lambda: self._jobs.remove(job))
        self._jobs.append(job)
        return job

    def open_lip_sync(self) -> LipSyncDialog | None:
        """Show the Lip Sync dialog (needs a sound)."""
        if self.session.project.sound is None:
            self.message.emit("The project has no sound: import one with Audio > Import Audio…")
            return None
        if self.lip_sync_dialog is None:
            self.lip_sync_dialog = open_lip_sync(self.session, self.window, self.message.emit)
            self.lip_sync_dialog.destroyed.connect(self._forget_dialog)
        self.lip_sync_dialog.raise_()
        return self.lip_sync_dialog

    def remove_sound(self) -> None:
        """Remove the sound (one undo step; the mouth keys stay)."""
        if self.session.project.sound is not None:
            self.session.push(ChangeSound(self.session.project.sound, None))
            self.session.finish_gesture()

    def shutdown(self) -> None:
        """Stop the sound, the capture line being heard, a running lip sync and imports."""
        self.player.shutdown()
        self.monitor.shutdown()
        if self.lip_sync_dialog is not None:
            self.lip_sync_dialog.close()
        for job in list(self._jobs):
            job.wait()

    def _forget_dialog(self) -> None:
        self.lip_sync_dialog = None

    def _on_document_changed(self, what: str) -> None:
        if what == "sound":
            self._sync()

    def _sync(self) -> None:
        has_sound = self.session.project.sound is not None
        self.lip_sync_action.setEnabled(has_sound)
        self.remove_action.setEnabled(has_sound)
