"""The Capture panel's widgets and layout (no behaviour: studio.ui.capture.capture_panel wires them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.capture.capture_bindings import BindingsTable
from studio.ui.capture.capture_source_view import CaptureSourceView

RESOLUTIONS: tuple[tuple[str, tuple[int, int] | None], ...] = (
    ("Camera default", None), ("640 × 480", (640, 480)), ("1280 × 720", (1280, 720)), ("1920 × 1080", (1920, 1080)),
)
DOCK_WIDTH = 400


class CapturePanelLayout(QWidget):
    """Builds the panel's actions and widgets as attributes: source, tracking, bindings, perform, takes, status."""

    def __init__(self, tracker_names: list[str]) -> None:
        super().__init__()
        self.setObjectName("capturePanelWidget")
        self.live_action = QAction("&Live Puppet", self, checkable=True,
                                   toolTip="The preview follows the performer live, without recording")
        self.record_action = QAction("&Record", self, toolTip="Count down 3-2-1, then record a take")
        self.stop_action = QAction("&Stop", self, toolTip="Stop recording (or the countdown)")
        self.calibrate_action = QAction("&Calibrate Neutral", self,
                                        toolTip="Store the performer's current frame as the neutral pose")
        self.stop_action.setEnabled(False)

        self.camera_combo = QComboBox(objectName="captureCameraCombo")
        self.refresh_button = QPushButton("↻", toolTip="Look for cameras again", maximumWidth=32)
        self.resolution_combo = QComboBox(objectName="captureResolution")
        for text, size in RESOLUTIONS:
            self.resolution_combo.addItem(text, size)
        self.mirror_check = QCheckBox("Mirror", toolTip="Flip the camera left-right, like a mirror")
        self.video_button = QPushButton("Video file…")
        self.folder_button = QPushButton("Frame folder…")
        self.source_label = QLabel("No source chosen", objectName="captureSourceLabel", wordWrap=True)
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera_combo, 1)
        camera_row.addWidget(self.refresh_button)
        file_row = QHBoxLayout()
        file_row.addWidget(self.video_button)
        file_row.addWidget(self.folder_button)
        option_row = QHBoxLayout()
        option_row.addWidget(self.resolution_combo, 1)
        option_row.addWidget(self.mirror_check)
        source_box = QGroupBox("Source")
        source_layout = QVBoxLayout(source_box)
        for row in (camera_row, option_row, file_row):
            source_layout.addLayout(row)
        source_layout.addWidget(self.source_label)

        self.tracker_combo = QComboBox(objectName="captureTracker")
        self.tracker_combo.addItems(tracker_names)
        self.mode_combo = QComboBox(objectName="captureMode")
        self.mode_combo.addItems(["relative", "absolute"])
        self.smoothing_slider = QSlider(Qt.Orientation.Horizontal, objectName="captureSmoothing",
                                        minimum=0, maximum=100, value=30,
                                        toolTip="One Euro smoothing: left = raw and quick, right = smooth")
        tracker_box = QGroupBox("Tracking")
        form = QFormLayout(tracker_box)
        form.addRow("Tracker", self.tracker_combo)
        form.addRow("Motion", self.mode_combo)
        form.addRow("Smoothing", self.smoothing_slider)

        self.source_view = CaptureSourceView()
        self.bindings = BindingsTable()
        self.auto_button = QPushButton("Auto (face preset)", objectName="captureAutoBind")
        self.keypoint_points_button = QPushButton("Flow: track keypoints",
                                                  toolTip="Flow tracker: follow each keypoint's own position")
        self.clear_button = QPushButton("Clear")
        bind_row = QHBoxLayout()
        for button in (self.auto_button, self.keypoint_points_button, self.clear_button):
            bind_row.addWidget(button)
        bindings_box = QGroupBox("Bindings")
        bindings_box.setToolTip("Select a keypoint row, then type a landmark number or click a landmark in the view")
        bindings_layout = QVBoxLayout(bindings_box)
        bindings_layout.addWidget(QLabel("Select a row, then click a landmark:", wordWrap=True))
        bindings_layout.addWidget(self.source_view, 2)
        bindings_layout.addWidget(self.bindings, 2)
        bindings_layout.addLayout(bind_row)

        perform_row = QHBoxLayout()
        for action in (self.live_action, self.calibrate_action, self.record_action, self.stop_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            perform_row.addWidget(button)
        self.countdown_label = QLabel("", objectName="captureCountdown")
        perform_row.addWidget(self.countdown_label, 1)

        self.take_list = QListWidget(objectName="captureTakes")
        self.start_spin = QSpinBox(objectName="captureBakeStart", minimum=-100000, maximum=100000)
        self.end_spin = QSpinBox(objectName="captureBakeEnd", minimum=-100000, maximum=100000)
        self.replace_radio = QRadioButton("Replace keys", checked=True)
        self.store_radio = QRadioButton("Store as new take only")
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.replace_radio)
        self.mode_group.addButton(self.store_radio)
        self.bake_button = QPushButton("Bake", objectName="captureBake")
        range_row = QHBoxLayout()
        range_row.addWidget(QLabel("Frames"))
        range_row.addWidget(self.start_spin)
        range_row.addWidget(QLabel("to"))
        range_row.addWidget(self.end_spin)
        range_row.addWidget(self.bake_button)
        bake_row = QHBoxLayout()
        bake_row.addWidget(self.replace_radio)
        bake_row.addWidget(self.store_radio)
        takes_box = QGroupBox("Takes")
        takes_layout = QVBoxLayout(takes_box)
        takes_layout.addWidget(self.take_list)
        takes_layout.addLayout(range_row)
        takes_layout.addLayout(bake_row)

        self.status_label = QLabel("", objectName="captureStatus", wordWrap=True)
        content = QWidget()
        layout = QVBoxLayout(content)
        for box in (source_box, tracker_box, bindings_box):
            layout.addWidget(box)
        layout.addLayout(perform_row)
        layout.addWidget(takes_box)
        layout.addWidget(self.status_label)
        content.setMinimumWidth(DOCK_WIDTH - 40)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
