"""The export formats the dialog offers, their default target names and the files an export would replace.

Plain Python (no widgets), so the dialog's naming rules are tested without a window. Format keys are the
names ``studio.media.output_spec.format_for`` returns for the same target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEQUENCE_FIELD = "%04d"
_FRAME_FIELD = re.compile(r"_?%0?\d*d")
_SEQUENCE_FOLDER = "_frames"


@dataclass(frozen=True)
class ExportFormat:
    """One choice of the format list: what it writes and which options apply to it."""

    key: str
    label: str
    suffix: str
    file_filter: str
    uses_crf: bool = False
    uses_audio: bool = False
    uses_columns: bool = False
    has_alpha: bool = True

    @property
    def is_sequence(self) -> bool:
        """True for the PNG sequence, whose target is a numbered pattern inside a folder."""
        return self.key == "png-sequence"


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("mp4", "MP4 video (H.264)", ".mp4", "MP4 video (*.mp4)", uses_crf=True, uses_audio=True,
                 has_alpha=False),
    ExportFormat("webm", "WebM video (VP9)", ".webm", "WebM video (*.webm)", uses_crf=True, uses_audio=True),
    ExportFormat("gif", "Animated GIF", ".gif", "GIF image (*.gif)"),
    ExportFormat("png-sequence", "PNG sequence", ".png", "PNG images (*.png)"),
    ExportFormat("mov", "ProRes 4444 with alpha (.mov)", ".mov", "QuickTime movie (*.mov)", uses_audio=True),
    ExportFormat("sprite-sheet", "Sprite sheet (PNG + JSON)", ".png", "PNG atlas (*.png)", uses_columns=True),
)


def export_format(key: str) -> ExportFormat:
    """The format with this key (KeyError for an unknown key)."""
    for fmt in FORMATS:
        if fmt.key == key:
            return fmt
    raise KeyError(key)


def default_stem(project_path: Path | None) -> str:
    """The base name of exports: the project file's name without extension, "untitled" before a first save."""
    return project_path.stem if project_path is not None else "untitled"


def target_for(fmt: ExportFormat, folder: Path, stem: str) -> Path:
    """The target for a format: ``folder/stem.mp4`` and so on; ``folder/stem_frames/stem_%04d.png`` for frames."""
    if fmt.is_sequence:
        return folder / f"{stem}{_SEQUENCE_FOLDER}" / f"{stem}_{SEQUENCE_FIELD}.png"
    return folder / f"{stem}{fmt.suffix}"


def split_target(fmt: ExportFormat, target: Path) -> tuple[Path, str]:
    """(folder, stem) of a target, the inverse of ``target_for``, so switching format keeps the user's name."""
    if not fmt.is_sequence:
        return target.parent, target.stem
    stem = _FRAME_FIELD.sub("", target.stem) or target.parent.name
    folder = target.parent
    if folder.name == f"{stem}{_SEQUENCE_FOLDER}":
        folder = folder.parent
    return folder, stem


def sequence_target(folder: Path, stem: str) -> Path:
    """The numbered-frame pattern inside a folder the user picked."""
    return folder / f"{stem}_{SEQUENCE_FIELD}.png"
