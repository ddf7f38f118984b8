"""png_encoder: the parallel PNG encoder produces PNGs that decode to the exact pixels."""

from __future__ import annotations

import numpy as np
import pytest

from studio.media import png_encoder
from studio.media.image_io import decode_image
from studio.media.png_encoder import encode_png_parallel


@pytest.mark.parametrize("channels", [3, 4])
def test_round_trip_is_exact_across_many_strips(monkeypatch: pytest.MonkeyPatch, channels: int) -> None:
    monkeypatch.setattr(png_encoder, "_STRIP_BYTES", 1000)  # force dozens of independently deflated strips
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (97, 61, channels), dtype=np.uint8)
    image[40:60] = 0
    image[:, 10] = image[:, 9]
    data = encode_png_parallel(image, workers=2)
    np.testing.assert_array_equal(decode_image(data, "atlas.png"), image)


def test_single_row_and_pixel_images() -> None:
    for shape in [(1, 1, 4), (1, 300, 3), (300, 1, 4)]:
        image = np.arange(np.prod(shape), dtype=np.uint32).astype(np.uint8).reshape(shape)
        np.testing.assert_array_equal(decode_image(encode_png_parallel(image), "x.png"), image)


def test_rejects_non_image_arrays() -> None:
    with pytest.raises(ValueError):
        encode_png_parallel(np.zeros((4, 4, 2), np.uint8))
