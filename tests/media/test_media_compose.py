"""compose: alpha flattening and motion-blur subframe averaging."""

from __future__ import annotations

import numpy as np
import pytest

from studio.media.compose import average_subframes, flatten_alpha, with_alpha


def test_flatten_alpha_over_colour_is_exact_over() -> None:
    frame = np.array([[[200, 100, 0, 255], [200, 100, 0, 0], [200, 100, 0, 128]]], dtype=np.uint8)
    flat = flatten_alpha(frame, (0, 0, 255))
    assert flat.shape == (1, 3, 3)
    assert flat[0, 0].tolist() == [200, 100, 0]
    assert flat[0, 1].tolist() == [0, 0, 255]
    assert flat[0, 2].tolist() == [round(200 * 128 / 255), round(100 * 128 / 255), round(255 * 127 / 255)]


def test_flatten_alpha_defaults_to_black_and_passes_rgb() -> None:
    frame = np.full((2, 2, 4), 0, np.uint8)
    frame[..., :3] = 90
    assert flatten_alpha(frame).max() == 0
    rgb = np.full((2, 2, 3), 7, np.uint8)
    assert flatten_alpha(rgb, (1, 2, 3)) is rgb


def test_with_alpha_adds_opaque_channel() -> None:
    rgba = with_alpha(np.full((2, 3, 3), 5, np.uint8))
    assert rgba.shape == (2, 3, 4) and (rgba[..., 3] == 255).all() and (rgba[..., :3] == 5).all()


def test_average_subframes_rounds_the_float_mean() -> None:
    frames = [np.full((2, 2, 3), value, np.uint8) for value in (0, 1, 1, 255)]
    assert average_subframes(frames)[0, 0, 0] == 64  # 257 / 4 = 64.25
    halves = [np.full((1, 1, 4), value, np.uint8) for value in (254, 255)]
    assert average_subframes(halves)[0, 0, 0] == 254  # 254.5 rounds half to even
    assert average_subframes(halves).dtype == np.uint8


def test_average_subframes_refuses_bad_input() -> None:
    with pytest.raises(ValueError):
        average_subframes([])
    with pytest.raises(ValueError):
        average_subframes([np.zeros((2, 2, 3), np.uint8), np.zeros((2, 3, 3), np.uint8)])
