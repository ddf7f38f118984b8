"""The bundled tps plugin: identity, translation, interpolation at keypoints, RGBA, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import UserError
from studio.engine.contract import Generator, Motion
from studio.plugins.discovery import default_registry


def _motion(points: list[list[float]] | np.ndarray) -> Motion:
    positions = np.asarray(points, np.float32).reshape(-1, 2)
    return Motion(positions, np.tile(np.eye(2, dtype=np.float32), (len(positions), 1, 1)))


@pytest.fixture(scope="module")
def tps() -> Generator:
    return default_registry(distributions=False).create_generator("tps", "cpu")


def _image(height: int = 48, width: int = 64, channels: int = 3) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(0, 256, (height, width, channels), dtype=np.uint8)


KEYPOINTS = [[10, 8], [50, 12], [30, 30], [12, 40], [55, 42]]


@pytest.mark.parametrize("channels", [3, 4])
def test_identity_gives_the_source_back(tps: Generator, channels: int) -> None:
    image = _image(channels=channels)
    frame = tps.render(tps.prepare(image), _motion(KEYPOINTS), _motion(KEYPOINTS))
    assert frame.dtype == np.uint8 and frame.shape == image.shape
    assert np.array_equal(frame, image)


@pytest.mark.parametrize("count", [1, 2, 5])
def test_translation_translates(tps: Generator, count: int) -> None:
    image = _image()
    source = np.float32(KEYPOINTS[:count])
    frame = tps.render(tps.prepare(image), _motion(source), _motion(source + np.float32([5, 3])))
    assert np.abs(frame[3:, 5:].astype(int) - image[:-3, :-5]).max() <= 1
    assert not np.array_equal(frame, image)


def test_rgba_keeps_alpha_and_clears_uncovered_area(tps: Generator) -> None:
    image = _image(channels=4)
    image[..., 3] = 200
    source = np.float32(KEYPOINTS)
    frame = tps.render(tps.prepare(image), _motion(source), _motion(source + np.float32([8, 0])))
    assert frame.shape == (48, 64, 4)
    assert (frame[:, 10:, 3] == 200).all()
    assert (frame[:, :7, 3] == 0).all(), "pixels with nothing to show are transparent"


def test_warp_passes_through_the_keypoints() -> None:
    generator = default_registry(distributions=False).create_generator("tps", "cpu", smoothing=0.0)
    image = np.zeros((64, 64, 3), np.uint8)
    image[20:24, 20:24] = 255
    source = np.float32([[22, 22], [50, 10], [10, 50], [50, 50], [8, 8]])
    driving = source.copy()
    driving[0] = [36, 30]
    frame = generator.render(generator.prepare(image), _motion(source), _motion(driving))
    bright = np.argwhere(frame[..., 0] > 128)
    centre = bright.mean(axis=0)[::-1] + 0.5
    assert np.allclose(centre, [36, 30], atol=1.0)
    assert frame[:4, 40:, 0].max() == 0


def test_two_keypoints_rotate_by_a_similarity(tps: Generator) -> None:
    image = np.zeros((32, 32, 3), np.uint8)
    image[4:8, 14:18] = 255
    source = np.float32([[16, 6], [16, 26]])
    driving = np.float32([[26, 16], [6, 16]])
    frame = tps.render(tps.prepare(image), _motion(source), _motion(driving))
    bright = np.argwhere(frame[..., 0] > 128)
    assert np.allclose(bright.mean(axis=0)[::-1] + 0.5, [26, 16], atol=1.0)


def test_collinear_and_no_keypoints_stay_finite(tps: Generator) -> None:
    image = _image()
    line = np.float32([[10, 10], [20, 10], [30, 10], [40, 10]])
    frame = tps.render(tps.prepare(image), _motion(line), _motion(line + np.float32([0, 2])))
    assert np.abs(frame[2:].astype(int) - image[:-2]).max() <= 1
    assert np.array_equal(tps.render(tps.prepare(image), _motion(np.zeros((0, 2))), _motion(np.zeros((0, 2)))),
                          image)


def test_bad_input_is_a_user_error(tps: Generator) -> None:
    with pytest.raises(UserError, match="HxWx3 or HxWx4 uint8"):
        tps.prepare(np.zeros((8, 8), np.uint8))
    state = tps.prepare(_image())
    with pytest.raises(UserError, match="must match"):
        tps.render(state, _motion(KEYPOINTS), _motion(KEYPOINTS[:2]))
    with pytest.raises(UserError, match="unknown option"):
        default_registry(distributions=False).create_generator("tps", "cpu", radius=3)
    assert tps.detect_keypoints(state) is None
    assert tps.capabilities.name == "tps" and tps.capabilities.alpha
