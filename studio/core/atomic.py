"""Atomic file writes: write beside the target under a hidden name, fsync, rename over it.

A reader (or a crash) never sees half a file under the target's name; files get the usual permissions.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from studio.core.errors import UserError


def temp_path_beside(target: Path, suffix: str = "") -> Path:
    """A hidden unused name in the target's folder (".out.mp4.part-1a2b3c"), so the final rename is atomic."""
    return target.with_name(f".{target.name}.part-{secrets.token_hex(3)}{suffix}")


def fsync_file(path: Path) -> None:
    """Flush a written file's data to disk."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename inside it) to disk where the platform allows it."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def replace_atomically(temp: Path, target: Path) -> None:
    """fsync ``temp`` and rename it onto ``target`` in one step."""
    fsync_file(temp)
    os.replace(temp, target)
    fsync_dir(target.parent)


def write_bytes_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``target``, fsync, then rename it into place."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temp path beside ``target``; when the block succeeds, fsync and rename it onto ``target``.

    On any exception the temp file is removed and ``target`` is untouched. OS errors become UserErrors
    naming the file.
    """
    target = Path(target)
    temp = temp_path_beside(target)
    try:
        yield temp
        replace_atomically(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {error.strerror or error}") from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
