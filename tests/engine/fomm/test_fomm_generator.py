"""The fomm generator behind the contract: keypoints in source pixels, cached renders, paste back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from studio.core.errors import UserError
from studio.engine.contract import Generator, Motion
from studio.engine.fomm.generator import FommGenerator, to_model, to_pixels
from studio.engine.fomm.paste_back import face_box, feather_mask, paste, square_box
from studio.engine.fomm.runtime import FommRuntime


def shifted(kp: Motion, dx: float, dy: float, angle: float = 0.0) -> Motion:
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[c, -s], [s, c]], np.float32)
    return Motion(positions=kp.positions + np.array([dx, dy], np.float32), jacobians=rot @ kp.jacobians)


def test_generator_honours_the_contract(tiny_files: tuple[Path, Path], make_image: Callable) -> None:
    config, checkpoint = tiny_files
    gen = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint))
    assert isinstance(gen, Generator)
    assert gen.capabilities.detects_keypoints and gen.capabilities.keypoint_count == 5
    assert gen.capabilities.native_size == (64, 64) and gen.device == "cpu"
    source = make_image(48, 80)
    state = gen.prepare(source)
    kp = gen.detect_keypoints(state)
    assert kp.positions.shape == (5, 2) and kp.jacobians.shape == (5, 2, 2)
    assert (kp.positions >= 0).all() and (kp.positions <= [80, 48]).all()
    np.testing.assert_allclose(kp.radii, 0.1 * 48 / 2)
    frame = gen.render(state, kp, shifted(kp, 6, -3, 0.2))
    assert frame.shape == (48, 80, 3) and frame.dtype == np.uint8
    rest = gen.render(state, kp, kp)
    assert not np.array_equal(frame, rest)
    assert np.array_equal(gen.render(state, kp, shifted(kp, 6, -3, 0.2)), frame)


def test_cached_render_matches_the_full_forward(tiny_files: tuple[Path, Path], make_image: Callable) -> None:
    config, checkpoint = tiny_files
    runtime = FommRuntime(config, checkpoint, "cpu")
    source = make_image(64, 64, seed=3)
    kp_source = runtime.detect(source)
    cache = runtime.encode(source)
    for step in range(3):
        kp_driving = shifted(kp_source, 0.05 * step, -0.04 * step, 0.1 * step)
        fast = runtime.render(cache, kp_source, kp_driving).astype(int)
        full = runtime.reference_render(source, kp_source, kp_driving).astype(int)
        assert np.abs(fast - full).max() <= 1
        assert fast.std() > 5


def test_pixel_and_model_coordinates_round_trip() -> None:
    box = (30, 10, 200, 100)
    rng = np.random.default_rng(0)
    kp = Motion(positions=rng.uniform(0, 200, (4, 2)).astype(np.float32),
                jacobians=rng.normal(size=(4, 2, 2)).astype(np.float32))
    model = to_model(kp, box)
    back = to_pixels(model, box)
    np.testing.assert_allclose(back.positions, kp.positions, atol=1e-3)
    np.testing.assert_allclose(back.jacobians, kp.jacobians, atol=1e-5)
    corners = to_model(Motion(positions=np.array([[30, 10], [230, 110]], np.float32),
                              jacobians=np.repeat(np.eye(2, dtype=np.float32)[None], 2, axis=0)), box)
    np.testing.assert_allclose(corners.positions, [[-1, -1], [1, 1]])
    # a shear of the model frame is a different shear in a non-square pixel box
    assert model.jacobians[0, 0, 1] == pytest.approx(kp.jacobians[0, 0, 1] * 0.5)


def test_paste_back_keeps_size_and_untouched_pixels(tiny_files: tuple[Path, Path], make_image: Callable) -> None:
    config, checkpoint = tiny_files
    gen = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint), crop=(150, 60, 90, 90))
    source = make_image(240, 400, seed=5)
    state = gen.prepare(source)
    kp = gen.detect_keypoints(state)
    assert (kp.positions[:, 0] >= 150).all() and (kp.positions[:, 0] <= 240).all()
    frame = gen.render(state, kp, shifted(kp, 8, 4, 0.3))
    assert frame.shape == source.shape
    outside = np.ones(source.shape[:2], bool)
    outside[60:150, 150:240] = False
    assert np.array_equal(frame[outside], source[outside])
    assert np.abs(frame[80:130, 170:220].astype(int) - source[80:130, 170:220]).mean() > 5


def test_large_source_is_cropped_around_the_face(tiny_files: tuple[Path, Path], make_image: Callable,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    config, checkpoint = tiny_files
    face = np.array([[300, 100], [360, 100], [330, 180]], np.float32)
    monkeypatch.setattr("studio.landmarks.face_mesh.detect_face_landmarks", lambda image: face)
    gen = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint), margin=0.25)
    source = make_image(300, 500, seed=7, channels=4)
    state = gen.prepare(source)
    assert state.data["box"] == (270, 80, 120, 120)
    kp = gen.detect_keypoints(state)
    frame = gen.render(state, kp, shifted(kp, 5, 5))
    assert frame.shape == (300, 500, 4)
    assert np.array_equal(frame[:, :270], source[:, :270])
    assert np.array_equal(frame[200:], source[200:])
    assert not np.array_equal(frame[100:180, 290:370, 3], source[100:180, 290:370, 3])


def test_no_face_falls_back_to_the_whole_image(tiny_files: tuple[Path, Path], make_image: Callable) -> None:
    config, checkpoint = tiny_files
    gen = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint))
    source = make_image(100, 120, seed=2)
    state = gen.prepare(source)  # real mediapipe: a texture has no face
    assert state.data["box"] == (0, 0, 120, 100)
    kp = gen.detect_keypoints(state)
    assert gen.render(state, kp, kp).shape == (100, 120, 3)


def test_paste_back_helpers() -> None:
    assert square_box((10, 10, 40, 20), 100, 100) == (10, 0, 40, 40)
    assert square_box((90, 90, 50, 50), 100, 80) == (50, 30, 50, 50)
    assert face_box(np.array([[40, 40], [60, 60]]), 200, 200, 0.5) == (30, 30, 40, 40)
    mask = feather_mask((0, 20, 40, 40), 100, 100, 8)
    assert mask[20, 0] == pytest.approx(1.0) and mask[0, 20] < 0.05 and mask[39, 20] < 0.05
    assert mask[20, 39] < 0.05 and mask[20, 20] == 1.0
    source = np.zeros((50, 50, 3), np.uint8)
    out = paste(source, np.full((10, 10, 3), 200, np.uint8), (5, 5, 20, 20), np.ones((20, 20), np.float32))
    assert (out[5:25, 5:25] == 200).all() and (out[:5] == 0).all() and out.shape == source.shape
    with pytest.raises(UserError, match="crop must"):
        square_box((0, 0, -5, 10), 100, 100)


def test_bad_construction_is_refused(tiny_files: tuple[Path, Path], make_image: Callable) -> None:
    config, checkpoint = tiny_files
    with pytest.raises(UserError, match="needs a config"):
        FommGenerator(device="cpu")
    with pytest.raises(UserError, match="unknown fomm option 'speed'"):
        FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint), speed=2)
    with pytest.raises(UserError, match="'margin' must be a number from 0 to 2.0"):
        FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint), margin="wide")
    with pytest.raises(UserError, match="unknown device"):
        FommGenerator(device="tpu", config=str(config), checkpoint=str(checkpoint))
    gen = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint))
    with pytest.raises(UserError, match="8-bit"):
        gen.prepare(make_image().astype(np.float32))
    state = gen.prepare(make_image())
    kp = gen.detect_keypoints(state)
    three = Motion(positions=kp.positions[:3], jacobians=kp.jacobians[:3])
    with pytest.raises(UserError, match="exactly 5 keypoints"):
        gen.render(state, three, three)
