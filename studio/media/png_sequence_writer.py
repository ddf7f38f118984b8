"""PNG image sequences ("frames/%04d.png"): RGBA when the export keeps alpha, moved into place when complete."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np

from studio.core.atomic import fsync_dir, temp_path_beside
from studio.media.frame_writer import FrameWriter
from studio.media.image_io import encode_png
from studio.media.output_spec import OutputSpec


def sequence_regex(pattern: Path) -> re.Pattern[str]:
    """A regex matching the file names a pattern like "%04d.png" produces (any frame number)."""
    prefix, _, rest = pattern.name.partition("%")
    suffix = rest[rest.index("d") + 1 :]
    return re.compile(re.escape(prefix) + r"\d+" + re.escape(suffix))


def existing_sequence_files(pattern: Path) -> list[Path]:
    """Files already in the pattern's folder whose names the pattern could produce, in name order."""
    folder = pattern.parent
    if not folder.is_dir():
        return []
    regex = sequence_regex(pattern)
    return sorted(path for path in folder.iterdir() if regex.fullmatch(path.name))


class PngSequenceWriter(FrameWriter):
    """Writes numbered PNGs into a hidden temp folder beside the target; ``close`` moves them into place.

    Numbers start at ``spec.sequence_start``. With ``overwrite``, files of an older sequence matching the
    same pattern that the new export does not replace are deleted, so the folder holds one sequence.
    """

    supports_alpha = True

    def __init__(self, spec: OutputSpec) -> None:
        super().__init__(spec)
        self._pattern = Path(spec.path)
        self._temp_dir = temp_path_beside(self._pattern.parent / self._pattern.name.replace("%", "_"))
        self._temp_dir.mkdir()
        self._names: list[str] = []

    def _write(self, frame: np.ndarray) -> None:
        name = self._pattern.name % (self.spec.sequence_start + self.frames_written)
        with open(self._temp_dir / name, "wb") as handle:
            handle.write(encode_png(frame))
            handle.flush()
            os.fsync(handle.fileno())
        self._names.append(name)

    def _finish(self) -> list[Path]:
        folder = self._pattern.parent
        fsync_dir(self._temp_dir)
        stale = set(existing_sequence_files(self._pattern)) - {folder / name for name in self._names}
        outputs = []
        for name in self._names:
            os.replace(self._temp_dir / name, folder / name)
            outputs.append(folder / name)
        for path in stale:
            path.unlink(missing_ok=True)
        self._temp_dir.rmdir()
        fsync_dir(folder)
        return outputs

    def _discard(self) -> None:
        shutil.rmtree(self._temp_dir, ignore_errors=True)
