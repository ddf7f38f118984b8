"""Regions reach the generators that take them: the warp cuts its flow there, the renderer passes them on."""

import cv2
import numpy as np

from studio.engine.contract import Capabilities, Motion, SourceState
from studio.engine.mesh.generator import MeshGenerator
from studio.engine.renderer import Pose, Renderer
from studio.engine.warp import WarpGenerator
from studio.plugins.guard import GuardedGenerator
from tests.engine.mesh.scenes import blob, motion


def _half_region(size: int) -> np.ndarray:
    region = np.zeros((size, size), np.uint8)
    region[:, : size // 2] = 255
    return region


def test_warp_keeps_everything_outside_the_region_still():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (96, 96, 3), dtype=np.uint8)
    region = _half_region(96)
    generator = WarpGenerator("cpu", flow_scale=1.0)
    rest = np.array([[40.0, 48.0]])
    with_region = generator.render(generator.prepare(image, region=region), motion(rest), motion(rest + 10.0))
    without = generator.render(generator.prepare(image), motion(rest), motion(rest + 10.0))
    np.testing.assert_array_equal(with_region[:, 50:], image[:, 50:])
    assert not np.array_equal(without[:, 50:60], image[:, 50:60])
    assert not np.array_equal(with_region[:, :40], image[:, :40])


def test_mesh_keeps_pixels_outside_the_dilated_region_equal_to_the_source():
    sprite, background, matte = blob()
    alpha = matte[..., None] / 255.0
    image = np.clip(sprite[..., :3] * alpha + background * (1 - alpha), 0, 255).astype(np.uint8)
    generator = MeshGenerator("cpu", vertices=300)
    state = generator.prepare(image, region=matte)
    rest = np.array([[80.0, 70.0], [80.0, 95.0]])
    frame = generator.render(state, motion(rest), motion(rest + (4.0, 0.0)))
    reach = np.zeros_like(matte)
    reach[:, 4:] = matte[:, :-4]
    outside = cv2.dilate(np.maximum(matte, reach), np.ones((11, 11), np.uint8)) == 0
    np.testing.assert_array_equal(frame[outside], image[outside])
    assert not np.array_equal(frame[matte > 250], image[matte > 250])


class _Recorder:
    """A minimal generator; ``takes_region`` decides its capability and its prepare signature."""

    def __init__(self, takes_region: bool) -> None:
        self.capabilities = Capabilities("rec", "Recorder", region=takes_region)
        self.regions: list = []

    def prepare(self, source, *args, **kwargs) -> SourceState:
        assert not args
        self.regions.append(kwargs.get("region"))
        return SourceState(*source.shape)

    def render(self, state, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        return np.zeros((state.height, state.width, state.channels), np.uint8)

    def detect_keypoints(self, state):
        return None


def _rest() -> Pose:
    return Pose(np.array([[4.0, 4.0]], np.float32), np.eye(2, dtype=np.float32)[None], np.ones(1, np.float32))


def test_renderer_passes_the_region_resized_only_to_generators_that_take_one():
    image = np.zeros((40, 60, 3), np.uint8)
    region = _half_region(60)[:40]
    taker, plain = _Recorder(True), _Recorder(False)
    Renderer(GuardedGenerator(taker, "rec", "builtin", None), image, _rest(), size=(30, 20), region=region)
    Renderer(plain, image, _rest(), region=region)
    assert taker.regions[0].shape == (20, 30)
    assert plain.regions == [None]
