"""The Capture panel's widgets and layout (no behaviour: studio.ui.capture.capture_panel wires them).

The panel is wide and short, made for the window's bottom dock area beside the timeline: four columns
(source and tracking | the source view | bindings | perform and takes) over one status line, with no scrolling.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.capture.head_turn import HeadLimits
from studio.ui.capture.capture_bindings import BindingsTable
from studio.ui.capture.capture_source_view import CaptureSourceView

RESOLUTIONS: tuple[tuple[str, tuple[int, int] | None], ...] = (
    ("Camera default", None), ("640 × 480", (640, 480)), ("1280 × 720", (1280, 720)), ("1920 × 1080", (1920, 1080)),
)
PANEL_HEIGHT = 340
class SoundCombo(QComboBox):
    """The "Mouth from sound" list; says when it is about to open, so the microphones are listed only then (audio
    devices are probed on demand, never merely because the panel was shown)."""

    about_to_open = Signal()

    def showPopup(self) -> None:
        """Let the panel refresh the microphones, then open the list."""
        self.about_to_open.emit()
        super().showPopup()


SOUND_TIP = ("Sound drives only the mouth keypoints (the face preset's mouth, lips, jaw and chin), from its loudness; "
             "with a camera or video running too, it replaces their motion live. Record records the mouth from "
             "the sound")


def _row(*widgets: QWidget, stretch: QWidget | None = None) -> QHBoxLayout:
    """A horizontal row of widgets; ``stretch`` takes the spare width."""
    row = QHBoxLayout()
    for widget in widgets:
        row.addWidget(widget, 1 if widget is stretch else 0)
    return row


def _box(title: str, layout: QBoxLayout | QFormLayout | QGridLayout) -> QGroupBox:
    box = QGroupBox(title)
    box.setLayout(layout)
    return box


class CapturePanelLayout(QWidget):
    """Builds the panel's actions and widgets as attributes: source, tracking, view, bindings, perform, takes."""

    def __init__(self, tracker_names: list[str]) -> None:
        super().__init__()
        self.setObjectName("capturePanelWidget")
        self._build_actions()
        setup = QVBoxLayout()
        setup.addWidget(self._build_source())
        setup.addWidget(self._build_tracking())
        setup.addStretch(1)
        self.tracker_combo.addItems(tracker_names)
        self.source_view = CaptureSourceView()
        self.source_view.setToolTip("Select a keypoint row, then click a landmark here to bind it")
        perform = QVBoxLayout()
        perform.addWidget(self._build_perform())
        perform.addWidget(self._build_takes(), 1)
        columns = QHBoxLayout()
        columns.addLayout(setup, 0)
        columns.addWidget(self.source_view, 3)
        columns.addWidget(self._build_bindings(), 3)
        columns.addLayout(perform, 3)
        self.status_label = QLabel("", objectName="captureStatus", wordWrap=True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 4)
        outer.addLayout(columns, 1)
        outer.addWidget(self.status_label)

    @property
    def status(self) -> str:
        """The status line's text."""
        return self.status_label.text()

    def set_status(self, text: str) -> None:
        """Show one line in the panel's status."""
        self.status_label.setText(text)

    def buttons(self) -> list[QAbstractButton]:
        """Every push and tool button of the panel (for checking that their labels fit)."""
        return self.findChildren(QAbstractButton)

    def _build_actions(self) -> None:
        self.live_action = QAction("&Live Puppet", self, checkable=True,
                                   toolTip="The preview follows the performer live, without recording")
        self.record_action = QAction("&Record", self, toolTip="Count down 3-2-1 over the preview, then record a take")
        self.stop_action = QAction("&Stop", self, toolTip="Stop recording (or the countdown)")
        self.calibrate_action = QAction("&Calibrate Neutral", self,
                                        toolTip="Store the performer's current frame as the neutral pose")
        self.stop_action.setEnabled(False)

    def _build_source(self) -> QGroupBox:
        self.camera_combo = QComboBox(objectName="captureCameraCombo")
        self.refresh_button = QToolButton(text="↻", toolTip="Look for cameras again")
        self.resolution_combo = QComboBox(objectName="captureResolution")
        for text, size in RESOLUTIONS:
            self.resolution_combo.addItem(text, size)
        self.mirror_check = QCheckBox("Mirror", toolTip="Flip the camera left-right, like a mirror")
        self.video_button = QPushButton("Video file…")
        self.folder_button = QPushButton("Frame folder…")
        self.sound_combo = SoundCombo(objectName="captureSoundCombo", toolTip=SOUND_TIP)
        self.sound_combo.addItem("Mouth from sound: off", None)
        self.sound_file_button = QPushButton("Sound file…", objectName="captureSoundFile",
                                             toolTip="Drive the mouth from a recorded line, as a microphone would")
        self.source_label = QLabel("No source chosen", objectName="captureSourceLabel")
        self.source_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout()
        layout.addLayout(_row(self.camera_combo, self.refresh_button, stretch=self.camera_combo))
        layout.addLayout(_row(self.resolution_combo, self.mirror_check, stretch=self.resolution_combo))
        layout.addLayout(_row(self.video_button, self.folder_button))
        layout.addLayout(_row(self.sound_combo, self.sound_file_button, stretch=self.sound_combo))
        layout.addWidget(self.source_label)
        return _box("Source", layout)

    def _build_tracking(self) -> QGroupBox:
        self.tracker_combo = QComboBox(objectName="captureTracker")
        self.mode_combo = QComboBox(objectName="captureMode")
        self.mode_combo.addItems(["relative", "absolute"])
        self.smoothing_slider = QSlider(Qt.Orientation.Horizontal, objectName="captureSmoothing",
                                        minimum=0, maximum=100, value=30,
                                        toolTip="One Euro smoothing: left = raw and quick, right = smooth")
        self.head_gain_spin = QDoubleSpinBox(objectName="captureHeadGain", minimum=0.0, maximum=2.0, singleStep=0.1,
                                             value=1.0, suffix=" ×",
                                             toolTip="Face: scale the head rotation (0 keeps the head still)")
        self.max_yaw_spin = QSpinBox(objectName="captureMaxYaw", minimum=0, maximum=90, value=30, prefix="±",
                                     suffix="° yaw", toolTip="Face: turn the head left or right by at most this much; "
                                     "large turns show what the image does not have")
        self.max_pitch_spin = QSpinBox(objectName="captureMaxPitch", minimum=0, maximum=90, value=20, prefix="±",
                                       suffix="° pitch", toolTip="Face: nod the head by at most this much")
        form = QFormLayout()
        form.addRow("Tracker", self.tracker_combo)
        form.addRow("Motion", self.mode_combo)
        form.addRow("Smoothing", self.smoothing_slider)
        form.addRow("Head turn", _row(self.head_gain_spin, self.max_yaw_spin, self.max_pitch_spin))
        return _box("Tracking", form)

    def head_limits(self) -> HeadLimits:
        """The head rotation gain and limits set in the panel."""
        return HeadLimits(self.head_gain_spin.value(), math.radians(self.max_yaw_spin.value()),
                          math.radians(self.max_pitch_spin.value()))

    def _build_bindings(self) -> QGroupBox:
        self.bindings = BindingsTable()
        self.auto_button = QPushButton("Auto (by name)", objectName="captureAutoBind",
                                       toolTip="Bind every keypoint named after the face, body or hands preset")
        self.lift_button = QPushButton("Lift to 3D", objectName="captureLift",
                                       toolTip="Face: give the keypoints their depth from the source's face, so head "
                                               "turns and nods turn them in 3D")
        self.keypoint_points_button = QPushButton("Flow: track keypoints",
                                                  toolTip="Flow tracker: follow each keypoint's own position")
        self.clear_button = QPushButton("Clear", toolTip="Unbind every keypoint")
        buttons = QVBoxLayout()
        for button in (self.auto_button, self.lift_button, self.keypoint_points_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QHBoxLayout()
        layout.addWidget(self.bindings, 1)
        layout.addLayout(buttons)
        box = _box("Bindings", layout)
        box.setToolTip("Select a keypoint row, then type a landmark number or click a landmark in the view")
        return box

    def _build_perform(self) -> QGroupBox:
        grid = QGridLayout()
        actions = (self.live_action, self.calibrate_action, self.record_action, self.stop_action)
        for index, action in enumerate(actions):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(button, index // 2, index % 2)
        return _box("Perform", grid)

    def _build_takes(self) -> QGroupBox:
        self.take_list = QListWidget(objectName="captureTakes")
        self.start_spin = QSpinBox(objectName="captureBakeStart", minimum=-100000, maximum=100000)
        self.end_spin = QSpinBox(objectName="captureBakeEnd", minimum=-100000, maximum=100000)
        self.replace_radio = QRadioButton("Replace keys", checked=True)
        self.store_radio = QRadioButton("Store as new take only")
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.replace_radio)
        self.mode_group.addButton(self.store_radio)
        self.bake_button = QPushButton("Bake", objectName="captureBake")
        layout = QVBoxLayout()
        layout.addWidget(self.take_list, 1)
        layout.addLayout(_row(QLabel("Frames"), self.start_spin, QLabel("to"), self.end_spin, self.bake_button))
        layout.addLayout(_row(self.replace_radio, self.store_radio))
        return _box("Takes", layout)
