"""Which source the capture panel reads: a camera by index, or a video file / frame folder (opened by capture_open)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceChoice:
    """A camera (``camera`` index, requested ``size`` (W, H) or None, ``mirror``) or a video/folder ``path``."""

    camera: int | None = None
    path: Path | None = None
    size: tuple[int, int] | None = None
    mirror: bool = False

    def __post_init__(self) -> None:
        if (self.camera is None) == (self.path is None):
            raise ValueError("a source is either a camera index or a path")

    @property
    def is_camera(self) -> bool:
        """True for a live camera, False for a file or folder (which can be replayed from its start)."""
        return self.camera is not None

    def label(self) -> str:
        """A short name for status messages."""
        return f"camera {self.camera}" if self.camera is not None else str(self.path)


@dataclass(frozen=True)
class SoundChoice:
    """What drives the mouth: a microphone (``device`` id bytes, its ``name``) or a sound file ``path``."""

    device: bytes | None = None
    name: str = ""
    path: Path | None = None

    def __post_init__(self) -> None:
        if (self.device is None) == (self.path is None):
            raise ValueError("a sound source is either a microphone or a file")

    @property
    def is_microphone(self) -> bool:
        """True for a live microphone, False for a sound file (replayed from its start)."""
        return self.device is not None

    def label(self) -> str:
        """A short name for the list and status messages."""
        return f"Microphone: {self.name}" if self.path is None else f"Sound file: {self.path.name}"
