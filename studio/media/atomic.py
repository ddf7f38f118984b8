"""Temporary names beside a target and the fsync + rename that makes a finished file appear atomically."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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
    temp = temp_path_beside(target)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
