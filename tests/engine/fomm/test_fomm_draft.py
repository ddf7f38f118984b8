"""Draft frames of the fomm generator: the model's rest frame moved by the keypoints' local-affine warp."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from studio.engine.contract import DraftGenerator, Motion
from studio.engine.fomm.generator import FommGenerator
from studio.engine.fomm.inference import FastFomm
from studio.engine.renderer import Pose, Renderer
from studio.plugins.guard import GuardedGenerator

# PSNR of drafts against full frames of the tiny random-weight model, keypoints moved 1 px: 17.9-18.0 dB,
# 2 px: 14.1-14.3 dB; a draft against another source's frame: 9.5 dB. Random decoders output fine texture that
# any motion decorrelates; docs/fomm.md ("Drafts") has the comparison with the other candidates.
DRAFT_PSNR = 12.0


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return 10 * np.log10(255**2 / max(mse, 1e-12))


def moved(kp: Motion, dx: float) -> Motion:
    return Motion(positions=kp.positions + np.float32(dx), jacobians=kp.jacobians, radii=kp.radii)


@pytest.fixture
def generator(tiny_files: tuple[Path, Path]) -> FommGenerator:
    config, checkpoint = tiny_files
    return FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint))


def test_drafts_run_the_networks_once_per_source(generator: FommGenerator, make_image: Callable,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(generator, DraftGenerator) and generator.capabilities.draft
    calls = []
    render = FastFomm.render
    monkeypatch.setattr(FastFomm, "render", lambda self, *args: calls.append(1) or render(self, *args))
    state = generator.prepare(make_image(48, 80, channels=4))
    kp = generator.detect_keypoints(state)
    full = generator.render(state, kp, moved(kp, 3))
    drafts = [generator.render_draft(state, kp, moved(kp, dx)) for dx in (1, 2, 3)]
    assert len(calls) == 2  # the full frame, then the rest frame once for all drafts
    assert drafts[2].shape == full.shape == (48, 80, 4) and drafts[2].dtype == np.uint8
    generator.render_draft(state, moved(kp, 1), moved(kp, 3))
    assert len(calls) == 2  # another rest pose (the animator drags it): the same rest frame, no network


def test_the_rest_frame_does_not_depend_on_where_the_rest_keypoints_are(generator: FommGenerator,
                                                                       make_image: Callable) -> None:
    state = generator.prepare(make_image(48, 80, channels=4))
    kp = generator.detect_keypoints(state)
    spread = Motion(positions=kp.positions * np.float32(0.7) + np.float32(5), jacobians=kp.jacobians * 1.3,
                    radii=kp.radii)
    rest, elsewhere = generator.render(state, kp, kp), generator.render(state, spread, spread)
    assert np.abs(rest.astype(int) - elsewhere).max() <= 1
    assert np.array_equal(generator.render_draft(state, spread, moved(spread, 2)),
                          generator.warp.render(generator.warp.prepare(elsewhere), spread, moved(spread, 2)))


def test_a_draft_at_rest_is_the_full_frame_and_moves_stay_close(generator: FommGenerator,
                                                                make_image: Callable) -> None:
    scores = []
    for seed in range(2):
        state = generator.prepare(make_image(seed=seed))
        kp = generator.detect_keypoints(state)
        rest = generator.render(state, kp, kp)
        assert np.abs(generator.render_draft(state, kp, kp).astype(int) - rest).max() <= 1
        scores += [psnr(generator.render_draft(state, kp, moved(kp, dx)), generator.render(state, kp, moved(kp, dx)))
                   for dx in (1, 2)]
    other = generator.prepare(make_image(seed=9))
    unrelated = generator.render(other, generator.detect_keypoints(other), generator.detect_keypoints(other))
    assert min(scores) > DRAFT_PSNR > psnr(generator.render_draft(state, kp, moved(kp, 1)), unrelated)


def test_renderer_and_plugin_guard_pass_drafts_through(generator: FommGenerator, make_image: Callable) -> None:
    guarded = GuardedGenerator(generator, "fomm", "builtin", None)
    source = make_image()
    kp = generator.detect_keypoints(generator.prepare(source))
    renderer = Renderer(guarded, source, Pose(kp.positions, kp.jacobians, kp.radii))
    driving = Pose(kp.positions + 3, kp.jacobians, kp.radii)
    assert renderer.drafts
    draft = renderer.render(driving, draft=True)
    assert np.array_equal(draft, generator.render_draft(renderer.state, renderer.rest, moved(renderer.rest, 3)))
    assert not np.array_equal(draft, renderer.render(driving))
