"""The "Learned model" dialog: config and checkpoint files, the region the model works on, keypoint placement.

The dialog only collects the choice. OK emits ``submitted(options, place)`` and waits (busy) while its owner
loads the model on a worker thread; the owner then closes it (``finish``) or shows the error (``show_error``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import UserError
from studio.ui.file_dialogs import open_file

REGIONS = {"face": "Face box (automatic)", "crop": "Crop box", "whole": "Whole image"}
PLACE_TEXT = "Replace my keypoints with the model's (deletes the current keypoints and their animation)"
SOURCE_TEXT = ("The model files are your own: a first-order-motion-model config and checkpoint, such as "
               "<b>vox-256.yaml</b> and <b>vox-cpk.pth.tar</b> from the "
               "<a style=\"color: #e8a33d\" href=\"https://github.com/AliaksandrSiarohin/first-order-model\">"
               "first-order-model</a> release, "
               "or a run trained with <code>python main.py train</code>. Nothing is downloaded.")
DEFAULT_MARGIN = 0.4
DEFAULT_FEATHER = 0.08


def region_of(options: dict[str, Any]) -> str:
    """Which REGIONS entry a set of generator options describes."""
    if options.get("crop") is not None:
        return "crop"
    return "face" if options.get("paste_back", True) else "whole"


def _file_row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row


class ModelSetupDialog(QDialog):
    """Asks for a learned generator's files and paste-back options for a source of ``image_size`` (W, H).

    ``initial`` pre-fills the fields (the project's or the last used options).
    """

    submitted = Signal(dict, bool)

    def __init__(self, parent: QWidget | None, generator: str, image_size: tuple[int, int],
                 initial: dict[str, Any], keypoint_count: int = 0) -> None:
        super().__init__(parent)
        self.setObjectName("modelSetupDialog")
        self.setWindowTitle("Learned model")
        self.generator = generator
        self.source_label = QLabel(SOURCE_TEXT)
        self.source_label.setObjectName("modelSource")
        self.source_label.setWordWrap(True)
        self.source_label.setOpenExternalLinks(True)
        form = QFormLayout()
        config_button, checkpoint_button = self._build_files(form, initial)
        self._build_region(form, image_size, initial)
        self.place_check = QCheckBox(PLACE_TEXT)
        self.place_check.setObjectName("modelPlaceKeypoints")
        self.place_check.setChecked(keypoint_count == 0)
        self.place_check.setToolTip("Off keeps your keypoints and their animation; the model then needs as many "
                                    "keypoints as it was trained with")
        self._build_status()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_label)
        layout.addLayout(form)
        for widget in (self.place_check, self.busy_bar, self.status_label, self.error_label, self.buttons):
            layout.addWidget(widget)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._inputs = [self.config_edit, self.checkpoint_edit, config_button, checkpoint_button, self.region_combo,
                        self.crop_row, self.margin_spin, self.feather_spin, self.place_check,
                        self.buttons.button(QDialogButtonBox.StandardButton.Ok)]
        self._on_region_changed()

    def _build_files(self, form: QFormLayout, initial: dict[str, Any]) -> tuple[QPushButton, QPushButton]:
        """The config and checkpoint rows; returns their Browse buttons."""
        self.config_edit = QLineEdit(str(initial.get("config") or ""))
        self.config_edit.setObjectName("modelConfig")
        self.config_edit.setPlaceholderText("vox-256.yaml")
        self.checkpoint_edit = QLineEdit(str(initial.get("checkpoint") or ""))
        self.checkpoint_edit.setObjectName("modelCheckpoint")
        self.checkpoint_edit.setPlaceholderText("vox-cpk.pth.tar")
        config_button = QPushButton("Browse…")
        checkpoint_button = QPushButton("Browse…")
        config_button.clicked.connect(lambda: self._browse(self.config_edit, "Model config",
                                                           "YAML config (*.yaml *.yml);;All files (*)"))
        checkpoint_button.clicked.connect(lambda: self._browse(self.checkpoint_edit, "Model checkpoint",
                                                               "Checkpoint (*.pth.tar *.pth *.tar);;All files (*)"))
        form.addRow("Config", _file_row(self.config_edit, config_button))
        form.addRow("Checkpoint", _file_row(self.checkpoint_edit, checkpoint_button))
        return config_button, checkpoint_button

    def _build_region(self, form: QFormLayout, image_size: tuple[int, int], initial: dict[str, Any]) -> None:
        """The region choice, the crop box, the face margin and the feather."""
        width, height = image_size
        self.region_combo = QComboBox()
        self.region_combo.setObjectName("modelRegion")
        for key, text in REGIONS.items():
            self.region_combo.addItem(text, key)
        self.region_combo.setCurrentIndex(list(REGIONS).index(region_of(initial)))
        self.region_combo.setToolTip("The part of a large source the model works on; the result is blended "
                                     "back into the full image")
        crop = initial.get("crop") or _centre_square(width, height)
        self.crop_spins = [self._spin(int(value), limit) for value, limit in zip(crop, (width, height, width, height),
                                                                               strict=True)]
        self.crop_row = QWidget()
        crop_layout = QHBoxLayout(self.crop_row)
        crop_layout.setContentsMargins(0, 0, 0, 0)
        for label, spin in zip(("x", "y", "w", "h"), self.crop_spins, strict=True):
            crop_layout.addWidget(QLabel(label))
            crop_layout.addWidget(spin)
        self.margin_spin = self._fraction(float(initial.get("margin", DEFAULT_MARGIN)), 2.0,
                                          "Face crop margin, a fraction of the face size on each side")
        self.feather_spin = self._fraction(float(initial.get("feather", DEFAULT_FEATHER)), 0.5,
                                           "Width of the blend at the crop's edges, a fraction of its side")
        self.region_combo.currentIndexChanged.connect(self._on_region_changed)
        form.addRow("Model region", self.region_combo)
        form.addRow("Crop box", self.crop_row)
        form.addRow("Face margin", self.margin_spin)
        form.addRow("Feather", self.feather_spin)

    def _build_status(self) -> None:
        """The busy bar, the status line and the error line."""
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("modelBusy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.status_label = QLabel("")
        self.status_label.setObjectName("modelStatus")
        self.error_label = QLabel("")
        self.error_label.setObjectName("modelSetupError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #ff6b6b;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    @staticmethod
    def _spin(value: int, limit: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, max(1, limit))
        spin.setValue(value)
        return spin

    @staticmethod
    def _fraction(value: float, high: float, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(0.0, high)
        spin.setSingleStep(0.02)
        spin.setDecimals(2)
        spin.setValue(value)
        spin.setToolTip(tip)
        return spin

    def _browse(self, edit: QLineEdit, title: str, filters: str) -> None:
        path = open_file(self, title, "model", filters, edit.text().strip())
        if path:
            edit.setText(path)

    def _on_region_changed(self) -> None:
        region = self.region_combo.currentData()
        self.crop_row.setEnabled(region == "crop")
        self.margin_spin.setEnabled(region == "face")
        self.feather_spin.setEnabled(region != "whole")

    def options(self) -> dict[str, Any]:
        """The generator options the fields describe; UserError when a file is missing."""
        files = {}
        for name, edit, kind in (("config", self.config_edit, "config (.yaml)"),
                                 ("checkpoint", self.checkpoint_edit, "checkpoint (.pth.tar)")):
            text = edit.text().strip()
            if not text:
                raise UserError(f"choose the model's {kind} file")
            path = Path(text).expanduser()
            if not path.is_file():
                raise UserError(f"{kind} file not found: {path}")
            files[name] = str(path.resolve())
        region = self.region_combo.currentData()
        options: dict[str, Any] = {**files, "paste_back": region != "whole"}
        if region == "crop":
            crop = [spin.value() for spin in self.crop_spins]
            if crop[2] <= 0 or crop[3] <= 0:
                raise UserError("the crop box needs a width and a height above 0")
            options["crop"] = crop
        if region == "face":
            options["margin"] = round(self.margin_spin.value(), 2)
        if region != "whole":
            options["feather"] = round(self.feather_spin.value(), 2)
        return options

    def place_keypoints(self) -> bool:
        """Whether the model's keypoints should replace the project's."""
        return self.place_check.isChecked()

    def submit(self) -> None:
        """OK: check the fields and hand the choice to the owner (the dialog stays open, busy)."""
        try:
            options = self.options()
        except UserError as error:
            self.show_error(str(error))
            return
        self.error_label.setText("")
        self.set_busy(True)
        self.submitted.emit(options, self.place_keypoints())

    def set_busy(self, busy: bool) -> None:
        """Show the busy bar and lock the fields while the model loads."""
        self.busy_bar.setVisible(busy)
        text = "Loading the model and placing its keypoints…" if self.place_check.isChecked() else "Loading the model…"
        self.status_label.setText(text if busy else "")
        for widget in self._inputs:
            widget.setEnabled(not busy)
        if not busy:
            self._on_region_changed()

    def show_error(self, message: str) -> None:
        """The model could not be used: show the one-line reason and let the user fix the fields."""
        self.set_busy(False)
        self.error_label.setText(message)

    def finish(self) -> None:
        """The model loaded and its edit landed: close as accepted."""
        self.set_busy(False)
        self.accept()


def _centre_square(width: int, height: int) -> list[int]:
    """The largest centred square of the image, as [x, y, w, h]."""
    side = min(width, height)
    return [(width - side) // 2, (height - side) // 2, side, side]
