"""Random thin-plate-spline warps for the equivariance losses (FOMM paper sec. 3.4, eq. 10-11).

A keypoint detector is equivariant when the keypoints it finds on a warped frame, mapped back by the
warp, land on the keypoints of the original frame, and the jacobians compose the same way.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from studio.engine.fomm.modules.grid import make_coordinate_grid


class RandomTps:
    """A random affine + thin-plate-spline warp per batch item, in grid coordinates (x first, [-1, 1]).

    theta: B x 2 x 3 affine near the identity (std sigma_affine); control_params: B x 1 x P^2 spline
    weights (std sigma_tps) on a P x P grid of control points. Drawn from torch's global generator.
    """

    def __init__(self, batch: int, sigma_affine: float, sigma_tps: float, points_tps: int,
                 device: torch.device | str = "cpu"):
        noise = torch.randn(batch, 2, 3) * sigma_affine
        self.theta = (noise + torch.eye(2, 3).view(1, 2, 3)).to(device)
        self.control_points = make_coordinate_grid(points_tps, points_tps, noise).view(1, -1, 2).to(device)
        self.control_params = (torch.randn(batch, 1, points_tps**2) * sigma_tps).to(device)
        self.batch = batch

    def warp_coordinates(self, coordinates: torch.Tensor) -> torch.Tensor:
        """B x N x 2 points -> their images under the warp: A z + b + sum_i w_i r_i^2 log r_i (L1 radius)."""
        theta = self.theta.to(coordinates.dtype).unsqueeze(1)
        moved = torch.matmul(theta[:, :, :, :2], coordinates.unsqueeze(-1)) + theta[:, :, :, 2:]
        moved = moved.squeeze(-1)
        control = self.control_points.to(coordinates.dtype)
        distances = (coordinates.view(coordinates.shape[0], -1, 1, 2) - control.view(1, 1, -1, 2)).abs().sum(-1)
        spline = distances**2 * torch.log(distances + 1e-6) * self.control_params.to(coordinates.dtype)
        return moved + spline.sum(dim=2).view(self.batch, coordinates.shape[1], 1)

    def transform_frame(self, frame: torch.Tensor) -> torch.Tensor:
        """B x C x H x W frames resampled through the warp (reflection at the borders; the grid puts -1 and 1
        at the outer pixel centres, hence align_corners=True)."""
        height, width = frame.shape[2:]
        grid = make_coordinate_grid(height, width, frame).view(1, height * width, 2).expand(self.batch, -1, -1)
        grid = self.warp_coordinates(grid).view(self.batch, height, width, 2)
        return F.grid_sample(frame, grid, padding_mode="reflection", align_corners=True)

    def jacobian(self, coordinates: torch.Tensor) -> torch.Tensor:
        """B x N x 2 x 2 derivative of the warp at ``coordinates`` (which must be part of an autograd graph)."""
        if not coordinates.requires_grad:
            coordinates = coordinates.detach().requires_grad_(True)
        moved = self.warp_coordinates(coordinates)
        grad_x = torch.autograd.grad(moved[..., 0].sum(), coordinates, create_graph=True)[0]
        grad_y = torch.autograd.grad(moved[..., 1].sum(), coordinates, create_graph=True)[0]
        return torch.stack([grad_x, grad_y], dim=-2)
