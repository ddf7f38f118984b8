"""The Mouth Shapes panel: pose each mouth shape (A-H, X) as numbers, and scale them all with the amplitude.

Each shape is a displacement of the mouth keypoints in face widths along the face's axes (u across the face
from its right cheek to its left, v down). Picking a shape poses the mouth on the canvas and the preview at the
current frame (the session's pose: nothing is keyed), so the animator sees it while typing; the table edits the
numbers. Changes are undoable and saved with the project; when the sound has cues, the mouth keys follow.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core.audio import MAX_AMPLITUDE, mouth_shapes_of
from studio.core.errors import UserError
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS, face_axes, mouth_pose
from studio.lipsync.shapes import ALL_SHAPES
from studio.lipsync.sound_keys import shapes_edit
from studio.ui.session import Session

SHAPE_HINTS = {"A": "closed: M, B, P", "B": "teeth together: K, S, T, EE", "C": "open: EH, AE",
               "D": "wide open: AA", "E": "rounded: AO, ER", "F": "puckered: UW, OW, W",
               "G": "teeth on lip: F, V", "H": "tongue up: L", "X": "rest"}


class MouthShapesPanel(QWidget):
    """Shape buttons, a table of (u, v) per mouth keypoint for the chosen shape, reset and amplitude."""

    message = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mouthShapesPanel")
        self.session = session
        self.shape = "D"
        self.buttons = QButtonGroup(self)
        row = QHBoxLayout()
        row.setSpacing(2)
        for shape in ALL_SHAPES:
            button = QPushButton(shape, self)
            button.setCheckable(True)
            button.setToolTip(SHAPE_HINTS[shape])
            button.setFixedWidth(28)
            self.buttons.addButton(button)
            row.addWidget(button)
            button.clicked.connect(lambda _checked=False, s=shape: self.choose(s))
        self.hint_label = QLabel(self)
        self.table = QTableWidget(len(MOUTH_KEYPOINTS), 2, self)
        self.table.setHorizontalHeaderLabels(["u (across)", "v (down)"])
        self.table.setVerticalHeaderLabels(list(MOUTH_KEYPOINTS))
        self.table.itemChanged.connect(self._on_item_changed)
        self.reset_button = QPushButton("Reset Shape", self)
        self.reset_button.setToolTip("Back to the built-in pose of this shape")
        self.reset_button.clicked.connect(self.reset_shape)
        self.amplitude_spin = QDoubleSpinBox(self)
        self.amplitude_spin.setRange(0.1, MAX_AMPLITUDE)
        self.amplitude_spin.setSingleStep(0.1)
        self.amplitude_spin.setKeyboardTracking(False)
        self.amplitude_spin.setToolTip("Scales every shape: how far the mouth moves")
        self.amplitude_spin.valueChanged.connect(self.set_amplitude)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reset_button)
        bottom.addStretch(1)
        bottom.addWidget(QLabel("Amplitude", self))
        bottom.addWidget(self.amplitude_spin)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        session.document_changed.connect(self._on_document_changed)
        session.project_replaced.connect(self._sync)
        self._sync()

    def pose(self) -> dict[str, tuple[float, float]]:
        """The chosen shape's (u, v) per mouth keypoint, as posed (not scaled by the amplitude)."""
        return mouth_pose(self.shape, 1.0, mouth_shapes_of(self.session.project).poses)

    def choose(self, shape: str) -> None:
        """Show ``shape`` in the table and pose the mouth with it at the current frame."""
        self.shape = shape
        self._sync()
        self.show_on_face()

    def set_value(self, name: str, axis: int, value: float) -> None:
        """Pose keypoint ``name`` of the chosen shape: ``axis`` 0 is u, 1 is v (face widths); one undo step."""
        shapes = mouth_shapes_of(self.session.project)
        pose = dict(self.pose())
        uv = list(pose[name])
        uv[axis] = float(value)
        pose[name] = (uv[0], uv[1])
        self._push(shapes.with_pose(self.shape, pose), f"Pose mouth shape {self.shape}")
        self.show_on_face()

    def reset_shape(self) -> None:
        """Back to the built-in pose of the chosen shape."""
        shapes = mouth_shapes_of(self.session.project)
        if self.shape in shapes.poses:
            self._push(shapes.without_pose(self.shape), f"Reset mouth shape {self.shape}")
            self.show_on_face()

    def set_amplitude(self, value: float) -> None:
        """Scale every shape by ``value``."""
        shapes = mouth_shapes_of(self.session.project)
        if abs(shapes.amplitude - value) > 1e-9:
            self._push(dataclasses.replace(shapes, amplitude=float(value)), f"Mouth amplitude {value:g}")

    def show_on_face(self) -> None:
        """Pose the mouth keypoints with the chosen shape at the current frame (not keyed: the playhead or K
        ends it)."""
        project = self.session.project
        ids = {kp.name: kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS}
        if not ids:
            self.message.emit("The project has no mouth keypoints: add the face preset (Keypoints menu)")
            return
        try:
            u, v, width = face_axes(project)
        except UserError as error:
            self.message.emit(str(error))
            return
        amplitude = mouth_shapes_of(project).amplitude
        values = project.sample_values([self.session.current_frame])[0]  # the keyed pose, not an earlier shape
        posed = {}
        for name, (du, dv) in mouth_pose(self.shape, amplitude, mouth_shapes_of(project).poses).items():
            if name in ids:
                current = values[project.index_of(ids[name])].copy()
                current[:2] += (du * u + dv * v) * width
                posed[ids[name]] = tuple(float(c) for c in current)
        self.session.set_posed(posed)

    def _push(self, after: object, text: str) -> None:
        try:
            self.session.push(shapes_edit(self.session.project, after, text))
        except UserError as error:
            self.message.emit(str(error))
        self.session.finish_gesture()

    def _sync(self) -> None:
        shapes = mouth_shapes_of(self.session.project)
        for button in self.buttons.buttons():
            button.setChecked(button.text() == self.shape)
        posed = " (posed)" if self.shape in shapes.poses else " (built-in)"
        self.hint_label.setText(f"{self.shape}: {SHAPE_HINTS[self.shape]}{posed}")
        with QSignalBlocker(self.table):
            for row, (_name, uv) in enumerate(self.pose().items()):
                for column, value in enumerate(uv):
                    self.table.setItem(row, column, QTableWidgetItem(f"{value:.4f}"))
        with QSignalBlocker(self.amplitude_spin):
            self.amplitude_spin.setValue(shapes.amplitude)
        self.reset_button.setEnabled(self.shape in shapes.poses)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        try:
            value = float(item.text())
        except ValueError:
            self.message.emit(f"{item.text()!r} is not a number: type a displacement in face widths, e.g. 0.05")
            self._sync()
            return
        self.set_value(MOUTH_KEYPOINTS[item.row()], item.column(), value)

    def _on_document_changed(self, what: str) -> None:
        if what in ("mouth_shapes", "sound"):
            self._sync()
