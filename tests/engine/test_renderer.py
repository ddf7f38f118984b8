"""The renderer: size mapping, scaled keypoints, and rest-pose changes that keep the prepared source."""

import numpy as np

from studio.engine.contract import Capabilities, Motion, SourceState
from studio.engine.renderer import Pose, Renderer


class CountingGenerator:
    """Returns the driving positions as a frame value so tests can see what reached the generator."""

    capabilities = Capabilities("count", "Counting")

    def __init__(self) -> None:
        self.prepared = 0
        self.seen: list[tuple[Motion, Motion]] = []

    def prepare(self, source: np.ndarray) -> SourceState:
        self.prepared += 1
        return SourceState(*source.shape)

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        self.seen.append((kp_source, kp_driving))
        return np.zeros((state.height, state.width, state.channels), np.uint8)

    def detect_keypoints(self, state: SourceState) -> None:
        return None


def _pose(x: float, y: float, radius: float = 10.0) -> Pose:
    return Pose(np.array([[x, y]], np.float32), np.eye(2, dtype=np.float32)[None], np.array([radius], np.float32))


def test_render_size_scales_positions_and_radii():
    generator = CountingGenerator()
    renderer = Renderer(generator, np.zeros((100, 200, 3), np.uint8), _pose(50, 20), size=(100, 50))
    frame = renderer.render(_pose(60, 40))
    assert frame.shape == (50, 100, 3)
    rest, driving = generator.seen[-1]
    np.testing.assert_allclose(rest.positions, [[25, 10]])
    np.testing.assert_allclose(driving.positions, [[30, 20]])
    np.testing.assert_allclose(driving.radii, [5.0])


def test_with_rest_keeps_the_prepared_source():
    generator = CountingGenerator()
    renderer = Renderer(generator, np.zeros((40, 40, 3), np.uint8), _pose(10, 10))
    moved = renderer.with_rest(_pose(20, 15))
    moved.render(_pose(21, 15))
    assert generator.prepared == 1
    np.testing.assert_allclose(generator.seen[-1][0].positions, [[20, 15]])
    renderer.render(_pose(11, 10))
    np.testing.assert_allclose(generator.seen[-1][0].positions, [[10, 10]])


class DraftingGenerator(CountingGenerator):
    """A generator that offers drafts: its draft frames are all 7, its full frames 0."""

    capabilities = Capabilities("drafts", "Drafting", draft=True)

    def render_draft(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        self.seen.append((kp_source, kp_driving))
        return np.full((state.height, state.width, state.channels), 7, np.uint8)


def test_draft_renders_go_to_generators_that_offer_them():
    drafting = Renderer(DraftingGenerator(), np.zeros((20, 30, 3), np.uint8), _pose(5, 5))
    assert drafting.drafts
    assert (drafting.render(_pose(6, 5), draft=True) == 7).all()
    assert (drafting.render(_pose(6, 5)) == 0).all()
    plain = Renderer(CountingGenerator(), np.zeros((20, 30, 3), np.uint8), _pose(5, 5))
    assert not plain.drafts
    assert (plain.render(_pose(6, 5), draft=True) == 0).all()  # no draft: the full frame
