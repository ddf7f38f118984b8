"""Frame metrics on known inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from studio.evaluation import metrics
from tests.training.synthetic_clips import make_clip


def test_identical_images_give_zero_l1_infinite_psnr_and_unit_ssim():
    image = make_clip(0, frames=1, size=48)[0]
    assert metrics.l1(image, image) == 0
    assert math.isinf(metrics.psnr(image, image))
    assert metrics.ssim(image, image) == pytest.approx(1.0)


def test_a_known_offset_gives_known_l1_and_psnr():
    a = np.full((16, 16, 3), 100, np.uint8)
    b = a + np.uint8(51)
    assert metrics.l1(a, b) == pytest.approx(0.2)
    assert metrics.psnr(a, b) == pytest.approx(10 * math.log10(1 / 0.04))
    noisy = np.clip(a.astype(int) + np.random.default_rng(0).integers(-40, 40, a.shape), 0, 255).astype(np.uint8)
    assert metrics.ssim(a, noisy) < 0.5
    with pytest.raises(ValueError):
        metrics.l1(a, a[:8])


def test_akd_of_a_known_shift_and_missing_landmarks():
    rng = np.random.default_rng(1)
    landmarks = rng.uniform(0, 100, (478, 3)).astype(np.float32)
    shifted = landmarks + np.float32([3, 4, 7])
    assert metrics.akd(landmarks, shifted) == pytest.approx(5.0, abs=1e-4)
    shifted[:10] = np.nan
    assert metrics.akd(landmarks, shifted) == pytest.approx(5.0, abs=1e-4)
    assert math.isnan(metrics.akd(landmarks[:2], np.full((2, 2), np.nan)))
    with pytest.raises(ValueError):
        metrics.akd(landmarks, landmarks[:5])


def test_warping_error_is_small_for_the_truth_and_larger_for_flicker():
    truth = list(make_clip(2, frames=6, size=48))
    rng = np.random.default_rng(3)
    flicker = [np.clip(f.astype(int) + rng.integers(-30, 30), 0, 255).astype(np.uint8) for f in truth]
    steady = metrics.warping_errors(truth, truth)
    assert len(steady) == 5
    assert np.mean(metrics.warping_errors(flicker, truth)) > 3 * np.mean(steady)
