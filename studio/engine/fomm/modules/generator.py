"""The occlusion-aware generator: encode the source, warp its features, mask occlusions, decode."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import DownBlock2d, ResBlock2d, SameBlock2d, UpBlock2d
from .dense_motion import DenseMotionNetwork


def deform_input(inp: torch.Tensor, deformation: torch.Tensor) -> torch.Tensor:
    """Backward-warp ``inp`` (B x C x H x W) by a flow (B x h x w x 2), resized bilinearly to H x W first."""
    h, w = inp.shape[2:]
    if deformation.shape[1:3] != (h, w):
        deformation = F.interpolate(deformation.permute(0, 3, 1, 2), size=(h, w), mode="bilinear",
                                    align_corners=False).permute(0, 2, 3, 1)
    return F.grid_sample(inp, deformation, mode="bilinear", padding_mode="zeros", align_corners=False)


class OcclusionAwareGenerator(nn.Module):
    """Source image + keypoints -> the source moved to the driving pose (paper sec. 3.2-3.3).

    forward(source_image B x C x H x W in [0, 1], kp_driving, kp_source) -> {"prediction": B x C x H x W
    in [0, 1], "deformation", "occlusion_map", "mask", "sparse_deformed", "deformed"}.
    """

    def __init__(self, num_channels: int, num_kp: int, block_expansion: int, max_features: int,
                 num_down_blocks: int, num_bottleneck_blocks: int, estimate_occlusion_map: bool,
                 dense_motion_params: dict[str, Any] | None, estimate_jacobian: bool):
        super().__init__()
        self.dense_motion_network: DenseMotionNetwork | None = None
        if dense_motion_params is not None:
            self.dense_motion_network = DenseMotionNetwork(num_kp=num_kp, num_channels=num_channels,
                                                           estimate_occlusion_map=estimate_occlusion_map,
                                                           **dense_motion_params)
        self.first = SameBlock2d(num_channels, block_expansion, kernel_size=(7, 7), padding=(3, 3))
        width = [min(max_features, block_expansion * (2**i)) for i in range(num_down_blocks + 1)]
        self.down_blocks = nn.ModuleList(
            DownBlock2d(width[i], width[i + 1], kernel_size=(3, 3), padding=(1, 1)) for i in range(num_down_blocks)
        )
        self.up_blocks = nn.ModuleList(
            UpBlock2d(width[num_down_blocks - i], width[num_down_blocks - i - 1], kernel_size=(3, 3), padding=(1, 1))
            for i in range(num_down_blocks)
        )
        self.bottleneck = nn.Sequential()
        for i in range(num_bottleneck_blocks):
            self.bottleneck.add_module(f"r{i}", ResBlock2d(width[-1], kernel_size=(3, 3), padding=(1, 1)))
        self.final = nn.Conv2d(block_expansion, num_channels, kernel_size=(7, 7), padding=(3, 3))
        self.estimate_occlusion_map = estimate_occlusion_map
        self.num_channels = num_channels

    def encode(self, source_image: torch.Tensor) -> torch.Tensor:
        """Source features: first block then the down blocks."""
        out = self.first(source_image)
        for block in self.down_blocks:
            out = block(out)
        return out

    def decode(self, features: torch.Tensor) -> torch.Tensor:
        """Warped features -> image in [0, 1]: bottleneck, up blocks, final conv, sigmoid."""
        out = self.bottleneck(features)
        for block in self.up_blocks:
            out = block(out)
        return torch.sigmoid(self.final(out))

    def forward(self, source_image: torch.Tensor, kp_driving: dict[str, torch.Tensor],
                kp_source: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """The full per-frame computation of the released model."""
        out = self.encode(source_image)
        result: dict[str, torch.Tensor] = {}
        if self.dense_motion_network is not None:
            motion = self.dense_motion_network(source_image=source_image, kp_driving=kp_driving,
                                               kp_source=kp_source)
            result.update(motion)
            out = deform_input(out, motion["deformation"])
            occlusion = motion.get("occlusion_map")
            if occlusion is not None:
                if occlusion.shape[2:] != out.shape[2:]:
                    occlusion = F.interpolate(occlusion, size=out.shape[2:], mode="bilinear", align_corners=False)
                out = out * occlusion
            result["deformed"] = deform_input(source_image, motion["deformation"])
        result["prediction"] = self.decode(out)
        return result
