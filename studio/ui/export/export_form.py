"""The fields of the Export dialog: format and target, frames, size, rate, background, motion blur, audio, quality.

``settings()`` reads them into an ``ExportSettings``; the form knows nothing of running an export.
Width and height keep the project's aspect ratio: the side the user edits last drives, the other follows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.project import Timing
from studio.jobs.render_plan import MAX_SIDE
from studio.ui.export.export_request import ExportSettings
from studio.ui.export.export_targets import (
    FORMATS,
    ExportFormat,
    default_stem,
    export_format,
    sequence_target,
    split_target,
    target_for,
)
from studio.ui.file_dialogs import existing_folder, open_file, save_file, start_folder
from studio.ui.session import Session

FRAME_LIMIT = 1_000_000
DEFAULT_COLOUR = "#20242a"
AUDIO_FILTER = "Audio or video (*.wav *.mp3 *.m4a *.aac *.ogg *.opus *.flac *.mp4 *.mov *.webm *.mkv);;All files (*)"


def _spin(minimum: int, maximum: int, value: int, name: str, parent: QWidget) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setObjectName(name)
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    return spin


def _row(*widgets: QWidget) -> QWidget:
    """Widgets side by side in one form row."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return row


class ExportForm(QWidget):
    """Every export option, defaulting to the session's project (its range, size, rate and file name)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.colour = QColor(DEFAULT_COLOUR)
        self._format = FORMATS[0]
        self._size_driver: str | None = None
        self._timing = session.project.timing

        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("formatCombo")
        for fmt in FORMATS:
            self.format_combo.addItem(fmt.label, fmt.key)
        self.target_edit = QLineEdit(self)
        self.target_edit.setObjectName("targetEdit")
        self.browse_button = QPushButton("Browse…", self)
        self.start_spin = _spin(-FRAME_LIMIT, FRAME_LIMIT, 0, "startSpin", self)
        self.end_spin = _spin(-FRAME_LIMIT, FRAME_LIMIT, 0, "endSpin", self)
        self.width_spin = _spin(1, MAX_SIDE, 1, "widthSpin", self)
        self.height_spin = _spin(1, MAX_SIDE, 1, "heightSpin", self)
        self.fps_spin = QDoubleSpinBox(self)
        self.fps_spin.setObjectName("fpsSpin")
        self.fps_spin.setRange(1.0, 240.0)
        self.fps_spin.setDecimals(2)
        self.transparent_radio = QRadioButton("Transparent", self)
        self.colour_radio = QRadioButton("Colour", self)
        self.colour_button = QPushButton(self)
        self.colour_button.setObjectName("colourButton")
        backgrounds = QButtonGroup(self)
        backgrounds.addButton(self.transparent_radio)
        backgrounds.addButton(self.colour_radio)
        self.transparent_radio.setChecked(True)
        self.blur_spin = _spin(1, 64, 1, "motionBlurSpin", self)
        self.blur_spin.setSpecialValueText("Off")
        self.blur_spin.setSuffix(" sub-frames")
        self.shutter_spin = QDoubleSpinBox(self)
        self.shutter_spin.setObjectName("shutterSpin")
        self.shutter_spin.setRange(0.0, 360.0)
        self.shutter_spin.setValue(180.0)
        self.shutter_spin.setSuffix("°")
        self.audio_edit = QLineEdit(self)
        self.audio_edit.setObjectName("audioEdit")
        self.audio_edit.setPlaceholderText("none")
        self.audio_button = QPushButton("Browse…", self)
        self.audio_clear_button = QPushButton("Clear", self)
        self.crf_spin = _spin(0, 51, 18, "crfSpin", self)
        self.columns_spin = _spin(0, 1024, 0, "columnsSpin", self)
        self.columns_spin.setSpecialValueText("Auto")

        self._lay_out()
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self.browse_button.clicked.connect(self.browse_target)
        self.width_spin.valueChanged.connect(self._on_width_changed)
        self.height_spin.valueChanged.connect(self._on_height_changed)
        self.colour_button.clicked.connect(self.choose_colour)
        self.audio_button.clicked.connect(self.browse_audio)
        self.audio_clear_button.clicked.connect(self.audio_edit.clear)
        self.blur_spin.valueChanged.connect(self._update_enabled)
        self.load_defaults()

    def _lay_out(self) -> None:
        output = QFormLayout()
        output.addRow("Format", self.format_combo)
        output.addRow("Save to", _row(self.target_edit, self.browse_button))
        frames = QGroupBox("Frames", self)
        frames_form = QFormLayout(frames)
        frames_form.addRow("Range", _row(self.start_spin, QLabel("to"), self.end_spin))
        frames_form.addRow("Size (aspect kept)", _row(self.width_spin, QLabel("×"), self.height_spin))
        frames_form.addRow("Frame rate", self.fps_spin)
        look = QGroupBox("Look", self)
        look_form = QFormLayout(look)
        look_form.addRow("Background", _row(self.transparent_radio, self.colour_radio, self.colour_button))
        look_form.addRow("Motion blur", _row(self.blur_spin, QLabel("shutter"), self.shutter_spin))
        extras = QGroupBox("Format options", self)
        extras_form = QFormLayout(extras)
        extras_form.addRow("Audio", _row(self.audio_edit, self.audio_button, self.audio_clear_button))
        extras_form.addRow("Quality (CRF, lower is better)", self.crf_spin)
        extras_form.addRow("Sprite columns", self.columns_spin)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(output)
        for group in (frames, look, extras):
            layout.addWidget(group)

    # ----- defaults and reading ---------------------------------------------------------------------
    def load_defaults(self) -> None:
        """Fill range, size, rate and target from the session's project and file name."""
        project = self.session.project
        self._show_timing(project.timing)
        self._set_size(project.width, project.height, None)
        folder = self.session.path.parent if self.session.path is not None else start_folder("export")
        self.target_edit.setText(str(target_for(self._format, folder, default_stem(self.session.path))))
        self._update_colour_button()
        self._update_enabled()

    def follow_timing(self) -> None:
        """After a timing edit: range and rate fields still showing the old project values take the new ones."""
        old, new = self._timing, self.session.project.timing
        if (self.start_spin.value(), self.end_spin.value()) == (old.start, old.end):
            self.start_spin.setValue(new.start)
            self.end_spin.setValue(new.end)
        if self.fps_spin.value() == round(old.fps, self.fps_spin.decimals()):
            self.fps_spin.setValue(new.fps)
        self._timing = new

    def _show_timing(self, timing: Timing) -> None:
        self.start_spin.setValue(timing.start)
        self.end_spin.setValue(timing.end)
        self.fps_spin.setValue(timing.fps)
        self._timing = timing

    def current_format(self) -> ExportFormat:
        """The chosen format."""
        return export_format(self.format_combo.currentData())

    def set_format(self, key: str) -> None:
        """Choose a format by key ("mp4", "gif", "sprite-sheet", ...); the target's name follows."""
        self.format_combo.setCurrentIndex(self.format_combo.findData(key))

    def settings(self) -> ExportSettings:
        """The fields as export settings (not yet validated: ``plan_export`` does that)."""
        fmt = self.current_format()
        size: tuple[int | None, int | None] | None = None
        if self._size_driver == "width":
            size = (self.width_spin.value(), None)
        elif self._size_driver == "height":
            size = (None, self.height_spin.value())
        colour = self.colour
        background = None if self.transparent_radio.isChecked() else (colour.red(), colour.green(), colour.blue())
        return ExportSettings(
            format=fmt.key, target=self.target_edit.text().strip(),
            frames=(self.start_spin.value(), self.end_spin.value()), fps=self.fps_spin.value(), size=size,
            background=background, motion_blur=self.blur_spin.value(), shutter=self.shutter_spin.value(),
            audio=self.audio_edit.text().strip() or None, crf=self.crf_spin.value(),
            sprite_columns=self.columns_spin.value() or None)

    # ----- reactions --------------------------------------------------------------------------------
    def _on_format_changed(self, _index: int) -> None:
        folder, stem = split_target(self._format, Path(self.target_edit.text().strip()))
        self._format = self.current_format()
        self.target_edit.setText(str(target_for(self._format, folder, stem)))
        self._update_enabled()

    def _update_enabled(self) -> None:
        fmt = self._format
        self.shutter_spin.setEnabled(self.blur_spin.value() > 1)
        for widget in (self.audio_edit, self.audio_button, self.audio_clear_button):
            widget.setEnabled(fmt.uses_audio)
        self.crf_spin.setEnabled(fmt.uses_crf)
        self.columns_spin.setEnabled(fmt.uses_columns)

    def _on_width_changed(self, width: int) -> None:
        project = self.session.project
        self._set_size(width, max(1, round(project.height * width / project.width)), "width")

    def _on_height_changed(self, height: int) -> None:
        project = self.session.project
        self._set_size(max(1, round(project.width * height / project.height)), height, "height")

    def _set_size(self, width: int, height: int, driver: str | None) -> None:
        """Show a size without re-triggering the aspect link; the project's own size means "unchanged"."""
        project = self.session.project
        for spin, value in ((self.width_spin, width), (self.height_spin, height)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._size_driver = None if (width, height) == (project.width, project.height) else driver

    def choose_colour(self) -> None:
        """Pick the background colour (QColorDialog); picking one switches the background to it."""
        colour = QColorDialog.getColor(self.colour, self, "Background colour")
        if colour.isValid():
            self.set_colour(colour)

    def set_colour(self, colour: QColor) -> None:
        """Use a solid background of this colour."""
        self.colour = QColor(colour)
        self.colour_radio.setChecked(True)
        self._update_colour_button()

    def _update_colour_button(self) -> None:
        name = self.colour.name()
        self.colour_button.setText(name)
        self.colour_button.setStyleSheet(f"QPushButton {{ border-left: 14px solid {name}; padding-left: 6px; }}")

    def browse_target(self) -> None:
        """Pick the output file (or, for a PNG sequence, the folder that receives the frames)."""
        fmt = self.current_format()
        folder, stem = split_target(fmt, Path(self.target_edit.text().strip()))
        if fmt.is_sequence:
            chosen = existing_folder(self, "Folder for the PNG frames", "export", folder)
            if chosen:
                self.target_edit.setText(str(sequence_target(Path(chosen), stem)))
            return
        chosen = save_file(self, "Export to", "export", fmt.file_filter, target_for(fmt, folder, stem),
                           confirm_overwrite=False)
        if chosen:
            path = Path(chosen)
            self.target_edit.setText(str(path if path.suffix else path.with_name(path.name + fmt.suffix)))

    def browse_audio(self) -> None:
        """Pick an audio (or video) file whose sound is muxed into the export."""
        chosen = open_file(self, "Audio file", "audio", AUDIO_FILTER, self.audio_edit.text().strip())
        if chosen:
            self.audio_edit.setText(chosen)
