"""What an export writes: target path, format (from the extension), frame size, rate, alpha and audio."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from studio.core.errors import UserError

SUPPORTED_OUTPUTS = (
    ".mp4 (H.264), .webm (VP9), .gif, .mov (ProRes 4444 with alpha), "
    'a PNG sequence pattern like "frames/%04d.png", or .png with a sprite sheet'
)
_FRAME_NUMBER = re.compile(r"%0?\d*d")
_EXTENSION_FORMATS = {".mp4": "mp4", ".webm": "webm", ".gif": "gif", ".mov": "mov"}


@dataclass(frozen=True)
class OutputSpec:
    """One export target. Frames given to the writer are ``height x width`` (RGBA when ``alpha``).

    ``background`` None keeps transparency where the format has alpha; formats without alpha composite
    RGBA frames over it (black when None). ``audio`` is a file whose first audio stream is muxed, starting
    ``audio_start`` seconds into it (negative: after that much silence), scaled by ``audio_gain``.
    PNG sequences number their files from ``sequence_start``.
    ``encoder_threads`` None lets the video encoder use this machine's cores (up to 8); a batch pins it, since
    x264's and VP9's output depends on their thread count.
    """

    path: str
    fps: float
    width: int
    height: int
    alpha: bool = False
    crf: int = 18
    background: tuple[int, int, int] | None = None
    sprite_sheet: bool = False
    audio: str | None = None
    audio_start: float = 0.0
    audio_gain: float = 1.0
    overwrite: bool = False
    sprite_columns: int | None = None
    sequence_start: int = 0
    encoder_threads: int | None = None


def format_for(spec: OutputSpec) -> str:
    """The format name for a spec: mp4, webm, gif, mov, png-sequence or sprite-sheet (UserError otherwise)."""
    path = Path(spec.path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        if spec.sprite_sheet:
            return "sprite-sheet"
        if _has_frame_number(path.name):
            return "png-sequence"
        raise UserError(
            f"{spec.path}: a PNG export needs a frame-number pattern like frames/%04d.png or the sprite-sheet option"
        )
    if spec.sprite_sheet:
        raise UserError(f"{spec.path}: a sprite sheet is saved as .png; use a name like sheet.png")
    if suffix in _EXTENSION_FORMATS and not _has_frame_number(path.name):
        return _EXTENSION_FORMATS[suffix]
    raise UserError(f"{spec.path}: unsupported output; use one of {SUPPORTED_OUTPUTS}")


def _has_frame_number(name: str) -> bool:
    """True when a file name holds one printf frame-number field such as %d or %04d."""
    return name.count("%") == 1 and _FRAME_NUMBER.search(name) is not None
