"""Audio > Lip Sync…: recognise the project's sound on a worker (progress, Cancel) and key the mouth from it.

The cues land on the sound (the audio row shows them) and the mouth keypoints are keyed over the sound's range,
both in one undo step (studio.lipsync.sound_keys.sound_edit). An optional transcript makes it more accurate.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from studio.core.audio import MAX_AMPLITUDE, MouthCue, mouth_shapes_of
from studio.core.errors import UserError
from studio.lipsync.shapes import parse_shapes
from studio.lipsync.sound_keys import sound_edit
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob

Progress = Callable[[int, int], None]
Recognise = Callable[[bytes, str | None, str, Progress, threading.Event], list[MouthCue]]


def recognise(data: bytes, transcript: str | None, shapes: str, progress: Progress,
              cancel: threading.Event) -> list[MouthCue]:
    """Mouth cues for a stored sound: decode to 16 kHz, recognise on a pool of two processes, animate."""
    from studio.lipsync.pipeline import Recognizer, lip_sync
    from studio.media.audio_decode import decode_audio

    samples: np.ndarray = decode_audio(data)
    with Recognizer() as recognizer:
        return lip_sync(samples, recognizer, transcript, shapes, progress, cancel).cues


class _Progress(QObject):
    """Carries the worker's progress to the GUI thread (queued)."""

    changed = Signal(int, int)


class LipSyncDialog(QDialog):
    """Transcript, shapes and amplitude; Run starts the worker, Cancel stops it."""

    message = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None, run: Recognise = recognise) -> None:
        super().__init__(parent)
        self.setWindowTitle("Lip Sync")
        self.setObjectName("lipSyncDialog")
        self.session = session
        self._run = run
        self._job: BackgroundJob | None = None
        self._cancel = threading.Event()
        self._progress = _Progress(self)
        self.transcript_edit = QPlainTextEdit(self)
        self.transcript_edit.setPlaceholderText("Optional: the words spoken (more accurate timing)")
        self.shapes_edit = QLineEdit("ABCDEFGHX", self)
        self.shapes_edit.setToolTip("Mouth shapes your character has: A-F always, plus any of G, H, X")
        self.amplitude_spin = QDoubleSpinBox(self)
        self.amplitude_spin.setRange(0.1, MAX_AMPLITUDE)
        self.amplitude_spin.setSingleStep(0.1)
        self.amplitude_spin.setValue(mouth_shapes_of(session.project).amplitude)
        self.amplitude_spin.setToolTip("How far the mouth moves (1 = the shapes as posed)")
        self.progress_bar = QProgressBar(self)
        self.status_label = QLabel("Keys the mouth keypoints over the sound's range, replacing keys there.", self)
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.run_button = self.buttons.addButton("Run", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow("Transcript", self.transcript_edit)
        form.addRow("Shapes", self.shapes_edit)
        form.addRow("Amplitude", self.amplitude_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.run_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self._progress.changed.connect(self._on_progress)

    @property
    def running(self) -> bool:
        """True while the recogniser works."""
        return self._job is not None

    def start(self) -> None:
        """Check the choices and start recognising on a worker."""
        sound = self.session.project.sound
        if sound is None:
            self._say("The project has no sound: import one with Audio > Import Audio…")
            return
        try:
            shapes = parse_shapes(self.shapes_edit.text())
        except UserError as error:
            self._say(str(error))
            return
        transcript = self.transcript_edit.toPlainText().strip() or None
        self._cancel.clear()
        self.run_button.setEnabled(False)
        self.status_label.setText("Listening… (the first run loads the speech models)")
        data = sound.data
        self._job = BackgroundJob(
            lambda: self._run(data, transcript, shapes, self._progress.changed.emit, self._cancel), self)
        self._job.succeeded.connect(lambda cues: self._done(data, cues))
        self._job.failed.connect(self._failed)
        self._job.finished.connect(self._finished)
        self._job.start()

    def cancel(self) -> None:
        """Stop a running recognition (the project is untouched), or close the dialog."""
        if self._job is None:
            self.reject()
            return
        self._cancel.set()
        self.status_label.setText("Cancelling…")

    def wait(self) -> None:
        """Wait for the worker to end (shutdown and tests)."""
        if self._job is not None:
            self._job.wait()

    def closeEvent(self, event: object) -> None:
        """Closing cancels a running recognition and waits for it."""
        self._cancel.set()
        self.wait()
        super().closeEvent(event)

    def _done(self, data: bytes, cues: list[MouthCue]) -> None:
        sound = self.session.project.sound
        if sound is None or sound.data is not data:
            self._say("The sound changed while listening: run Lip Sync again")
            return
        shapes = dataclasses.replace(mouth_shapes_of(self.session.project),
                                     amplitude=float(self.amplitude_spin.value()))
        try:
            self.session.push(sound_edit(self.session.project, sound.with_changes(cues=tuple(cues)), "Lip sync",
                                         shapes=shapes))
        except UserError as error:
            self._say(str(error))
            return
        self.session.finish_gesture()
        self.message.emit(f"Lip sync: {len(cues)} mouth cues keyed from frame {sound.offset}")
        self.accept()

    def _failed(self, reason: str) -> None:
        self._say("Lip sync cancelled" if self._cancel.is_set() else reason)

    def _finished(self) -> None:
        self._job = None
        self.run_button.setEnabled(True)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.message.emit(text)


def open_lip_sync(session: Session, parent: QWidget, message: Callable[[str], None]) -> LipSyncDialog:
    """Show the Lip Sync dialog (modeless, deleted when closed)."""
    dialog = LipSyncDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.message.connect(message)
    dialog.show()
    return dialog
