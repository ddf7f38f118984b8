"""The Capture panel's sound behaviour: a microphone or a sound file drives the mouth keypoints in Live Puppet mode
(over the camera's pose when one runs too, through the same preview feed) and records a mouth take. The rules are
studio.capture.sound_puppet and studio.capture.live_sound.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from studio.capture.sound_puppet import MouthDriver, sound_take
from studio.core.errors import UserError
from studio.core.project import PoseArrays
from studio.ui.capture.capture_preview import LivePreviewFeed
from studio.ui.capture.capture_sound import SOUND_ENDED, SoundRunner
from studio.ui.capture.capture_source import SoundChoice
from studio.ui.capture.capture_take_actions import TakeActions
from studio.ui.file_dialogs import open_file

SOUND_FILES = "Sound (*.wav *.mp3 *.m4a *.aac *.flac *.ogg *.opus *.mp4 *.mov *.webm *.mkv);;All files (*)"


class SoundActions(TakeActions):
    """Sound part of CapturePanel: the microphone list, the sound file, live mouth poses and mouth takes."""

    feed: LivePreviewFeed

    def _init_sound(self) -> None:
        self.sound_runner = SoundRunner(self)
        self._sound: SoundChoice | None = None
        self._shape: str | None = None
        self._mouth: MouthDriver | None = None
        self._camera_pose: PoseArrays | None = None
        self.sound_combo.activated.connect(self._on_sound_chosen)
        self.sound_combo.about_to_open.connect(self.refresh_microphones)
        self.sound_file_button.clicked.connect(self._choose_sound_file)
        self.sound_runner.shape_ready.connect(self._on_shape)
        self.sound_runner.failed.connect(self._sound_stopped)
        self.sound_runner.ended.connect(self._sound_stopped)

    @property
    def sound(self) -> SoundChoice | None:
        """The sound that drives the mouth (None: off)."""
        return self._sound

    def refresh_microphones(self) -> None:
        """List the audio inputs (each time the sound list opens); with none, the Microphone choice is greyed out
        and says why."""
        from studio.ui.capture.capture_mic import NO_MICROPHONE, list_microphones

        combo = self.sound_combo
        for index in reversed(range(1, combo.count())):
            data = combo.itemData(index)
            if data is None or data.is_microphone:
                combo.removeItem(index)
        microphones = list_microphones()
        for row, (device, name) in enumerate(microphones, start=1):
            combo.insertItem(row, f"Microphone: {name}", SoundChoice(device=device, name=name))
        if not microphones:
            combo.insertItem(1, "Microphone (none found)", None)
            item = combo.model().item(1)
            item.setEnabled(False)
            item.setData(NO_MICROPHONE, Qt.ItemDataRole.ToolTipRole)
        self._show_sound()

    def _on_sound_chosen(self, index: int) -> None:
        self.set_sound(self.sound_combo.itemData(index))

    def _choose_sound_file(self) -> None:
        path = open_file(self, "Sound that drives the mouth", "audio", SOUND_FILES)
        if path:
            self.set_sound(SoundChoice(path=Path(path)))

    def set_sound(self, choice: SoundChoice | None) -> None:
        """Drive the mouth from this microphone or sound file from now on (None: off); a live puppet follows it."""
        if self.sound_runner.recording:
            self.set_status("Stop recording before changing the sound")
            self._show_sound()
            return
        self._sound = choice
        self._stop_sound()
        self._show_sound()
        if choice is not None and self.live_action.isChecked():
            self._start_sound(record=False)
        elif choice is None and self.live_action.isChecked() and not self.runner.running:
            self._turn_live_off()

    def _show_sound(self) -> None:
        """Select the current sound in the list (a file gets its own entry)."""
        combo = self.sound_combo
        for index in reversed(range(1, combo.count())):
            data = combo.itemData(index)
            if data is not None and data.path is not None and data != self._sound:
                combo.removeItem(index)
        found = next((i for i in range(combo.count()) if combo.itemData(i) == self._sound), -1)
        if found < 0 and self._sound is not None:
            combo.addItem(self._sound.label(), self._sound)
            found = combo.count() - 1
        combo.setCurrentIndex(max(0, found))

    def _mouth_driver(self) -> MouthDriver:
        if self._mouth is None:
            self._mouth = MouthDriver(self.session.project)
        return self._mouth

    def _start_sound(self, record: bool) -> bool:
        """Start listening to the chosen sound; False (with the reason in the status line) when it cannot."""
        if self._sound is None:
            return False
        try:
            self._mouth_driver()
        except UserError as error:
            self.set_status(str(error)[:1].upper() + str(error)[1:])
            return False
        self._shape = None
        self.sound_runner.start(self._sound, record=record)
        self.set_status(f"{'Recording' if record else 'Listening to'} {self._sound.label()}")
        return True

    def _stop_sound(self) -> None:
        """Stop listening (a recording is kept for take_recording) and clear the view's mouth line."""
        self.sound_runner.stop()
        self._shape = None
        if not self.runner.running:
            self.source_view.set_message("No source running")

    def _mouth_over(self, pose: PoseArrays | None) -> PoseArrays | None:
        """The camera's live pose with the sound's mouth on it (unchanged while no sound is heard)."""
        self._camera_pose = pose
        if pose is None or self._shape is None or not self.sound_runner.running:
            return pose
        return self._mouth_driver().pose(self._shape, pose)

    def _on_shape(self, seconds: float, shape: str) -> None:
        changed, self._shape = shape != self._shape, shape
        if changed and not self.runner.running and self._sound is not None:
            self.source_view.set_message(f"{self._sound.label()}\nmouth shape {shape}")
        if self.feed.active:
            base = self._camera_pose if self.runner.running else None
            self.feed.offer(self._mouth_driver().pose(shape, base), seconds)

    def _sound_stopped(self, message: str) -> None:
        """The sound ended or failed (``message``; empty: already reported): keep a recording under way, give the
        preview back when nothing else runs."""
        if self.sound_runner.recording:
            self._finish_sound_recording("" if message == SOUND_ENDED else message)
        elif message:
            self.set_status(message[:1].upper() + message[1:])
        if not self.runner.running:
            self.source_view.set_message("No source running")
            self._turn_live_off()

    def _finish_sound_recording(self, cause: str = "") -> None:
        """Build the mouth take of what the sound recorded."""
        recorder = self.sound_runner.take_recording()
        self._set_recording_ui(False)
        if recorder is None:
            return
        project = self.session.project
        name, lead = self._announce_take(cause)
        shapes = recorder.shapes()
        self._build_recorded_take(lambda: sound_take(project, shapes, name), lead)

    def _turn_live_off(self) -> None:
        if self.live_action.isChecked():
            self.live_action.setChecked(False)
