"""Decompression bombs and huge images are refused from their headers, before any decoding or big read."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.core.errors import UserError
from studio.media import image_io
from studio.media.image_io import load_image, read_image_size

SIDE = 40000


def bomb_png(width: int = SIDE, height: int = SIDE) -> bytes:
    """A tiny PNG file whose header claims ``width`` x ``height`` (its data would inflate to gigabytes)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + chunk(
        b"IEND", b"")


def _bomb_jpeg() -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, SIDE, SIDE, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + bytes(9) + sof + b"\xff\xd9"


def _bomb_bmp() -> bytes:
    return b"BM" + bytes(16) + struct.pack("<ii", SIDE, -SIDE) + bytes(28)


def _bomb_webp() -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + bytes(4) + (SIDE - 1).to_bytes(3, "little") * 2
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def _bomb_tiff() -> bytes:
    entries = [struct.pack("<HHII", 256, 4, 1, SIDE), struct.pack("<HHII", 257, 3, 1, SIDE)]
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)) + b"".join(entries) + bytes(4)


BOMBS = {"png": bomb_png, "jpg": _bomb_jpeg, "bmp": _bomb_bmp, "webp": _bomb_webp, "tif": _bomb_tiff}


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if OpenCV is asked to decode anything."""
    def refuse(*_args: object) -> None:
        raise AssertionError("decoded a refused image")

    monkeypatch.setattr(image_io.cv2, "imdecode", refuse)


@pytest.mark.parametrize("suffix", sorted(BOMBS))
def test_a_header_claiming_40000x40000_is_refused_before_decoding(tmp_path: Path, suffix: str,
                                                                  no_decoding: None) -> None:
    path = tmp_path / f"bomb.{suffix}"
    path.write_bytes(BOMBS[suffix]())
    with pytest.raises(UserError, match=r"40000x40000 = 1\.6e\+03 MP, above the 50 MP limit: scale it down") as caught:
        load_image(path)
    assert "\n" not in str(caught.value)
    with pytest.raises(UserError, match="40000x40000"):
        image_io.decode_image(path.read_bytes(), "dropped")
    assert read_image_size(path) == (SIDE, SIDE)


@pytest.mark.parametrize("suffix", [".bmp", ".webp", ".tif", ".png", ".jpg"])
def test_header_sizes_match_what_opencv_decodes(tmp_path: Path, suffix: str) -> None:
    image = np.random.default_rng(1).integers(0, 255, (37, 53, 3), dtype=np.uint8)
    path = tmp_path / f"small{suffix}"
    assert cv2.imwrite(str(path), image)
    assert image_io._header_size(path.read_bytes()) == (53, 37)
    assert load_image(path).shape == (37, 53, 3)

