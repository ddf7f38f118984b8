"""Key reduction and resampling of takes."""

from __future__ import annotations

import numpy as np
import pytest

from studio.capture.retime import key_reduce, resample
from tests.capture.helpers import make_motion


def test_key_reduce_keeps_the_corners_of_a_piecewise_linear_signal() -> None:
    times = np.arange(41) / 10.0
    corners = [0, 10, 25, 40]
    corner_values = np.array([[0.0, 5.0], [20.0, 5.0], [20.0, -10.0], [-5.0, 0.0]])
    values = np.stack([np.interp(np.arange(41), corners, corner_values[:, c]) for c in range(2)], axis=1)
    noisy = values + np.random.default_rng(0).uniform(-0.05, 0.05, values.shape)
    kept = key_reduce(times, noisy, tolerance=0.5)
    assert kept.tolist() == corners
    assert key_reduce(times, noisy, tolerance=1e-6).tolist() == list(range(41))
    with pytest.raises(ValueError, match="fill the gaps"):
        key_reduce(times[:2], np.array([0.0, np.nan]), 0.5)


def test_resample_to_a_higher_rate_interpolates_and_keeps_gaps() -> None:
    points = np.array([[[0.0, 0.0]], [[10.0, 20.0]], [[np.nan, np.nan]], [[30.0, 0.0]]], dtype=np.float32)
    motion = make_motion(points, fps=10.0, head_rotation=np.array([0.0, 0.2, 0.4, 0.6]))
    doubled = resample(motion, 20.0)
    assert doubled.fps == 20.0
    assert np.allclose(doubled.times, np.arange(7) / 20.0)
    assert np.allclose(doubled.landmarks[:3, 0], [[0, 0], [5, 10], [10, 20]])
    assert doubled.visible[:3, 0].all()
    assert not doubled.visible[3:6, 0].any() and np.isnan(doubled.landmarks[3:6]).all()
    assert doubled.visible[6, 0] and np.allclose(doubled.landmarks[6, 0], (30, 0))
    assert doubled.head_rotation is not None and np.allclose(doubled.head_rotation, np.arange(7) * 0.1)


def test_resample_to_a_lower_rate_picks_matching_instants() -> None:
    points = np.arange(10, dtype=np.float32)[:, None, None].repeat(2, axis=2)
    halved = resample(make_motion(points, fps=10.0), 5.0)
    assert np.allclose(halved.times, [0.0, 0.2, 0.4, 0.6, 0.8])
    assert np.allclose(halved.landmarks[:, 0, 0], [0, 2, 4, 6, 8])
    assert halved.head_rotation is None
