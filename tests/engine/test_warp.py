"""The built-in local-affine warp generator: geometry, alpha, options and bad inputs."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from studio.core.errors import UserError
from studio.engine.contract import Generator, Motion
from studio.engine.warp import WarpGenerator
from studio.plugins.api import builtin_registry


def rotation(angle: float, scale: float = 1.0) -> np.ndarray:
    """2x2 float32 rotation (by angle radians, y down) times scale."""
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    return np.array([[cos, -sin], [sin, cos]], np.float32)


def motion(positions, jacobians=None, radii=None) -> Motion:
    """A Motion from lists; identity jacobians and empty radii unless given."""
    positions = np.asarray(positions, np.float32).reshape(-1, 2)
    count = len(positions)
    if jacobians is None:
        jacobians = np.tile(np.eye(2, dtype=np.float32), (count, 1, 1))
    radii = np.zeros(0, np.float32) if radii is None else np.asarray(radii, np.float32).reshape(-1)
    return Motion(positions, np.asarray(jacobians, np.float32).reshape(count, 2, 2), radii)


def smooth_image(height: int, width: int, channels: int = 3, seed: int = 0) -> np.ndarray:
    """Blurred colour noise: textured enough that a wrong move shows, smooth enough to compare."""
    rng = np.random.default_rng(seed)
    noise = rng.uniform(0, 255, (height, width, channels)).astype(np.float32)
    blurred = cv2.GaussianBlur(noise, (0, 0), 2.0)
    blurred = (blurred - blurred.min()) / (blurred.max() - blurred.min()) * 255.0
    return blurred.round().astype(np.uint8)


def ramp_image(height: int, width: int) -> np.ndarray:
    """R = 2x, G = 2y (pixel indices): reading R and G back tells where each output pixel sampled from."""
    ys, xs = np.mgrid[0:height, 0:width]
    return np.stack([2 * xs, 2 * ys, np.full_like(xs, 128)], axis=-1).astype(np.uint8)


@pytest.fixture
def generator() -> WarpGenerator:
    return WarpGenerator("cpu")


def diff(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.abs(a.astype(np.int32) - b.astype(np.int32)).max())


def test_identity_gives_back_the_source(generator: WarpGenerator) -> None:
    source = smooth_image(96, 128)
    rng = np.random.default_rng(1)
    positions = rng.uniform(0, 96, (6, 2))
    jacobians = np.stack([rotation(a, s) for a, s in zip(rng.uniform(-1, 1, 6), rng.uniform(0.5, 2, 6), strict=True)])
    pose = motion(positions, jacobians, rng.uniform(5, 30, 6))
    out = generator.render(generator.prepare(source), pose, pose)
    assert out.shape == source.shape and out.dtype == np.uint8
    assert diff(out, source) <= 1


def test_identity_at_full_flow_resolution() -> None:
    warp = WarpGenerator("cpu", flow_scale=1.0)
    source = smooth_image(40, 30)
    pose = motion([[10, 10], [20, 30]])
    assert diff(warp.render(warp.prepare(source), pose, pose), source) <= 1


def test_translation_of_every_keypoint_translates_the_image(generator: WarpGenerator) -> None:
    source = smooth_image(96, 128)
    dx, dy = 7, -4
    rest = motion([[20, 20], [100, 20], [20, 80], [100, 80]], radii=[1e4] * 4)
    moved = motion(rest.positions + np.float32([dx, dy]), radii=rest.radii)
    out = generator.render(generator.prepare(source), rest, moved)
    expected = np.roll(source, (dy, dx), axis=(0, 1))
    margin = 10
    interior = (slice(margin, -margin), slice(margin, -margin))
    assert diff(out[interior], expected[interior]) <= 2
    assert diff(out[interior], source[interior]) > 20  # it did move


def test_a_rotated_jacobian_rotates_its_neighbourhood_and_leaves_far_corners(generator: WarpGenerator) -> None:
    source = smooth_image(128, 128, seed=3)
    centre = np.float32([64, 64])
    angle = np.pi / 6
    rest = motion([centre], radii=[12])
    turned = motion([centre], [rotation(angle)], radii=[12])
    out = generator.render(generator.prepare(source), rest, turned)

    # output(z) = source(d + R(-angle) (z - d)); OpenCV indexes pixel centres at integers, we at i + 0.5
    back = rotation(-angle).astype(np.float64)
    pivot = centre - 0.5
    matrix = np.hstack([back, (pivot - back @ pivot)[:, None]])
    expected = cv2.warpAffine(source, matrix, (128, 128), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    ys, xs = np.mgrid[0:128, 0:128]
    near = (xs + 0.5 - centre[0]) ** 2 + (ys + 0.5 - centre[1]) ** 2 <= 6**2
    assert diff(out[near], expected[near]) <= 3
    assert diff(out[near], source[near]) > 10  # the neighbourhood really turned
    for corner in (np.s_[:16, :16], np.s_[:16, -16:], np.s_[-16:, :16], np.s_[-16:, -16:]):
        assert diff(out[corner], source[corner]) <= 1


def test_background_weight_sets_how_far_a_keypoint_pulls(generator: WarpGenerator) -> None:
    source = ramp_image(64, 120)
    rest = motion([[30, 32]], radii=[8])
    moved = motion([[36, 32]], radii=[8])
    strong = WarpGenerator("cpu", background_weight=1.0)

    def shift_at(warp: WarpGenerator, x: int) -> float:
        out = warp.render(warp.prepare(source), rest, moved)
        return (int(source[32, x, 0]) - int(out[32, x, 0])) / 2.0

    assert shift_at(generator, 36) == pytest.approx(6, abs=0.6)  # the keypoint's own spot follows it
    assert shift_at(generator, 110) == 0  # far away stays put
    assert shift_at(strong, 36) < 4.5  # a heavy background holds the neighbourhood back
    assert shift_at(strong, 36) > 1.5


def test_empty_radii_use_a_tenth_of_the_smaller_side(generator: WarpGenerator) -> None:
    source = smooth_image(80, 100)
    state = generator.prepare(source)
    rest, moved = motion([[50, 40]]), motion([[55, 45]], [rotation(0.3)])
    default = generator.render(state, rest, moved)
    explicit = generator.render(state, motion([[50, 40]], radii=[8]), motion([[55, 45]], [rotation(0.3)], [8]))
    wider = generator.render(state, motion([[50, 40]], radii=[20]), motion([[55, 45]], [rotation(0.3)], [20]))
    assert np.array_equal(default, explicit)
    assert diff(default, wider) > 5


def test_rgba_stays_rgba_and_alpha_moves_with_colour(generator: WarpGenerator) -> None:
    source = np.zeros((64, 64, 4), np.uint8)
    source[20:40, 20:40] = (200, 60, 30, 255)
    rest = motion([[16, 16], [48, 48]], radii=[1e4, 1e4])
    moved = motion(rest.positions + np.float32([8, 4]), radii=rest.radii)
    out = generator.render(generator.prepare(source), rest, moved)
    assert out.shape == (64, 64, 4)
    assert diff(out[26:42, 30:46], source[22:38, 22:38]) <= 1  # colour and alpha both moved by (8, 4)
    assert out[10, 10, 3] == 0 and out[30, 25, 3] == 0  # the old place is transparent now
    visible = out[..., 3] > 0
    assert diff(out[visible][:, :3], np.array([[200, 60, 30]])) <= 2  # no dark fringe at soft edges


def test_rgba_identity(generator: WarpGenerator) -> None:
    source = smooth_image(50, 70, channels=4, seed=5)
    source[..., 3] = np.maximum(source[..., 3], 1)
    pose = motion([[10, 10], [40, 30]], radii=[10, 20])
    assert diff(generator.render(generator.prepare(source), pose, pose), source) <= 1


def test_rgb_stays_rgb(generator: WarpGenerator) -> None:
    source = smooth_image(32, 48)
    out = generator.render(generator.prepare(source), motion([[10, 10]]), motion([[12, 9]]))
    assert out.shape == (32, 48, 3) and out.dtype == np.uint8


def test_zero_keypoints_leave_the_source_unchanged(generator: WarpGenerator) -> None:
    source = smooth_image(30, 40)
    state = generator.prepare(source)
    out = generator.render(state, motion([]), motion([]))
    assert np.array_equal(out, source)
    out[:] = 0
    assert np.array_equal(generator.render(state, motion([]), motion([])), source)


def test_flow_resolution_barely_changes_a_smooth_motion() -> None:
    source = smooth_image(90, 110)
    rest = motion([[30, 40], [80, 50]], radii=[20, 25])
    moved = motion([[34, 38], [76, 55]], [rotation(0.2), rotation(-0.1, 1.1)], [20, 25])
    coarse, fine = WarpGenerator("cpu", flow_scale=0.25), WarpGenerator("cpu", flow_scale=1.0)
    a = coarse.render(coarse.prepare(source), rest, moved)
    b = fine.render(fine.prepare(source), rest, moved)
    assert diff(a, b) <= 6
    assert np.abs(a.astype(int) - b.astype(int)).mean() < 0.5


def test_thread_count_and_odd_sizes_do_not_change_the_result(generator: WarpGenerator) -> None:
    source = smooth_image(37, 53)
    rest = motion([[20, 18]], radii=[9])
    moved = motion([[24, 15]], [rotation(0.4)], radii=[9])
    state = generator.prepare(source)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        single = generator.render(state, rest, moved)
        torch.set_num_threads(3)
        banded = generator.render(state, rest, moved)
    finally:
        torch.set_num_threads(threads)
    assert np.array_equal(single, banded)
    assert diff(single, source) > 5


def test_it_is_the_registered_builtin_and_honours_the_contract() -> None:
    registry = builtin_registry()
    assert registry.load("generator", "warp") is WarpGenerator
    warp = registry.create_generator("warp", "cpu", background_weight=0.05)
    assert isinstance(warp, Generator)
    caps = warp.capabilities
    assert (caps.name, caps.title, caps.alpha, caps.needs_weights, caps.keypoint_count) == (
        "warp",
        "Local-affine warp",
        True,
        False,
        None,
    )
    assert warp.detect_keypoints(warp.prepare(smooth_image(16, 16))) is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (np.zeros((16, 16, 3), np.float32), "uint8"),
        (np.zeros((16, 16), np.uint8), "HxWx3"),
        (np.zeros((16, 16, 2), np.uint8), "HxWx3"),
        (np.zeros((0, 16, 3), np.uint8), "HxWx3"),
        ([[0, 0, 0]], "numpy array"),
    ],
)
def test_bad_sources_are_refused(generator: WarpGenerator, source, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generator.prepare(source)


def test_bad_motions_are_refused(generator: WarpGenerator) -> None:
    state = generator.prepare(smooth_image(16, 16))
    two, three = motion([[1, 1], [5, 5]]), motion([[1, 1], [5, 5], [9, 9]])
    with pytest.raises(ValueError, match="must match"):
        generator.render(state, two, three)
    with pytest.raises(ValueError, match=r"positions must be \[K, 2\]"):
        generator.render(state, Motion(np.zeros((2, 3), np.float32), np.zeros((2, 2, 2))), two)
    with pytest.raises(ValueError, match=r"jacobians must be \[K, 2, 2\]"):
        generator.render(state, two, Motion(two.positions, np.zeros((3, 2, 2), np.float32)))
    with pytest.raises(ValueError, match="radii"):
        generator.render(state, two, motion(two.positions, radii=[1, 2, 3]))
    with pytest.raises(ValueError, match="non-finite"):
        generator.render(state, two, motion([[1, np.nan], [5, 5]]))
    with pytest.raises(ValueError, match="singular"):
        generator.render(state, two, motion(two.positions, np.zeros((2, 2, 2))))


@pytest.mark.parametrize(
    "options",
    [{"flow_scale": 0.0}, {"flow_scale": 1.5}, {"background_weight": 0.0}, {"colour": "red"}],
)
def test_bad_options_are_user_errors(options: dict) -> None:
    with pytest.raises(UserError) as info:
        WarpGenerator("cpu", **options)
    assert "\n" not in str(info.value)


def test_unknown_device_is_a_user_error() -> None:
    with pytest.raises(UserError, match="banana"):
        WarpGenerator("banana")


def test_rgba_soft_edges_keep_their_colour(generator: WarpGenerator) -> None:
    source = np.zeros((48, 48, 4), np.uint8)
    source[16:32, 16:32] = (200, 60, 30, 255)
    rest = motion([[12, 12], [36, 36]], radii=[1e4, 1e4])
    moved = motion(rest.positions + np.float32([3.5, 2.5]), radii=rest.radii)
    out = generator.render(generator.prepare(source), rest, moved)
    soft = (out[..., 3] > 20) & (out[..., 3] < 235)
    assert soft.sum() > 20  # a half-pixel shift leaves half-transparent edges
    assert diff(out[soft][:, :3], np.array([[200, 60, 30]])) <= 3  # not darkened by the transparent black


def test_pixels_pulled_from_outside_repeat_the_border(generator: WarpGenerator) -> None:
    source = np.full((40, 60, 3), 180, np.uint8)
    source[:, :2] = 90
    rest = motion([[20, 20], [40, 20]], radii=[1e4, 1e4])
    moved = motion(rest.positions + np.float32([10, 0]), radii=rest.radii)
    out = generator.render(generator.prepare(source), rest, moved)
    assert diff(out[:, :8], np.full((40, 8, 3), 90)) <= 1  # the edge column, repeated; never black
