"""The base of every export writer: frame checks, alpha handling, error translation, abort-on-failure."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType

import numpy as np

from studio.core.errors import UserError
from studio.media.compose import flatten_alpha, with_alpha
from studio.media.output_spec import OutputSpec


def write_error(spec: OutputSpec, error: OSError) -> UserError:
    """The one-line UserError for a failed write: "could not write out.mp4: No space left on device"."""
    reason = error.strerror or (str(error).splitlines() or [type(error).__name__])[0]
    return UserError(f"could not write {spec.path}: {reason}")


class FrameWriter(ABC):
    """Writes frames of one export to temp files beside the target; ``close`` renames them into place.

    Subclasses implement ``_write`` (receives RGBA when ``keeps_alpha`` else RGB), ``_finish`` (returns the
    final paths) and ``_discard`` (deletes temp files). A context manager: an exception inside the ``with``
    block aborts, a normal exit closes.
    """

    supports_alpha = False

    def __init__(self, spec: OutputSpec) -> None:
        self.spec = spec
        self.keeps_alpha = self.supports_alpha and spec.alpha and spec.background is None
        self.frames_written = 0
        self._done = False

    def write(self, frame: np.ndarray) -> None:
        """Add one HxWx3 or HxWx4 uint8 frame of the spec's size."""
        if self._done:
            raise RuntimeError("write() after close() or abort()")
        expected = (self.spec.height, self.spec.width)
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] not in (3, 4):
            raise ValueError(f"expected an HxWx3 or HxWx4 uint8 frame, got {frame.shape} {frame.dtype}")
        if frame.shape[:2] != expected:
            size = f"{frame.shape[1]}x{frame.shape[0]}"
            raise ValueError(f"frame is {size}, the writer expects {expected[1]}x{expected[0]}")
        frame = with_alpha(frame) if self.keeps_alpha else flatten_alpha(frame, self.spec.background)
        try:
            self._write(np.ascontiguousarray(frame))
        except OSError as error:
            self.abort()
            raise write_error(self.spec, error) from None
        except BaseException:
            self.abort()
            raise
        self.frames_written += 1

    def close(self) -> list[Path]:
        """Finish the export, move it under the target name(s) and return the written paths."""
        if self._done:
            raise RuntimeError("close() after close() or abort()")
        if self.frames_written == 0:
            self.abort()
            raise UserError(f"nothing to export to {self.spec.path}: no frames were rendered")
        try:
            outputs = self._finish()
        except OSError as error:
            self.abort()
            raise write_error(self.spec, error) from None
        except BaseException:
            self.abort()
            raise
        self._done = True
        return outputs

    def abort(self) -> None:
        """Stop and delete every temp file; the target name(s) never hold a partial export. Idempotent."""
        if self._done:
            return
        self._done = True
        self._discard()

    def __enter__(self) -> FrameWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self.abort()
        elif not self._done:
            self.close()

    @abstractmethod
    def _write(self, frame: np.ndarray) -> None:
        """Encode or store one frame (RGBA when ``keeps_alpha``, else RGB)."""

    @abstractmethod
    def _finish(self) -> list[Path]:
        """Complete the files, rename them into place and return their paths."""

    @abstractmethod
    def _discard(self) -> None:
        """Delete every temp file (called once, on abort)."""
