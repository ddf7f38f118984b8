"""The Capture panel's recording of a face source and a sound at once: one take, the face tracker's motion with the
mouth from the sound (studio.capture.face_and_sound). Record restarts a file (video, frame folder or sound file) at
its start; the recorders' origins put a camera and a microphone on one clock from Record. Stop, the end of either
file, or a failure of either ends both.
"""

from __future__ import annotations

import time

from studio.capture.face_and_sound import shared_offsets, sound_over_take
from studio.core.takes import Take
from studio.ui.capture.capture_sound import SOUND_ENDED
from studio.ui.capture.capture_sound_actions import SoundActions
from studio.ui.capture.capture_source import SourceChoice


class FaceAndSoundActions(SoundActions):
    """Recording both a face source and a sound as one take (the panel's ``_choice`` and ``_sound``)."""

    _choice: SourceChoice | None
    _record_start: float | None = None

    @property
    def recording_both(self) -> bool:
        """True from Record until the face and sound recording is finished."""
        return self._record_start is not None

    def _records_both(self) -> bool:
        """Whether Record takes the face and the sound together (both chosen and keypoints bound)."""
        return self._choice is not None and self._sound is not None and bool(self.bindings.bindings())

    def _begin_both(self) -> None:
        """Start recording the face and the sound on one clock; a file restarts at its start."""
        choice, sound = self._choice, self._sound
        assert choice is not None and sound is not None
        self._record_start = time.monotonic()
        face = (choice.is_camera and self.runner.start_recording()) or self._start_capture(record=True)
        heard = (sound.is_microphone and self.sound_runner.start_recording()) or self._start_sound(record=True)
        if not (face and heard):
            self._record_start = None
            self.runner.take_recording()
            self.sound_runner.take_recording()
            self._set_recording_ui(False)
            return
        self.set_status(f"Recording {choice.label()} with the mouth from {sound.label()}…")

    def _finish_recording(self, cause: str = "") -> None:
        """The face recording ended (Stop, its end or a failure): with a sound recorded too, finish both."""
        if self.recording_both:
            self._finish_both(cause)
        else:
            super()._finish_recording(cause)

    def _finish_sound_recording(self, cause: str = "") -> None:
        """The sound recording ended: with a face recorded too, finish both."""
        if self.recording_both:
            self._finish_both(cause)
        else:
            super()._finish_sound_recording(cause)

    def _sound_stopped(self, message: str) -> None:
        """The sound ended or failed: while recording both, that ends both."""
        if self.recording_both:
            self._finish_both("" if message == SOUND_ENDED else message)
            message = ""
        super()._sound_stopped(message)

    def _finish_both(self, cause: str) -> None:
        """Stop both recordings and build their one take (a recording that never started reports ``cause``)."""
        start, self._record_start = self._record_start, None
        face, sound = self.runner.take_recording(), self.sound_runner.take_recording()
        both_files = self._choice is not None and not self._choice.is_camera and self._sound is not None \
            and not self._sound.is_microphone
        if not self.live_action.isChecked():
            self.runner.stop()
            self._stop_sound()
        self._set_recording_ui(False)
        if face is None or sound is None or start is None:
            self.set_status(cause[:1].upper() + cause[1:] if cause else "Nothing was recorded")
            return
        project = self.session.project
        name, lead = self._announce_take(cause)
        face_builder = self._face_take_builder(name)

        def build() -> Take:
            motion, shapes = face.motion(), sound.shapes()
            face_take = face_builder(motion)
            face_offset, sound_offset = shared_offsets(start, face.origin, sound.origin, both_files)
            return sound_over_take(project, face_take, float(motion.times[0]) + face_offset, shapes, sound_offset,
                                   name)

        self._build_recorded_take(build, lead)
