"""Relative and absolute motion transfer, the movement-scale rule and the best-frame search."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.core.errors import CancelledError, UserError
from studio.engine.contract import Motion
from studio.engine.fomm.transfer import find_best_frame, hull_area, movement_scale, normalize_kp

SQUARE = np.array([[0, 0], [2, 0], [2, 2], [0, 2], [1, 1]], np.float32)  # hull area 4 (centre point inside)


def motion(positions: np.ndarray, jacobians: np.ndarray | None = None) -> Motion:
    positions = np.asarray(positions, np.float32)
    if jacobians is None:
        jacobians = np.repeat(np.eye(2, dtype=np.float32)[None], len(positions), axis=0)
    return Motion(positions=positions, jacobians=np.asarray(jacobians, np.float32))


def rotation(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]], np.float32)


def test_hull_area() -> None:
    assert hull_area(SQUARE) == pytest.approx(4.0)
    assert hull_area(np.array([[0, 0], [1, 1], [2, 2], [3, 3]])) == 0.0
    assert hull_area(np.array([[0, 0], [4, 0], [0, 3]])) == pytest.approx(6.0)


def test_movement_scale_is_ratio_of_square_roots_of_hull_areas() -> None:
    source, driving = motion(SQUARE * 3), motion(SQUARE)
    assert movement_scale(source, driving) == pytest.approx(3.0)
    assert movement_scale(motion(SQUARE), motion(SQUARE[:2])) == 1.0


def test_relative_mode_moves_source_by_scaled_displacement() -> None:
    source = motion(SQUARE * 3 + 10)
    initial = motion(SQUARE)
    driving = motion(SQUARE + np.array([0.5, -0.25], np.float32))
    out = normalize_kp(source, driving, initial, relative=True, adapt_scale=True)
    np.testing.assert_allclose(out.positions, SQUARE * 3 + 10 + np.array([1.5, -0.75]), atol=1e-5)
    plain = normalize_kp(source, driving, initial, relative=True, adapt_scale=False)
    np.testing.assert_allclose(plain.positions, SQUARE * 3 + 10 + np.array([0.5, -0.25]), atol=1e-5)


def test_relative_jacobian_is_driving_times_inverse_initial_times_source() -> None:
    n = len(SQUARE)
    js = np.repeat((rotation(0.3) * 1.5)[None], n, axis=0)
    j0 = np.repeat(rotation(0.1)[None], n, axis=0)
    jd = np.repeat(rotation(0.6)[None], n, axis=0)
    out = normalize_kp(motion(SQUARE, js), motion(SQUARE, jd), motion(SQUARE, j0), relative=True)
    np.testing.assert_allclose(out.jacobians, np.repeat((rotation(0.8) * 1.5)[None], n, axis=0), atol=1e-5)
    same = normalize_kp(motion(SQUARE, js), motion(SQUARE, j0), motion(SQUARE, j0), relative=True)
    np.testing.assert_allclose(same.jacobians, js, atol=1e-5)
    np.testing.assert_allclose(same.positions, SQUARE, atol=1e-6)


def test_absolute_mode_uses_driving_keypoints_as_they_are() -> None:
    driving = motion(SQUARE + 5, np.repeat(rotation(0.2)[None], len(SQUARE), axis=0))
    out = normalize_kp(motion(SQUARE * 3), driving, motion(SQUARE), relative=False, adapt_scale=True)
    np.testing.assert_array_equal(out.positions, driving.positions)
    np.testing.assert_array_equal(out.jacobians, driving.jacobians)


FACE = np.array([[0, 0], [4, 0], [4, 6], [0, 6], [2, 3]], np.float32)


def _frame(value: int) -> np.ndarray:
    return np.full((8, 8, 3), value, np.uint8)


def test_best_frame_is_the_most_similar_normalised_face() -> None:
    # frames tagged by their first pixel: 1 squashed face, 2 the source face moved and scaled, 3 no face, 4 skewed
    shapes = {0: FACE, 1: FACE * np.array([1, 0.5], np.float32), 2: FACE * 2.5 + 40, 4: FACE + FACE[:, ::-1]}

    def landmarks(image: np.ndarray) -> np.ndarray | None:
        return shapes.get(int(image[0, 0, 0]))

    seen: list[tuple[int, int]] = []
    frames = [_frame(1), _frame(2), _frame(3), _frame(4)]
    best = find_best_frame(_frame(0), frames, landmarks=landmarks, progress=lambda d, t: seen.append((d, t)))
    assert best == 1
    assert seen[-1] == (4, 4)
    with pytest.raises(UserError, match="no face found in the source image"):
        find_best_frame(_frame(3), frames, landmarks=landmarks)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        find_best_frame(_frame(0), frames, landmarks=landmarks, cancel=cancel)
