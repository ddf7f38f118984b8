"""The dense motion network: from sparse keypoint motions to a dense flow and an occlusion map."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import AntiAliasInterpolation2d, Hourglass
from .grid import kp2gaussian, make_coordinate_grid


def sparse_motions(identity: torch.Tensor, kp_driving: dict[str, torch.Tensor],
                   kp_source: dict[str, torch.Tensor]) -> torch.Tensor:
    """Per-keypoint backward flows T_{S<-D}(z) = s_k + J_s J_d^-1 (z - d_k) (paper eq. 4), background first.

    identity: h x w x 2 grid; kp values B x K x 2, jacobians B x K x 2 x 2; returns B x (K+1) x h x w x 2.
    (``inv_ex`` is ``inverse`` without the singularity check, which would make a GPU wait.)
    """
    b, k = kp_source["value"].shape[:2]
    h, w = identity.shape[:2]
    offsets = identity.view(1, 1, h, w, 2) - kp_driving["value"].view(b, k, 1, 1, 2)
    if "jacobian" in kp_driving:
        jacobian = torch.matmul(kp_source["jacobian"], torch.linalg.inv_ex(kp_driving["jacobian"])[0])
        offsets = torch.einsum("bkij,bkhwj->bkhwi", jacobian, offsets)
    motions = offsets + kp_source["value"].view(b, k, 1, 1, 2)
    return torch.cat([identity.view(1, 1, h, w, 2).expand(b, 1, h, w, 2), motions], dim=1)


class DenseMotionNetwork(nn.Module):
    """Predicts masks M_k that blend the sparse motions into one dense flow, and an occlusion map (sec. 3.2).

    forward(source_image B x C x H x W in [0, 1], kp_driving, kp_source) returns "deformation"
    (B x h x w x 2, grid_sample coordinates), "mask", "sparse_deformed" and "occlusion_map" (B x 1 x h x w).
    """

    def __init__(self, block_expansion: int, num_blocks: int, max_features: int, num_kp: int,
                 num_channels: int, estimate_occlusion_map: bool, scale_factor: float, kp_variance: float):
        super().__init__()
        self.hourglass = Hourglass(block_expansion=block_expansion, in_features=(num_kp + 1) * (num_channels + 1),
                                   max_features=max_features, num_blocks=num_blocks)
        self.mask = nn.Conv2d(self.hourglass.out_filters, num_kp + 1, kernel_size=(7, 7), padding=(3, 3))
        self.occlusion: nn.Conv2d | None = None
        if estimate_occlusion_map:
            self.occlusion = nn.Conv2d(self.hourglass.out_filters, 1, kernel_size=(7, 7), padding=(3, 3))
        self.num_kp = num_kp
        self.scale_factor = scale_factor
        self.kp_variance = kp_variance
        if scale_factor != 1:
            self.down = AntiAliasInterpolation2d(num_channels, scale_factor)

    def downsample(self, source_image: torch.Tensor) -> torch.Tensor:
        """The source at the network's working resolution."""
        return self.down(source_image) if self.scale_factor != 1 else source_image

    def heatmap_representation(self, h: int, w: int, kp_driving: dict[str, torch.Tensor],
                               kp_source: dict[str, torch.Tensor]) -> torch.Tensor:
        """H_k(z) = G(z; d_k) - G(z; s_k) (paper eq. 6), zeros for the background: B x (K+1) x 1 x h x w."""
        heatmap = (kp2gaussian(kp_driving["value"], h, w, self.kp_variance)
                   - kp2gaussian(kp_source["value"], h, w, self.kp_variance))
        zeros = heatmap.new_zeros(heatmap.shape[0], 1, h, w)
        return torch.cat([zeros, heatmap], dim=1).unsqueeze(2)

    def deformed_sources(self, small: torch.Tensor, motions: torch.Tensor) -> torch.Tensor:
        """The source warped by each sparse motion (paper eq. 7 input): B x (K+1) x C x h x w."""
        b, c, h, w = small.shape
        n = motions.shape[1]
        repeated = small.unsqueeze(1).expand(b, n, c, h, w).reshape(b * n, c, h, w)
        warped = F.grid_sample(repeated, motions.reshape(b * n, h, w, 2), mode="bilinear",
                               padding_mode="zeros", align_corners=False)
        return warped.view(b, n, c, h, w)

    def predict(self, heatmap: torch.Tensor, deformed: torch.Tensor, motions: torch.Tensor
                ) -> dict[str, torch.Tensor]:
        """Run the hourglass on [H_k, S(T_k)] and blend the motions with the softmax masks."""
        b, h, w = deformed.shape[0], deformed.shape[3], deformed.shape[4]
        prediction = self.hourglass(torch.cat([heatmap, deformed], dim=2).view(b, -1, h, w))
        mask = F.softmax(self.mask(prediction), dim=1)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)
        out = {"mask": mask, "deformation": deformation, "sparse_deformed": deformed}
        if self.occlusion is not None:
            out["occlusion_map"] = torch.sigmoid(self.occlusion(prediction))
        return out

    def forward(self, source_image: torch.Tensor, kp_driving: dict[str, torch.Tensor],
                kp_source: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """Dense backward flow from driving to source and the occlusion map, at the working resolution."""
        small = self.downsample(source_image)
        h, w = small.shape[2:]
        heatmap = self.heatmap_representation(h, w, kp_driving, kp_source)
        motions = sparse_motions(make_coordinate_grid(h, w, small), kp_driving, kp_source)
        return self.predict(heatmap, self.deformed_sources(small, motions), motions)
