"""gif_palette: histogram palette quality and lookup-table mapping."""

from __future__ import annotations

import numpy as np

from studio.media.gif_palette import ColourHistogram, colour_keys, dither_pattern, dithered_keys, lookup_table


def _gradient(height: int = 96, width: int = 128) -> np.ndarray:
    ys, xs = np.mgrid[0:height, 0:width]
    return np.stack([xs * 255 // (width - 1), ys * 255 // (height - 1), (xs + ys) % 256], axis=-1).astype(np.uint8)


def test_few_colours_are_kept_exactly() -> None:
    frame = np.zeros((30, 30, 3), np.uint8)
    frame[:10] = (255, 0, 0)
    frame[10:20] = (12, 200, 99)
    histogram = ColourHistogram()
    histogram.add(frame)
    palette = histogram.palette(256)
    assert {tuple(colour) for colour in palette.tolist()} == {(255, 0, 0), (12, 200, 99), (0, 0, 0)}
    indices = lookup_table(palette)[dithered_keys(frame, dither_pattern(30, 30))]
    np.testing.assert_array_equal(palette[indices], frame)


def test_gradient_palette_is_full_and_close() -> None:
    frame = _gradient()
    histogram = ColourHistogram()
    histogram.add(frame)
    palette = histogram.palette(256)
    assert len(palette) == 256
    mapped = palette[lookup_table(palette)[colour_keys(frame)]].astype(int)
    assert np.abs(mapped - frame).mean() < 8


def test_transparent_pixels_are_not_counted() -> None:
    frame = np.zeros((12, 12, 3), np.uint8)
    frame[:6] = (10, 20, 30)
    frame[6:] = (250, 250, 250)
    opaque = np.zeros((12, 12), bool)
    opaque[:6] = True
    histogram = ColourHistogram()
    histogram.add(frame, opaque)
    assert histogram.palette(255).tolist() == [[10, 20, 30]]


def test_dither_pattern_is_small_and_balanced() -> None:
    added, subtracted = dither_pattern(8, 8)
    offsets = added.astype(int) - subtracted
    assert offsets.shape == (8, 8, 3)
    assert np.abs(offsets).max() <= 6 and abs(offsets.mean()) < 1
