"""Sample grids and loss curves."""

from __future__ import annotations

import cv2
import numpy as np

from studio.training.plots import motion_panel, sample_grid, save_curves, to_pixels


def test_sample_grid_has_four_panels_per_row_and_takes_strided_frames():
    planar = np.random.default_rng(0).integers(0, 255, (2, 3, 32, 32), dtype=np.uint8)
    frames = planar.transpose(0, 2, 3, 1)
    assert not frames[0].flags.c_contiguous
    kp = np.array([[[-1.0, -1.0], [1.0, 1.0]]] * 2, np.float32)
    grid = sample_grid(frames, frames, frames, kp, kp * 0.5, min_side=32)
    assert grid.shape == (64, 128, 3)
    assert np.array_equal(grid[:32, 64:96], frames[0])
    large = sample_grid(frames, frames, frames, kp, kp, min_side=80)
    assert large.shape == (2 * 96, 4 * 96, 3)
    assert np.array_equal(large[:96:3, 192:288:3], frames[0])
    assert to_pixels(np.array([[-1.0, 1.0]]), 32).tolist() == [[0.0, 31.0]]
    panel = motion_panel(frames[0], kp[0], kp[0] * 0.5)
    assert panel.shape == (32, 32, 3)


def test_loss_curves_are_saved_as_png(tmp_path):
    path = tmp_path / "plots" / "loss.png"
    save_curves(path, {"reconstruction": ([1, 2, 3], [3.0, 2.0, 1.0]), "held-out l1": ([3], [0.2])}, "losses")
    image = cv2.imread(str(path))
    assert image is not None and image.shape[0] > 100
