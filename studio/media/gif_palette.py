"""A global 256-colour GIF palette for a whole clip, and fast dithered mapping of frames onto it.

Colours are counted in a 5-bit-per-channel histogram (keeping each bin's mean colour) while frames arrive;
the palette is a median cut of that histogram refined by a few weighted k-means steps. Frames map through a
32x32x32 lookup table of nearest palette entries after a light ordered (Bayer) dither, which keeps
gradients smooth and, unlike error diffusion, stays still from frame to frame (smaller, calmer GIFs).
"""

from __future__ import annotations

import cv2
import numpy as np

_BITS = 5
_BINS = 1 << (3 * _BITS)
_SHIFT = 8 - _BITS
_DITHER_AMPLITUDE = 12
_REFINE_STEPS = 3
_STRIDE = 3  # the histogram counts every 3rd pixel in each direction
_BAYER_4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.int16)
# Per channel, value -> its bits of the 15-bit bin key (r in bits 10-14, g in 5-9, b in 0-4).
_KEY_PARTS = np.stack(
    [(np.arange(256, dtype=np.uint16) >> _SHIFT) << (_BITS * (2 - channel)) for channel in range(3)], axis=-1
).reshape(256, 1, 3)


def colour_keys(rgb: np.ndarray) -> np.ndarray:
    """The 15-bit histogram bin (uint16) of every pixel of an ... x 3 uint8 array."""
    parts = cv2.LUT(np.ascontiguousarray(rgb).reshape(-1, 1, 3), _KEY_PARTS).reshape(*rgb.shape[:-1], 3)
    return parts[..., 0] | parts[..., 1] | parts[..., 2]


class ColourHistogram:
    """Pixel counts and colour sums per 5-bit bin, accumulated frame by frame (a 1-in-9 pixel sample)."""

    def __init__(self) -> None:
        self.counts = np.zeros(_BINS, dtype=np.float64)
        self.sums = np.zeros((_BINS, 3), dtype=np.float64)

    def add(self, rgb: np.ndarray, opaque: np.ndarray | None = None) -> None:
        """Count the colours of an RGB uint8 frame, only where ``opaque`` (a boolean mask) is True if given."""
        pixels = rgb[::_STRIDE, ::_STRIDE].reshape(-1, 3)
        if opaque is not None:
            pixels = pixels[opaque[::_STRIDE, ::_STRIDE].reshape(-1)]
        keys = colour_keys(pixels)
        self.counts += np.bincount(keys, minlength=_BINS)
        for channel in range(3):
            self.sums[:, channel] += np.bincount(keys, weights=pixels[:, channel], minlength=_BINS)

    def palette(self, size: int) -> np.ndarray:
        """Up to ``size`` RGB colours (K x 3 uint8) for the counted pixels; exact when they fill few bins."""
        used = np.flatnonzero(self.counts)
        if len(used) == 0:
            return np.zeros((1, 3), dtype=np.uint8)
        weights = self.counts[used]
        colours = self.sums[used] / weights[:, None]
        if len(used) > size:
            centres = _median_cut(colours, weights, size)
            colours = _refine(colours, weights, centres)
        return np.clip(np.rint(colours), 0, 255).astype(np.uint8)


def _median_cut(colours: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Split the colour cloud into ``size`` boxes at weighted medians of their widest channel; box means."""
    boxes = [np.arange(len(colours))]
    scores = [_split_score(colours, weights, boxes[0])]
    while len(boxes) < size:
        widest = int(np.argmax(scores))
        if scores[widest] <= 0:
            break
        box = boxes.pop(widest)
        scores.pop(widest)
        channel = int(np.argmax(np.ptp(colours[box], axis=0)))
        order = box[np.argsort(colours[box, channel], kind="stable")]
        cumulative = np.cumsum(weights[order])
        cut = int(np.searchsorted(cumulative, cumulative[-1] / 2))
        cut = min(max(cut, 1), len(order) - 1)
        for half in (order[:cut], order[cut:]):
            boxes.append(half)
            scores.append(_split_score(colours, weights, half))
    return np.array([np.average(colours[box], axis=0, weights=weights[box]) for box in boxes])


def _split_score(colours: np.ndarray, weights: np.ndarray, box: np.ndarray) -> float:
    """How much splitting a box helps: its widest channel range times the square root of its pixel count."""
    if len(box) < 2:
        return -1.0
    return float(np.ptp(colours[box], axis=0).max() * np.sqrt(weights[box].sum()))


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Index of the nearest centre for every point (squared Euclidean distance, via one matrix product)."""
    points = points.astype(np.float32)
    centres = centres.astype(np.float32)
    distance = (centres**2).sum(axis=1)[None, :] - 2.0 * points @ centres.T
    return np.argmin(distance, axis=1)


def _refine(colours: np.ndarray, weights: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """A few weighted k-means (Lloyd) steps from the median-cut centres."""
    for _ in range(_REFINE_STEPS):
        labels = _nearest(colours, centres)
        mass = np.bincount(labels, weights=weights, minlength=len(centres))
        moved = np.stack(
            [np.bincount(labels, weights=weights * colours[:, c], minlength=len(centres)) for c in range(3)],
            axis=1,
        )
        filled = mass > 0
        centres = centres.copy()
        centres[filled] = moved[filled] / mass[filled, None]
    return centres


def lookup_table(palette: np.ndarray) -> np.ndarray:
    """For every 15-bit colour bin, the index of the palette entry nearest its centre (32768 uint8)."""
    levels = (np.arange(1 << _BITS, dtype=np.float32) + 0.5) * (1 << _SHIFT)
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    return _nearest(grid, palette).astype(np.uint8)


def dither_pattern(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Ordered-dither offsets (about ±amplitude/2) as the (added, subtracted) H x W x 3 uint8 pair."""
    tiled = np.tile(_BAYER_4, (height // 4 + 1, width // 4 + 1))[:height, :width]
    offsets = ((tiled * 2 + 1) * _DITHER_AMPLITUDE) // 32 - _DITHER_AMPLITUDE // 2
    offsets = np.repeat(offsets[:, :, None], 3, axis=2)
    return np.clip(offsets, 0, None).astype(np.uint8), np.clip(-offsets, 0, None).astype(np.uint8)


def dithered_keys(rgb: np.ndarray, pattern: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The 15-bit colour bins (H x W uint16) of an RGB uint8 frame after the ordered dither ``pattern``."""
    added, subtracted = pattern
    return colour_keys(cv2.subtract(cv2.add(np.ascontiguousarray(rgb), added), subtracted))  # saturating uint8
