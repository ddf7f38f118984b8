"""The timeline's audio row: the sound's waveform on the shared time axis, its mouth cues, mute and volume.

Drag the waveform to slide the sound (its offset), drag a cue's left edge to move its start, right-click for a
cue's shape, mute, volume and removal. A gesture previews live and commits one edit on release; when the sound
has cues the mouth keys follow (studio.lipsync.sound_keys), in the same undo step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QMenu, QSpinBox, QToolButton, QWidget

from studio.core.audio import ChangeSound, MouthCue, Sound
from studio.core.errors import UserError
from studio.lipsync.shapes import ALL_SHAPES
from studio.lipsync.sound_keys import sound_edit
from studio.ui.session import Session
from studio.ui.timeline.audio_row_painter import AudioRowPainter
from studio.ui.timeline.timeline_geometry import HEADER_WIDTH
from studio.ui.timeline.waveform_cache import WaveformCache

ROW_HEIGHT = 56
CUE_GRAB = 4  # pixels either side of a cue's left edge that grab it
MIN_CUE = 0.02  # seconds: a dragged cue keeps at least this long, and so does the one before it
VOLUMES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


class AudioRow(QWidget):
    """The sound's row under the key rows; hidden while the project has no sound."""

    message = Signal(str)

    def __init__(self, session: Session, frame_to_x: Callable[[float], float], x_to_frame: Callable[[float], float],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.frame_to_x, self.x_to_frame = frame_to_x, x_to_frame
        self.waveforms = WaveformCache(self)
        self.bins_per_second = self.waveforms.bins_per_second
        self._preview: Sound | None = None
        self._drag: tuple[str, float, int] | None = None  # (kind, press frame, cue index)
        self._painter = AudioRowPainter(self)
        self.setObjectName("audioRow")
        self.setFixedHeight(ROW_HEIGHT)
        self.setMouseTracking(True)
        self._build_header()
        self.waveforms.ready.connect(self.update)
        self.waveforms.failed.connect(self.message)
        session.document_changed.connect(self._on_document_changed)
        session.project_replaced.connect(self._sync)
        session.frame_changed.connect(lambda _frame: self.update())
        self._sync()

    def _build_header(self) -> None:
        self.name_label = QLabel(self)
        self.name_label.setGeometry(8, 4, HEADER_WIDTH - 16, 18)
        self.mute_button = QToolButton(self)
        self.mute_button.setObjectName("muteButton")
        self.mute_button.setText("M")
        self.mute_button.setCheckable(True)
        self.mute_button.setToolTip("Mute the sound (playback and export)")
        self.mute_button.setGeometry(8, 26, 24, 22)
        self.mute_button.toggled.connect(self.set_muted)
        self.volume_spin = QSpinBox(self)
        self.volume_spin.setObjectName("volumeSpin")
        self.volume_spin.setRange(0, 400)
        self.volume_spin.setSuffix(" %")
        self.volume_spin.setKeyboardTracking(False)
        self.volume_spin.setToolTip("Volume of the sound (playback and export)")
        self.volume_spin.setGeometry(38, 26, 76, 22)
        self.volume_spin.valueChanged.connect(lambda value: self.set_volume(value / 100))

    # ----- state ---------------------------------------------------------------------------------
    def shown_sound(self) -> Sound | None:
        """The sound as drawn: the gesture's preview while dragging, else the project's."""
        return self._preview or self.session.project.sound

    def envelope(self) -> np.ndarray | None:
        """The shown sound's envelope, None while it is computed on a worker."""
        sound = self.shown_sound()
        return None if sound is None else self.waveforms.envelope(sound.data)

    def shutdown(self) -> None:
        """Wait for a waveform being computed."""
        self.waveforms.wait()

    # ----- edits ---------------------------------------------------------------------------------
    def commit(self, after: Sound, text: str = "") -> None:
        """Push ``after`` as one undo step (the mouth keys follow when it has cues)."""
        try:
            self.session.push(sound_edit(self.session.project, after, text))
        except UserError as error:
            self.message.emit(str(error))
        self.session.finish_gesture()

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute the sound."""
        sound = self.session.project.sound
        if sound is not None and sound.muted != muted:
            self.session.push(ChangeSound(sound, sound.with_changes(muted=muted)))
            self.session.finish_gesture()

    def set_volume(self, volume: float) -> None:
        """Set the sound's volume (1 = as recorded)."""
        sound = self.session.project.sound
        if sound is not None and abs(sound.volume - volume) > 1e-9:
            self.session.push(ChangeSound(sound, sound.with_changes(volume=volume)))
            self.session.finish_gesture()

    def remove_sound(self) -> None:
        """Remove the sound (its mouth keys stay)."""
        if self.session.project.sound is not None:
            self.session.push(ChangeSound(self.session.project.sound, None))
            self.session.finish_gesture()

    def set_cue_shape(self, index: int, shape: str) -> None:
        """Give cue ``index`` another mouth shape."""
        sound = self.session.project.sound
        if sound is not None and sound.cues[index].shape != shape:
            cues = list(sound.cues)
            cues[index] = dataclasses.replace(cues[index], shape=shape)
            self.commit(sound.with_changes(cues=tuple(cues)), f"Cue {index + 1} to {shape}")

    # ----- gestures ------------------------------------------------------------------------------
    def cue_at(self, x: float, edge_only: bool = False) -> int | None:
        """The cue whose left edge is under ``x`` (edge_only), or whose span holds ``x``."""
        sound = self.session.project.sound
        if sound is None:
            return None
        for index, cue in enumerate(sound.cues):
            left, right = self._painter.cue_span(sound, cue)
            if abs(x - left) <= CUE_GRAB if edge_only else left <= x < right:
                return index
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Left: slide the sound or move a cue's start. Right: the row's menu."""
        sound, pos = self.session.project.sound, event.position()
        if sound is None or pos.x() < HEADER_WIDTH:
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.menu_at(pos).popup(event.globalPosition().toPoint())
            return
        if event.button() == Qt.MouseButton.LeftButton:
            edge = self.cue_at(pos.x(), edge_only=True)
            kind = "cue" if edge is not None and edge > 0 else "slide"
            self._drag = (kind, self.x_to_frame(pos.x()), edge or 0)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Preview the slide or the cue's new start."""
        sound, pos = self.session.project.sound, event.position()
        if self._drag is None or sound is None:
            self.setCursor(Qt.CursorShape.SizeHorCursor if self.cue_at(pos.x(), True) else Qt.CursorShape.ArrowCursor)
            return
        kind, pressed, index = self._drag
        delta = self.x_to_frame(pos.x()) - pressed
        if kind == "slide":
            self._preview = sound.with_changes(offset=sound.offset + round(delta))
        else:
            self._preview = sound.with_changes(cues=_moved_start(sound.cues, index,
                                                                 delta / self.session.project.timing.fps))
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Commit the gesture as one edit."""
        preview, self._preview, self._drag = self._preview, None, None
        if preview is not None and preview != self.session.project.sound:
            self.commit(preview)
        self.update()

    def menu_at(self, pos: QPointF | QPoint) -> QMenu:
        """The right-click menu at ``pos``: the cue's shape (on a cue), mute, volume, remove."""
        sound = self.session.project.sound
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        index = self.cue_at(pos.x())
        if sound is not None and index is not None:
            shapes = menu.addMenu(f"Cue {index + 1} Shape")
            for shape in ALL_SHAPES:
                action = shapes.addAction(shape, lambda s=shape: self.set_cue_shape(index, s))
                action.setCheckable(True)
                action.setChecked(shape == sound.cues[index].shape)
            menu.addSeparator()
        mute = menu.addAction("Mute", self.mute_button.toggle)
        mute.setCheckable(True)
        mute.setChecked(sound is not None and sound.muted)
        volumes = menu.addMenu("Volume")
        for volume in VOLUMES:
            volumes.addAction(f"{volume:.0%}", lambda v=volume: self.volume_spin.setValue(round(v * 100)))
        menu.addSeparator()
        menu.addAction("Remove Sound", self.remove_sound)
        return menu

    # ----- painting and sync ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Header, waveform, cues, playhead (AudioRowPainter)."""
        painter = QPainter(self)
        self._painter.paint(painter)
        painter.end()

    def _sync(self) -> None:
        sound = self.session.project.sound
        self.setVisible(sound is not None)
        if sound is not None:
            self.name_label.setText(sound.name)
            self.name_label.setToolTip(f"{sound.name}, from frame {sound.offset}")
            with QSignalBlocker(self.mute_button), QSignalBlocker(self.volume_spin):
                self.mute_button.setChecked(sound.muted)
                self.volume_spin.setValue(round(sound.volume * 100))
        self.update()

    def _on_document_changed(self, what: str) -> None:
        if what in ("sound", "settings"):
            self._sync()


def _moved_start(cues: tuple[MouthCue, ...], index: int, delta: float) -> tuple[MouthCue, ...]:
    """The cues with cue ``index`` starting ``delta`` seconds later (the previous cue ends there), each cue kept
    at least MIN_CUE long."""
    cue, before = cues[index], cues[index - 1]
    start = min(max(cue.start + delta, before.start + MIN_CUE), cue.end - MIN_CUE)
    moved = list(cues)
    moved[index - 1] = dataclasses.replace(before, end=start)
    moved[index] = dataclasses.replace(cue, start=start)
    return tuple(moved)
