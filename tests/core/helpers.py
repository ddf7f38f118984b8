"""Small projects built in code for core tests."""

from __future__ import annotations

import struct
import zlib

from studio.core.keypoints import Keypoint
from studio.core.project import Project


def tiny_png(width: int = 8, height: int = 6) -> bytes:
    """A valid grey RGB PNG of the given size, written without any imaging library."""
    raw = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def make_project(keypoints: int = 2, width: int = 64, height: int = 48) -> Project:
    """A project with ``keypoints`` keypoints on a grey image."""
    project = Project(tiny_png(width, height), width, height)
    for i in range(keypoints):
        project.keypoints.append(Keypoint(f"kp{i}", f"point {i}", "#ff0000", 10.0 + 5 * i, 20.0, radius=8.0))
    return project
