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

from studio.core.errors import UserError
from studio.core.project import Project, Timing
from studio.jobs.render_plan import MAX_SIDE, RenderOptions, plan_render
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


def _enable(widget: QWidget, enabled: bool, reason: str) -> None:
    """Enable a field, or disable it with the reason as its tooltip (a greyed field says why)."""
    widget.setEnabled(enabled)
    widget.setToolTip("" if enabled else reason)


def length_text(frame_count: int, fps: float) -> str:
    """"24 frames · 1.00 s at 24 fps": what an export of that many frames at that rate plays for."""
    return f"{frame_count} frames · {frame_count / fps:.2f} s at {fps:g} fps"


def export_length(project: Project, frames: tuple[int, int], fps: float) -> tuple[int, float] | None:
    """(frame count, fps) an export of that range at that rate writes (the render plan's); None when invalid."""
    try:
        plan = plan_render(project, RenderOptions(frames=frames, fps=fps))
    except UserError:
        return None
    return plan.frame_count, plan.fps


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
        self._wants_transparent = True

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_output())
        for group in (self._build_frames(), self._build_look(), self._build_extras()):
            layout.addWidget(group)
        self._connect()
        self.load_defaults()

    # ----- building ---------------------------------------------------------------------------------
    def _build_output(self) -> QFormLayout:
        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("formatCombo")
        for fmt in FORMATS:
            self.format_combo.addItem(fmt.label, fmt.key)
        self.target_edit = QLineEdit(self)
        self.target_edit.setObjectName("targetEdit")
        self.browse_button = QPushButton("Browse…", self)
        output = QFormLayout()
        output.addRow("Format", self.format_combo)
        output.addRow("Save to", _row(self.target_edit, self.browse_button))
        return output

    def _build_frames(self) -> QGroupBox:
        self.start_spin = _spin(-FRAME_LIMIT, FRAME_LIMIT, 0, "startSpin", self)
        self.end_spin = _spin(-FRAME_LIMIT, FRAME_LIMIT, 0, "endSpin", self)
        self.width_spin = _spin(1, MAX_SIDE, 1, "widthSpin", self)
        self.height_spin = _spin(1, MAX_SIDE, 1, "heightSpin", self)
        self.size_warning = QLabel("", self)
        self.size_warning.setObjectName("exportSizeWarning")
        self.size_warning.setWordWrap(True)
        self.size_warning.setStyleSheet("color: #f2b557;")
        self.fps_spin = QDoubleSpinBox(self)
        self.fps_spin.setObjectName("fpsSpin")
        self.fps_spin.setRange(1.0, 240.0)
        self.fps_spin.setDecimals(2)
        self.length_label = QLabel("", self)
        self.length_label.setObjectName("exportLength")
        frames = QGroupBox("Frames", self)
        form = QFormLayout(frames)
        form.addRow("Range", _row(self.start_spin, QLabel("to"), self.end_spin))
        form.addRow("Size (aspect kept)", _row(self.width_spin, QLabel("×"), self.height_spin))
        form.addRow("", self.size_warning)
        form.addRow("Frame rate", self.fps_spin)
        form.addRow("Length", self.length_label)
        return frames

    def _build_look(self) -> QGroupBox:
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
        look = QGroupBox("Look", self)
        form = QFormLayout(look)
        form.addRow("Background", _row(self.transparent_radio, self.colour_radio, self.colour_button))
        form.addRow("Motion blur", _row(self.blur_spin, QLabel("shutter"), self.shutter_spin))
        return look

    def _build_extras(self) -> QGroupBox:
        self.audio_combo = QComboBox(self)
        self.audio_combo.setObjectName("audioCombo")
        for text, key in (("Project sound", "project"), ("A file", "file"), ("None", "none")):
            self.audio_combo.addItem(text, key)
        self.audio_combo.setToolTip("The project's sound (at its offset and volume, unless muted), another "
                                    "file's sound, or no sound")
        self.audio_edit = QLineEdit(self)
        self.audio_edit.setObjectName("audioEdit")
        self.audio_edit.setPlaceholderText("none")
        self.audio_button = QPushButton("Browse…", self)
        self.audio_clear_button = QPushButton("Clear", self)
        self.crf_spin = _spin(0, 51, 18, "crfSpin", self)
        self.columns_spin = _spin(0, 1024, 0, "columnsSpin", self)
        self.columns_spin.setSpecialValueText("Auto")
        extras = QGroupBox("Format options", self)
        form = QFormLayout(extras)
        form.addRow("Audio", _row(self.audio_combo, self.audio_edit, self.audio_button, self.audio_clear_button))
        form.addRow("Quality (CRF, lower is better)", self.crf_spin)
        form.addRow("Sprite columns", self.columns_spin)
        return extras

    def _connect(self) -> None:
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self.browse_button.clicked.connect(self.browse_target)
        self.width_spin.valueChanged.connect(self._on_width_changed)
        self.height_spin.valueChanged.connect(self._on_height_changed)
        self.colour_button.clicked.connect(self.choose_colour)
        self.audio_button.clicked.connect(self.browse_audio)
        self.audio_clear_button.clicked.connect(self.audio_edit.clear)
        self.audio_edit.textChanged.connect(self._on_audio_text)
        self.blur_spin.valueChanged.connect(self._update_enabled)
        self.transparent_radio.clicked.connect(lambda: setattr(self, "_wants_transparent", True))
        self.colour_radio.clicked.connect(lambda: setattr(self, "_wants_transparent", False))
        for spin in (self.start_spin, self.end_spin, self.fps_spin):
            spin.valueChanged.connect(self._update_length)

    # ----- defaults and reading ---------------------------------------------------------------------
    def load_defaults(self) -> None:
        """Fill range, size, rate and target from the session's project and file name."""
        project = self.session.project
        self._show_timing(project.timing)
        self._set_size(project.width, project.height, None)
        folder = self.session.path.parent if self.session.path is not None else start_folder("export")
        self.target_edit.setText(str(target_for(self._format, folder, default_stem(self.session.path))))
        self.audio_combo.setCurrentIndex(self.audio_combo.findData("project" if project.sound else "none"))
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
        self._update_length()

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
        transparent = fmt.has_alpha and self.transparent_radio.isChecked()
        background = None if transparent else (colour.red(), colour.green(), colour.blue())
        return ExportSettings(
            format=fmt.key, target=self.target_edit.text().strip(),
            frames=(self.start_spin.value(), self.end_spin.value()), fps=self.fps_spin.value(), size=size,
            background=background, motion_blur=self.blur_spin.value(), shutter=self.shutter_spin.value(),
            audio=self.audio_edit.text().strip() or None, audio_source=self.audio_combo.currentData(),
            crf=self.crf_spin.value(),
            sprite_columns=self.columns_spin.value() or None)

    # ----- reactions --------------------------------------------------------------------------------
    def _on_format_changed(self, _index: int) -> None:
        folder, stem = split_target(self._format, Path(self.target_edit.text().strip()))
        self._format = self.current_format()
        self.target_edit.setText(str(target_for(self._format, folder, stem)))
        self._update_enabled()

    def _update_enabled(self) -> None:
        fmt = self._format
        _enable(self.shutter_spin, self.blur_spin.value() > 1,
                "Motion blur is off: set 2 or more sub-frames to use a shutter angle")
        for widget in (self.audio_combo, self.audio_edit, self.audio_button, self.audio_clear_button):
            _enable(widget, fmt.uses_audio, f"{fmt.label} has no sound: audio goes into MP4, WebM and MOV exports")
        _enable(self.crf_spin, fmt.uses_crf, f"{fmt.label} has no CRF quality setting: it applies to MP4 and WebM")
        _enable(self.columns_spin, fmt.uses_columns, "Sprite columns apply to the sprite sheet only")
        _enable(self.transparent_radio, fmt.has_alpha,
                f"{fmt.label} has no alpha channel, so it cannot be transparent: choose WebM, GIF, PNG sequence, "
                "MOV or sprite sheet for a transparent background")
        wants_transparent = self._wants_transparent and fmt.has_alpha
        (self.transparent_radio if wants_transparent else self.colour_radio).setChecked(True)

    def _update_length(self) -> None:
        length = export_length(self.session.project, (self.start_spin.value(), self.end_spin.value()),
                               self.fps_spin.value())
        self.length_label.setText(length_text(*length) if length else "the range ends before it starts")

    def _update_size_warning(self) -> None:
        project = self.session.project
        upscaled = self.width_spin.value() > project.width or self.height_spin.value() > project.height
        self.size_warning.setText(f"Larger than the source image ({project.width}×{project.height}): the frames are "
                                  "upscaled and look soft" if upscaled else "")
        self.size_warning.setVisible(upscaled)

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
        self._update_size_warning()

    def choose_colour(self) -> None:
        """Pick the background colour (QColorDialog); picking one switches the background to it."""
        colour = QColorDialog.getColor(self.colour, self, "Background colour")
        if colour.isValid():
            self.set_colour(colour)

    def set_colour(self, colour: QColor) -> None:
        """Use a solid background of this colour."""
        self.colour = QColor(colour)
        self._wants_transparent = False
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

    def _on_audio_text(self, text: str) -> None:
        """A file named: the export takes its sound; the field cleared: no sound."""
        self.audio_combo.setCurrentIndex(self.audio_combo.findData("file" if text.strip() else "none"))

    def browse_audio(self) -> None:
        """Pick an audio (or video) file whose sound is muxed into the export."""
        chosen = open_file(self, "Audio file", "audio", AUDIO_FILTER, self.audio_edit.text().strip())
        if chosen:
            self.audio_edit.setText(chosen)
