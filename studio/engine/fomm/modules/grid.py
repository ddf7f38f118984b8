"""Coordinate grids and keypoint heat maps shared by the detector and the dense motion network."""

from __future__ import annotations

import torch


def make_coordinate_grid(height: int, width: int, like: torch.Tensor) -> torch.Tensor:
    """An H x W x 2 grid of (x, y) in [-1, 1], -1 and 1 at the first and last pixel centres.

    Dtype and device follow ``like``. This is the grid the released models were trained with.
    """
    xs = torch.arange(width, dtype=like.dtype, device=like.device)
    ys = torch.arange(height, dtype=like.dtype, device=like.device)
    xs = 2 * (xs / (width - 1)) - 1
    ys = 2 * (ys / (height - 1)) - 1
    return torch.stack([xs.view(1, -1).expand(height, width), ys.view(-1, 1).expand(height, width)], dim=2)


def kp2gaussian(value: torch.Tensor, height: int, width: int, kp_variance: float) -> torch.Tensor:
    """Gaussian heat maps exp(-|z - kp|^2 / (2 var)) around keypoints (paper eq. 6 terms).

    value: B x K x 2 (x first, in [-1, 1]); returns B x K x H x W.
    """
    grid = make_coordinate_grid(height, width, value)
    diff = grid.view(1, 1, height, width, 2) - value.view(*value.shape[:2], 1, 1, 2)
    return torch.exp(-0.5 * (diff**2).sum(-1) / kp_variance)
