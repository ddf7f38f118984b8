"""Still images in and out: decode common formats to RGB/RGBA uint8, refuse unusable ones, save atomically.

Decoding goes through OpenCV. Pixel counts of PNG, JPEG, BMP, WebP and TIFF files are read from their headers
before decoding, so an oversized file or a decompression bomb (a small file whose header claims 40000x40000) is
refused without allocating it; other formats are checked right after decoding. ``DEFAULT_MAX_PIXELS`` is the
one limit the CLI and the window share.
"""

from __future__ import annotations

import struct
from pathlib import Path

import cv2
import numpy as np

from studio.core.atomic import write_bytes_atomically
from studio.core.errors import UserError

DEFAULT_MAX_PIXELS = 50_000_000

_HEADER_BYTES = 64 * 1024  # enough for a PNG header and most JPEG headers
_JPEG_HEADER_BYTES = 1 << 20  # JPEGs with big EXIF thumbnails put the frame header further in
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8"
# JPEG start-of-frame markers carrying the image size (C4, C8 and CC are other segments).
_JPEG_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def load_image(path: str | Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Read an image file as RGB HxWx3 or RGBA HxWx4 uint8; UserError (one line) when it cannot be used."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEADER_BYTES)
            header_size = _header_size(head)
            if header_size is not None:  # refuse a huge image before reading the rest of the file
                _check_pixels(str(path), *header_size, max_pixels)
            data = head + handle.read()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not an image file; pass an image file") from None
    except PermissionError:
        raise UserError(f"{path}: permission denied; check the file's permissions") from None
    except OSError as error:
        raise UserError(f"could not read {path}: {error.strerror or error}") from None
    return decode_image(data, name=str(path), max_pixels=max_pixels)


def read_image_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of an image file, from its header when possible (PNG, JPEG), else by decoding it."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEADER_BYTES)
            if head.startswith(_JPEG_SIGNATURE) and _header_size(head) is None:
                head += handle.read(_JPEG_HEADER_BYTES - len(head))
    except OSError:
        head = b""
    size = _header_size(head)
    if size is not None:
        return size
    height, width = load_image(path).shape[:2]
    return width, height


def decode_image(data: bytes, name: str = "image", max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Decode encoded image bytes with the same rules as :func:`load_image` (``name`` appears in errors)."""
    if not data:
        raise UserError(f"{name} is empty: not an image")
    if data.startswith(_PNG_SIGNATURE) and data[12:16] != b"IHDR":
        raise UserError(f"{name} is a corrupt PNG (no image header); re-export it")
    header_size = _header_size(data)
    if header_size is not None:
        _check_pixels(name, *header_size, max_pixels)
    is_jpeg = data.startswith(_JPEG_SIGNATURE)
    # IMREAD_COLOR applies the EXIF orientation (JPEG has no alpha); other formats keep alpha and depth.
    flags = cv2.IMREAD_COLOR if is_jpeg else cv2.IMREAD_UNCHANGED
    decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    if decoded is None or decoded.size == 0:
        raise UserError(f"{name} is not a readable image (corrupt or unsupported format); use a PNG or JPEG")
    height, width = decoded.shape[:2]
    _check_pixels(name, width, height, max_pixels)
    return _to_rgb8(decoded, name)


def encode_png(image: np.ndarray) -> bytes:
    """Encode an RGB or RGBA uint8 image as lossless PNG bytes."""
    ok, buffer = cv2.imencode(".png", _to_bgr(image), [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("PNG encoding failed")
    return buffer.tobytes()


def save_image(path: str | Path, image: np.ndarray) -> None:
    """Save an RGB/RGBA uint8 image as PNG atomically (temp file beside it, fsync, rename)."""
    path = Path(path)
    try:
        write_bytes_atomically(path, encode_png(image))
    except OSError as error:
        raise UserError(f"could not write {path}: {error.strerror or error}") from None


def _check_pixels(name: str, width: int, height: int, max_pixels: int) -> None:
    """Refuse images above ``max_pixels`` with a message giving the size in megapixels."""
    if width * height > max_pixels:
        raise UserError(
            f"{name}: image is {width}x{height} = {width * height / 1e6:.3g} MP, "
            f"above the {max_pixels / 1e6:.3g} MP limit: scale it down first"
        )


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from a PNG, JPEG, BMP, WebP or TIFF header without decoding, or None."""
    if data.startswith(_PNG_SIGNATURE) and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(_JPEG_SIGNATURE):
        return _jpeg_size(data)
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(width), abs(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size from a WebP's first chunk (VP8X extended, VP8 lossy or VP8L lossless)."""
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    """ImageWidth and ImageLength (tags 256, 257) of a TIFF's first image directory."""
    order = "<" if data[:2] == b"II" else ">"
    (offset,) = struct.unpack(order + "I", data[4:8])
    if offset + 2 > len(data):
        return None
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    size: dict[int, int] = {}
    for entry in range(count):
        start = offset + 2 + 12 * entry
        if start + 12 > len(data):
            return None
        tag, kind = struct.unpack(order + "HH", data[start : start + 4])
        if tag in (256, 257):
            fmt = "H" if kind == 3 else "I"
            (size[tag],) = struct.unpack(order + fmt, data[start + 8 : start + 8 + struct.calcsize(fmt)])
    return (size[256], size[257]) if len(size) == 2 else None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG segments to the first start-of-frame marker and return its (width, height)."""
    offset = 2
    while offset + 9 <= len(data):
        if data[offset] != 0xFF:
            return None
        marker = data[offset + 1]
        if marker == 0xFF:
            offset += 1
            continue
        if marker in _JPEG_SOF_MARKERS:
            height, width = struct.unpack(">HH", data[offset + 5 : offset + 9])
            return width, height
        (length,) = struct.unpack(">H", data[offset + 2 : offset + 4])
        offset += 2 + length
    return None


def _to_rgb8(decoded: np.ndarray, name: str) -> np.ndarray:
    """OpenCV's BGR/BGRA/gray of any depth -> RGB or RGBA uint8 (16-bit and float scaled to 8-bit)."""
    if decoded.dtype == np.uint16:
        decoded = ((decoded.astype(np.uint32) * 255 + 32767) // 65535).astype(np.uint8)
    elif decoded.dtype in (np.float32, np.float64):
        decoded = np.round(np.clip(decoded, 0.0, 1.0) * 255.0).astype(np.uint8)
    elif decoded.dtype != np.uint8:
        raise UserError(f"{name} has an unsupported pixel type ({decoded.dtype}); save it as 8-bit PNG")
    if decoded.ndim == 2:
        return cv2.cvtColor(decoded, cv2.COLOR_GRAY2RGB)
    channels = decoded.shape[2]
    if channels == 1:
        return cv2.cvtColor(decoded[:, :, 0], cv2.COLOR_GRAY2RGB)
    if channels == 3:
        return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)
    if channels == 4:
        return cv2.cvtColor(decoded, cv2.COLOR_BGRA2RGBA)
    raise UserError(f"{name} has {channels} colour channels; save it as RGB or RGBA")


def _to_bgr(image: np.ndarray) -> np.ndarray:
    """RGB/RGBA uint8 -> OpenCV's BGR/BGRA channel order, validating shape and dtype."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"expected an HxWx3 or HxWx4 uint8 image, got {image.shape} {image.dtype}")
    code = cv2.COLOR_RGB2BGR if image.shape[2] == 3 else cv2.COLOR_RGBA2BGRA
    return cv2.cvtColor(image, code)
