"""A temp file of raw frames for writers that need every frame before encoding (GIF palette, sprite atlas)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.core.atomic import temp_path_beside


class FrameSpool:
    """Appends same-shape arrays (``dtype``) to a hidden raw file beside ``target``; reads them back in order.

    Memory stays at one frame however long the export, which matters for long or large GIFs.
    """

    def __init__(self, target: Path, shape: tuple[int, ...], dtype: type = np.uint8) -> None:
        self.shape = shape
        self.dtype = np.dtype(dtype)
        self.count = 0
        self.path = temp_path_beside(target, ".frames")
        self._handle = open(self.path, "wb")  # noqa: SIM115 - kept open across write() calls

    def append(self, frame: np.ndarray) -> None:
        """Store one array of ``shape`` and ``dtype``."""
        self._handle.write(memoryview(np.ascontiguousarray(frame, dtype=self.dtype)).cast("B"))
        self.count += 1

    def frames(self) -> np.ndarray:
        """All stored frames as a read-only N x ``shape`` memory map."""
        self._handle.close()
        return np.memmap(self.path, dtype=self.dtype, mode="r", shape=(self.count, *self.shape))

    def delete(self) -> None:
        """Close and remove the spool file."""
        self._handle.close()
        self.path.unlink(missing_ok=True)
