"""Discriminators for the adversarial losses: the FOMM multi-scale patch discriminator and a
spatio-temporal (3D-convolution) discriminator over short clips, as in the ST-GAN variant.

State-dict names of the patch discriminator follow the original code (``discs.1.down_blocks.0.conv``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def scale_key(scale: float) -> str:
    """The ModuleDict key of a pyramid scale, as the original code writes it ("0.5" -> "0-5")."""
    return str(scale).replace(".", "-")


class PatchBlock(nn.Module):
    """Conv (4x4, no padding, optional spectral norm), optional instance norm, leaky ReLU, optional 2x2 pool."""

    def __init__(self, in_features: int, out_features: int, norm: bool, pool: bool, sn: bool):
        super().__init__()
        conv = nn.Conv2d(in_features, out_features, kernel_size=4)
        self.conv = nn.utils.spectral_norm(conv) if sn else conv
        self.norm = nn.InstanceNorm2d(out_features, affine=True) if norm else None
        self.pool = pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """B x Cin x H x W -> B x Cout x (H-3)[/2] x (W-3)[/2]."""
        out = self.conv(x)
        if self.norm is not None:
            out = self.norm(out)
        out = F.leaky_relu(out, 0.2)
        return F.avg_pool2d(out, (2, 2)) if self.pool else out


class PatchDiscriminator(nn.Module):
    """Pix2pix-style patch discriminator: feature maps of every block and a 1-channel realness map."""

    def __init__(self, num_channels: int = 3, block_expansion: int = 64, num_blocks: int = 4,
                 max_features: int = 512, sn: bool = False):
        super().__init__()
        width = [num_channels] + [min(max_features, block_expansion * 2 ** (i + 1)) for i in range(num_blocks)]
        self.down_blocks = nn.ModuleList(
            PatchBlock(width[i], width[i + 1], norm=i != 0, pool=i != num_blocks - 1, sn=sn)
            for i in range(num_blocks)
        )
        conv = nn.Conv2d(width[-1], 1, kernel_size=1)
        self.conv = nn.utils.spectral_norm(conv) if sn else conv

    def forward(self, x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        """B x C x H x W in [0, 1] -> (feature maps, B x 1 x h x w prediction map)."""
        maps = []
        out = x
        for block in self.down_blocks:
            out = block(out)
            maps.append(out)
        return maps, self.conv(out)


class MultiScaleDiscriminator(nn.Module):
    """One patch discriminator per pyramid scale; takes the pyramid dict {"prediction_<scale>": image}."""

    def __init__(self, scales: tuple[float, ...], **kwargs: object):
        super().__init__()
        self.scales = tuple(scales)
        self.discs = nn.ModuleDict({scale_key(s): PatchDiscriminator(**kwargs) for s in self.scales})

    def forward(self, pyramid: dict[str, torch.Tensor]) -> dict[str, object]:
        """{"feature_maps_<scale>": [...], "prediction_map_<scale>": tensor} for every scale."""
        out: dict[str, object] = {}
        for scale in self.scales:
            maps, prediction = self.discs[scale_key(scale)](pyramid[f"prediction_{scale}"])
            out[f"feature_maps_{scale}"] = maps
            out[f"prediction_map_{scale}"] = prediction
        return out


class SpatioTemporalDiscriminator(nn.Module):
    """3D-convolution discriminator over clips B x C x T x H x W: judges motion as well as appearance.

    The first block convolves over time (kernel min(T, 3)); later blocks are spatial only.
    """

    def __init__(self, clip_length: int, num_channels: int = 3, block_expansion: int = 32, num_blocks: int = 4,
                 max_features: int = 512, sn: bool = False):
        super().__init__()
        width = [num_channels] + [min(max_features, block_expansion * 2 ** (i + 1)) for i in range(num_blocks)]
        blocks = []
        for i in range(num_blocks):
            time = min(clip_length, 3) if i == 0 else 1
            conv = nn.Conv3d(width[i], width[i + 1], kernel_size=(time, 4, 4))
            blocks.append(nn.utils.spectral_norm(conv) if sn else conv)
        self.blocks = nn.ModuleList(blocks)
        conv = nn.Conv3d(width[-1], 1, kernel_size=1)
        self.conv = nn.utils.spectral_norm(conv) if sn else conv

    def forward(self, clip: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        """B x C x T x H x W in [0, 1] -> (feature maps, prediction map)."""
        maps = []
        out = clip
        for index, block in enumerate(self.blocks):
            out = F.leaky_relu(block(out), 0.2)
            if index != len(self.blocks) - 1:
                out = F.avg_pool3d(out, (1, 2, 2))
            maps.append(out)
        return maps, self.conv(out)
