"""A multi-threaded PNG encoder for very large images (sprite atlases): deflate in parallel strips.

PNG's pixel data is one zlib stream, but a deflate stream may be cut into pieces compressed independently
and joined with sync flushes (as pigz does), so each strip of rows is compressed on its own thread (zlib
releases the GIL). Rows use PNG's "Up" filter, computed with numpy; decoders see an ordinary PNG.
"""

from __future__ import annotations

import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_FILTER_NONE = 0
_FILTER_UP = 2
_STRIP_BYTES = 4 << 20  # compress about 4 MB of rows per task
_COLOUR_TYPES = {3: 2, 4: 6}  # channels -> PNG colour type (truecolour, truecolour with alpha)


def encode_png_parallel(image: np.ndarray, level: int = 3, workers: int | None = None) -> bytes:
    """Encode an RGB or RGBA uint8 image (H x W x 3|4) as a lossless PNG using ``workers`` threads."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in _COLOUR_TYPES:
        raise ValueError(f"expected an HxWx3 or HxWx4 uint8 image, got {image.shape} {image.dtype}")
    height, width, channels = image.shape
    rows = _filtered_rows(image)
    rows_per_strip = max(1, _STRIP_BYTES // rows.shape[1])
    strips = [rows[start : start + rows_per_strip] for start in range(0, height, rows_per_strip)]
    last = len(strips) - 1

    def compress(index: int) -> bytes:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        body = compressor.compress(memoryview(np.ascontiguousarray(strips[index])).cast("B"))
        return body + compressor.flush(zlib.Z_FINISH if index == last else zlib.Z_SYNC_FLUSH)

    with ThreadPoolExecutor(max_workers=workers or min(os.cpu_count() or 1, 8)) as pool:
        pieces = list(pool.map(compress, range(len(strips))))
    adler = zlib.adler32(memoryview(rows).cast("B"))
    stream = b"\x78\x9c" + b"".join(pieces) + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOUR_TYPES[channels], 0, 0, 0)
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def _filtered_rows(image: np.ndarray) -> np.ndarray:
    """Scanlines with their filter byte: the first row unfiltered, every other row minus the row above."""
    height = image.shape[0]
    flat = image.reshape(height, -1)
    rows = np.empty((height, flat.shape[1] + 1), dtype=np.uint8)
    rows[:, 0] = _FILTER_UP
    rows[0, 0] = _FILTER_NONE
    rows[0, 1:] = flat[0]
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])  # uint8 arithmetic wraps modulo 256, as PNG needs
    return rows


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type + data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
