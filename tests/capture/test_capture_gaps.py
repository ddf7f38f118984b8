"""Gap filling: interpolate and hold, edges, landmarks never seen."""

from __future__ import annotations

import numpy as np
import pytest

from studio.capture.gaps import fill_gap_series, fill_gaps
from tests.capture.helpers import make_motion


def _line_with_gap() -> np.ndarray:
    xs = np.arange(10, dtype=np.float32) * 3 + 100
    points = np.stack([xs, xs * 0 + 50], axis=1)[:, None, :].copy()
    points[3:7] = np.nan
    return points


def test_interpolate_draws_a_line_across_the_gap() -> None:
    motion = make_motion(_line_with_gap())
    filled = fill_gaps(motion, "interpolate")
    expected = np.arange(10) * 3 + 100
    assert np.allclose(filled.landmarks[:, 0, 0], expected)
    assert np.allclose(filled.landmarks[:, 0, 1], 50)
    assert not filled.visible[3:7].any()  # visible still says what was really seen
    assert np.isnan(motion.landmarks[3:7]).all()  # the input is untouched


def test_hold_keeps_the_last_seen_value() -> None:
    filled = fill_gaps(make_motion(_line_with_gap()), "hold")
    assert np.allclose(filled.landmarks[3:7, 0, 0], 106)
    assert np.allclose(filled.landmarks[7:, 0, 0], np.arange(7, 10) * 3 + 100)


@pytest.mark.parametrize("mode", ["interpolate", "hold"])
def test_leading_and_trailing_gaps_hold_the_nearest_sample(mode: str) -> None:
    points = np.full((6, 1, 2), np.nan, dtype=np.float32)
    points[2] = (10, 20)
    points[3] = (12, 22)
    filled = fill_gaps(make_motion(points), mode)
    assert np.allclose(filled.landmarks[:2, 0], (10, 20))
    assert np.allclose(filled.landmarks[4:, 0], (12, 22))


def test_a_landmark_never_seen_stays_a_gap_not_zero() -> None:
    points = np.zeros((4, 2, 2), dtype=np.float32) + 5
    points[:, 1] = np.nan
    filled = fill_gaps(make_motion(points), "interpolate")
    assert np.isnan(filled.landmarks[:, 1]).all()
    assert np.allclose(filled.landmarks[:, 0], 5)


def test_head_rotation_gaps_are_filled() -> None:
    points = np.ones((5, 1, 2), dtype=np.float32)
    roll = np.array([0.0, np.nan, np.nan, 0.3, 0.3])
    filled = fill_gaps(make_motion(points, head_rotation=roll))
    assert filled.head_rotation is not None
    assert np.allclose(filled.head_rotation, [0.0, 0.1, 0.2, 0.3, 0.3])


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fill mode"):
        fill_gap_series(np.arange(3.0), np.zeros((3, 1)), np.array([True, False, True]), "cubic")
