"""The keypoint detector: an hourglass predicting K heat maps, their soft-argmax and local jacobians."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import AntiAliasInterpolation2d, Hourglass
from .grid import make_coordinate_grid


class KPDetector(nn.Module):
    """Finds K keypoints and the jacobian of the motion near each (paper sec. 3.1).

    forward(x): x is B x num_channels x H x W in [0, 1]; returns {"value": B x K x 2 (x first, [-1, 1])}
    plus "jacobian": B x K x 2 x 2 when estimate_jacobian.
    """

    def __init__(self, block_expansion: int, num_kp: int, num_channels: int, max_features: int,
                 num_blocks: int, temperature: float, estimate_jacobian: bool, scale_factor: float,
                 single_jacobian_map: bool, pad: int):
        super().__init__()
        self.predictor = Hourglass(block_expansion, in_features=num_channels, max_features=max_features,
                                   num_blocks=num_blocks)
        self.kp = nn.Conv2d(self.predictor.out_filters, num_kp, kernel_size=(7, 7), padding=pad)
        self.num_jacobian_maps = 1 if single_jacobian_map else num_kp
        self.jacobian: nn.Conv2d | None = None
        if estimate_jacobian:
            self.jacobian = nn.Conv2d(self.predictor.out_filters, 4 * self.num_jacobian_maps,
                                      kernel_size=(7, 7), padding=pad)
            with torch.no_grad():
                self.jacobian.weight.zero_()
                self.jacobian.bias.copy_(torch.tensor([1.0, 0.0, 0.0, 1.0] * self.num_jacobian_maps))
        self.temperature = temperature
        self.scale_factor = scale_factor
        if scale_factor != 1:
            self.down = AntiAliasInterpolation2d(num_channels, scale_factor)

    def heatmaps(self, feature_map: torch.Tensor) -> torch.Tensor:
        """Spatial softmax of the keypoint logits at ``temperature``: B x K x h x w, each map sums to 1."""
        logits = self.kp(feature_map)
        b, k, h, w = logits.shape
        return F.softmax(logits.view(b, k, -1) / self.temperature, dim=2).view(b, k, h, w)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Image -> keypoints (expected grid position under each heat map) and jacobians."""
        if self.scale_factor != 1:
            x = self.down(x)
        feature_map = self.predictor(x)
        heatmap = self.heatmaps(feature_map)
        b, k, h, w = heatmap.shape
        grid = make_coordinate_grid(h, w, heatmap)
        out = {"value": (heatmap.unsqueeze(-1) * grid.view(1, 1, h, w, 2)).sum(dim=(2, 3))}
        if self.jacobian is not None:
            maps = self.jacobian(feature_map).reshape(b, self.num_jacobian_maps, 4, h, w)
            jacobian = (heatmap.unsqueeze(2) * maps).view(b, k, 4, -1).sum(dim=-1)
            out["jacobian"] = jacobian.view(b, k, 2, 2)
        return out
