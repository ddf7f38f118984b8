"""One Euro filter: less jitter on a still signal, follows a step, keeps gaps."""

from __future__ import annotations

import numpy as np
import pytest

from studio.capture.smoothing import OneEuroFilter, one_euro_settings, smooth_motion, smooth_series
from tests.capture.helpers import make_motion

FPS = 30.0


def test_jitter_on_a_constant_signal_is_reduced() -> None:
    rng = np.random.default_rng(1)
    times = np.arange(300) / FPS
    noisy = 100.0 + rng.normal(0.0, 1.0, size=(300, 5, 2))
    smoothed = smooth_series(times, noisy, strength=0.5)
    raw_jitter = np.abs(np.diff(noisy[30:], axis=0)).mean()
    smooth_jitter = np.abs(np.diff(smoothed[30:], axis=0)).mean()
    assert smooth_jitter < raw_jitter / 4
    assert np.abs(smoothed[30:].mean() - 100.0) < 0.2


def test_a_step_is_followed() -> None:
    times = np.arange(60) / FPS
    step = np.where(times < 1.0, 0.0, 50.0)[:, None]
    smoothed = smooth_series(times, step, strength=0.5)[:, 0]
    assert np.allclose(smoothed[:30], 0.0)
    assert smoothed[30] > 5.0  # starts moving on the step frame
    assert abs(smoothed[40] - 50.0) < 1.0  # and is there within a third of a second
    heavier = smooth_series(times, step, strength=1.0)[:, 0]
    assert heavier[32] < smoothed[32]  # stronger smoothing lags more


def test_gaps_pass_through_and_a_new_element_starts_at_its_value() -> None:
    one_euro = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    assert np.allclose(one_euro(np.array([1.0, np.nan]), 0.0)[0], 1.0)
    second = one_euro(np.array([1.0, 7.0]), 0.1)
    assert second[1] == pytest.approx(7.0)
    third = one_euro(np.array([np.nan, 7.0]), 0.2)
    assert np.isnan(third[0]) and third[1] == pytest.approx(7.0)


def test_smooth_motion_keeps_gaps_and_strength_zero_is_raw() -> None:
    rng = np.random.default_rng(2)
    points = (50 + rng.normal(0, 1, size=(40, 3, 2))).astype(np.float32)
    points[10:12, 1] = np.nan
    motion = make_motion(points, fps=FPS, head_rotation=rng.normal(0, 0.01, 40))
    smoothed = smooth_motion(motion, 0.7)
    assert np.isnan(smoothed.landmarks[10:12, 1]).all()
    assert np.isfinite(smoothed.landmarks[12:, 1]).all()
    assert smoothed.landmarks[20:].std() < points[20:].std()
    assert smoothed.head_rotation is not None and smoothed.head_rotation.std() < motion.head_rotation.std()
    assert np.array_equal(smooth_motion(motion, 0.0).landmarks, motion.landmarks, equal_nan=True)


def test_strength_is_bounded() -> None:
    light, heavy = one_euro_settings(0.0), one_euro_settings(1.0)
    assert light[0] > heavy[0] and light[1] > heavy[1]
    with pytest.raises(ValueError, match="strength"):
        one_euro_settings(1.5)
