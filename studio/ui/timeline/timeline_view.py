"""The timeline dock: transport bar, frame range and fps, and the painted key rows (TimelineCanvas).

Under the key rows, the audio row shows the sound (timeline.audio_row). Transport buttons drive a
PlaybackController (pass the window's one so Space and the buttons agree);
range and fps edits become ChangeTiming edits on the session.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollBar,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.edits import ChangeTiming
from studio.core.project import Timing
from studio.ui.session import Session
from studio.ui.timeline.audio_row import AudioRow
from studio.ui.timeline.playback import PlaybackController
from studio.ui.timeline.timeline_canvas import TimelineCanvas
from studio.ui.timeline.timeline_icons import make_icon

_FRAME_LIMIT = 1_000_000


class TimelineView(QWidget):
    """Frame ruler, playhead, keyframe rows and transport controls for one session."""

    def __init__(self, session: Session, playback: PlaybackController | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.playback = playback if playback is not None else PlaybackController(session, self)
        self.setObjectName("timeline")
        self.canvas = TimelineCanvas(session, self)
        self.scrollbar = QScrollBar(Qt.Orientation.Vertical, self)
        self.scrollbar.valueChanged.connect(self.canvas.set_scroll_y)
        self.canvas.scroll_range_changed.connect(self._on_scroll_range_changed)
        self.canvas.scroll_y_changed.connect(self.scrollbar.setValue)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.setSpacing(2)
        self._build_transport(bar)
        bar.addWidget(self._separator())
        self._build_frame(bar)
        bar.addWidget(self._separator())
        self._build_keying(bar)
        bar.addStretch(1)
        self._build_timing(bar)
        rows = QHBoxLayout()
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(0)
        rows.addWidget(self.canvas, 1)
        rows.addWidget(self.scrollbar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addLayout(rows, 1)
        self.audio_row = AudioRow(session, self.canvas.frame_to_x, self.canvas.x_to_frame, self)
        self.canvas.axis_changed.connect(self.audio_row.update)
        layout.addWidget(self.audio_row)

        session.project_replaced.connect(self._on_project_replaced)
        session.document_changed.connect(self._on_document_changed)
        session.frame_changed.connect(self._on_frame_changed)
        session.auto_key_changed.connect(self._on_auto_key_changed)
        self.playback.playing_changed.connect(self._on_playing_changed)
        self.playback.loop_changed.connect(self._on_loop_changed)
        self._sync_timing()

    # ----- public actions (the window may bind global shortcuts to these) ------------------------
    def set_key(self) -> None:
        """Key the selected keypoints (or all) at the playhead with their current pose."""
        self.canvas.set_key()

    def delete_selected_keys(self) -> bool:
        """Delete the selected keys; False when no key is selected (so Del can fall through)."""
        return self.canvas.delete_selected_keys()

    def copy_keys(self) -> bool:
        """Copy the selected keys; False when none is selected."""
        return self.canvas.copy_keys()

    def paste_keys(self) -> bool:
        """Paste the copied keys at the playhead; False when the clipboard is empty."""
        return self.canvas.paste_keys()

    # ----- construction (one builder per group of the bar) -----------------------------------------
    def _build_transport(self, bar: QHBoxLayout) -> None:
        """First, step back, play, step forward, last, loop."""
        self.first_button = self._button("first", "First frame (Home)", self.playback.go_to_start)
        self.step_back_button = self._button("step_back", "Previous frame (Left)", lambda: self.playback.step(-1))
        self.play_button = self._button("play", "Play / pause (Space)", self.playback.toggle)
        self.step_forward_button = self._button("step_forward", "Next frame (Right)",
                                                lambda: self.playback.step(1))
        self.last_button = self._button("last", "Last frame (End)", self.playback.go_to_end)
        self.loop_button = self._button("loop", "Loop playback", None, checkable=True)
        self.loop_button.setChecked(self.playback.loop)
        self.loop_button.toggled.connect(self.playback.set_loop)
        for button in (self.first_button, self.step_back_button, self.play_button, self.step_forward_button,
                       self.last_button, self.loop_button):
            bar.addWidget(button)

    def _build_frame(self, bar: QHBoxLayout) -> None:
        """The current-frame spin box."""
        self.frame_spin = self._spin(QSpinBox(self), "Current frame")
        self.frame_spin.valueChanged.connect(self.session.set_frame)
        bar.addWidget(QLabel("Frame", self))
        bar.addWidget(self.frame_spin)

    def _build_keying(self, bar: QHBoxLayout) -> None:
        """Set key and the auto-key toggle."""
        self.key_button = self._button("key", "Set key on the selected keypoints, or all (K)", self.set_key)
        self.auto_key_button = self._button("auto_key", "Auto-key: moving a handle writes a key", None,
                                            checkable=True)
        self.auto_key_button.setChecked(self.session.auto_key)
        self.auto_key_button.toggled.connect(self.session.set_auto_key)
        bar.addWidget(self.key_button)
        bar.addWidget(self.auto_key_button)

    def _build_timing(self, bar: QHBoxLayout) -> None:
        """Start, end and fps of the shot (edits become ChangeTiming)."""
        self.start_spin = self._spin(QSpinBox(self), "First frame of the shot")
        self.end_spin = self._spin(QSpinBox(self), "Last frame of the shot")
        self.fps_spin = self._spin(QDoubleSpinBox(self), "Frames per second")
        self.fps_spin.setDecimals(3)
        self.fps_spin.setRange(1.0, 240.0)
        for label, spin in (("Start", self.start_spin), ("End", self.end_spin), ("FPS", self.fps_spin)):
            bar.addWidget(QLabel(label, self))
            bar.addWidget(spin)
            spin.valueChanged.connect(self._on_timing_edited)

    # ----- construction helpers ------------------------------------------------------------------
    def _button(self, icon: str, tip: str, slot: object, checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(make_icon(icon))
        button.setIconSize(QSize(18, 18))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if slot is not None:
            button.clicked.connect(slot)
        return button

    def _separator(self) -> QFrame:
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    def _spin(self, spin: QAbstractSpinBox, tip: str) -> QAbstractSpinBox:
        spin.setKeyboardTracking(False)
        spin.setToolTip(tip)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        if isinstance(spin, QSpinBox):
            spin.setRange(-_FRAME_LIMIT, _FRAME_LIMIT)
        return spin

    # ----- handlers ------------------------------------------------------------------------------
    def _sync_timing(self) -> None:
        timing = self.session.project.timing
        for spin, value in ((self.start_spin, timing.start), (self.end_spin, timing.end),
                            (self.fps_spin, timing.fps)):
            with QSignalBlocker(spin):
                spin.setValue(value)
        with QSignalBlocker(self.frame_spin):
            self.frame_spin.setRange(timing.start, timing.end)
            self.frame_spin.setValue(self.session.current_frame)

    def _on_timing_edited(self) -> None:
        before = self.session.project.timing
        try:
            after = Timing(float(self.fps_spin.value()), int(self.start_spin.value()), int(self.end_spin.value()))
        except ValueError:
            self._sync_timing()
            return
        if after != before:
            self.session.push(ChangeTiming(before, after))
            self.session.set_frame(self.session.current_frame)

    def _on_scroll_range_changed(self, maximum: int, page: int) -> None:
        self.scrollbar.setRange(0, maximum)
        self.scrollbar.setPageStep(page)
        self.scrollbar.setSingleStep(12)
        self.scrollbar.setVisible(maximum > 0)

    def _on_project_replaced(self) -> None:
        self._sync_timing()

    def _on_document_changed(self, what: str) -> None:
        if what == "settings":
            self._sync_timing()

    def _on_frame_changed(self, frame: int) -> None:
        with QSignalBlocker(self.frame_spin):
            self.frame_spin.setValue(frame)

    def _on_auto_key_changed(self, enabled: bool) -> None:
        with QSignalBlocker(self.auto_key_button):
            self.auto_key_button.setChecked(enabled)

    def _on_playing_changed(self, playing: bool) -> None:
        self.play_button.setIcon(make_icon("pause" if playing else "play"))

    def _on_loop_changed(self, enabled: bool) -> None:
        with QSignalBlocker(self.loop_button):
            self.loop_button.setChecked(enabled)
