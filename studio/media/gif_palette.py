"""A global 256-colour GIF palette for a whole clip, and fast dithered mapping of frames onto it.

The palette is k-means (OpenCV) over pixels sampled from across the clip; clips with few colours get their
exact colours. Frames map through a 32x32x32 lookup table of nearest palette entries after a light
ordered (Bayer) dither, which keeps gradients smooth and stays stable from frame to frame.
"""

from __future__ import annotations

import cv2
import numpy as np

SAMPLE_PIXELS = 120_000
_BITS = 5
_DITHER_AMPLITUDE = 12.0
_BAYER_4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.float32)


def sample_pixels(frames: np.ndarray, opaque_only: bool) -> np.ndarray:
    """About ``SAMPLE_PIXELS`` RGB pixels (N x 3 uint8) spread over the frames (N x H x W x C)."""
    count, height, width = frames.shape[:3]
    frame_step = max(1, count // 24)
    chosen = frames[::frame_step]
    stride = max(1, int(np.sqrt(len(chosen) * height * width / SAMPLE_PIXELS)))
    pixels = np.asarray(chosen[:, ::stride, ::stride]).reshape(-1, frames.shape[3])
    if opaque_only:
        pixels = pixels[pixels[:, 3] >= 128]
    return np.ascontiguousarray(pixels[:, :3])


def build_palette(pixels: np.ndarray, size: int) -> np.ndarray:
    """Up to ``size`` RGB colours (K x 3 uint8) representing ``pixels``; exact when they hold few colours."""
    if len(pixels) == 0:
        return np.zeros((1, 3), dtype=np.uint8)
    unique = np.unique(pixels, axis=0)
    if len(unique) <= size:
        return unique
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    _, _, centers = cv2.kmeans(pixels.astype(np.float32), size, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    return np.clip(np.rint(centers), 0, 255).astype(np.uint8)


def lookup_table(palette: np.ndarray) -> np.ndarray:
    """For every 5-bit-per-channel colour, the index of the nearest palette entry (32768 uint8)."""
    levels = (np.arange(1 << _BITS, dtype=np.float32) + 0.5) * (256 >> _BITS)
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    colours = palette.astype(np.float32)
    best = np.zeros(len(grid), dtype=np.uint8)
    best_distance = np.full(len(grid), np.inf, dtype=np.float32)
    for index, colour in enumerate(colours):
        distance = ((grid - colour) ** 2).sum(axis=1)
        closer = distance < best_distance
        best[closer] = index
        best_distance[closer] = distance[closer]
    return best


def map_frame(rgb: np.ndarray, table: np.ndarray, dither: bool = True) -> np.ndarray:
    """Palette indices (H x W uint8) of an RGB uint8 frame, through ``lookup_table`` with ordered dithering."""
    height, width = rgb.shape[:2]
    shift = 8 - _BITS
    if dither:
        threshold = np.tile(_BAYER_4, (height // 4 + 1, width // 4 + 1))[:height, :width]
        offset = ((threshold + 0.5) / 16.0 - 0.5) * _DITHER_AMPLITUDE
        values = np.clip(rgb.astype(np.float32) + offset[:, :, None], 0, 255).astype(np.uint16)
    else:
        values = rgb.astype(np.uint16)
    values >>= shift
    keys = (values[:, :, 0] << (2 * _BITS)) | (values[:, :, 1] << _BITS) | values[:, :, 2]
    return table[keys]
