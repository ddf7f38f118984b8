"""The training losses of the first-order motion model, each a plain function of tensors.

Images are B x 3 x H x W in [0, 1]; keypoints are dicts {"value": B x K x 2, "jacobian": B x K x 2 x 2}
in grid coordinates (x first, [-1, 1]).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from studio.engine.fomm.modules.blocks import AntiAliasInterpolation2d
from studio.engine.fomm.modules.grid import make_coordinate_grid

from .discriminator import scale_key
from .equivariance import RandomTps


class ImagePyramid(nn.Module):
    """Anti-aliased copies of an image at several scales: {"prediction_<scale>": B x C x sH x sW}."""

    def __init__(self, scales: tuple[float, ...], num_channels: int = 3):
        super().__init__()
        self.scales = tuple(scales)
        self.downs = nn.ModuleDict({scale_key(s): AntiAliasInterpolation2d(num_channels, s) for s in self.scales})

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """The image at every scale (scale 1 is the image itself)."""
        return {f"prediction_{s}": self.downs[scale_key(s)](x) for s in self.scales}


def pyramid_l1(real: dict[str, torch.Tensor], fake: dict[str, torch.Tensor], scales: tuple[float, ...],
               weights: tuple[float, ...]) -> torch.Tensor:
    """sum_s w_s mean|P_s(fake) - P_s(real)|: the multi-scale L1 reconstruction loss."""
    total = fake[f"prediction_{scales[0]}"].new_zeros(())
    for scale, weight in zip(scales, weights, strict=False):
        if weight:
            key = f"prediction_{scale}"
            total = total + weight * (fake[key] - real[key]).abs().mean()
    return total


def perceptual(vgg: nn.Module, real: dict[str, torch.Tensor], fake: dict[str, torch.Tensor],
               scales: tuple[float, ...], weights: tuple[float, ...]) -> torch.Tensor:
    """sum over scales and VGG19 layers i of w_i mean|VGG_i(fake) - VGG_i(real)| (Johnson et al.)."""
    total = fake[f"prediction_{scales[0]}"].new_zeros(())
    for scale in scales:
        key = f"prediction_{scale}"
        fake_maps = vgg(fake[key])
        with torch.no_grad():
            real_maps = vgg(real[key])
        for weight, a, b in zip(weights, fake_maps, real_maps, strict=False):
            if weight:
                total = total + weight * (a - b).abs().mean()
    return total


def generator_gan(fake_maps: dict[str, object], scales: tuple[float, ...]) -> torch.Tensor:
    """Least-squares GAN loss of the generator: sum_s mean (1 - D_s(fake))^2."""
    return sum(((1 - fake_maps[f"prediction_map_{s}"]) ** 2).mean() for s in scales)


def discriminator_gan(real_maps: dict[str, object], fake_maps: dict[str, object],
                      scales: tuple[float, ...]) -> torch.Tensor:
    """Least-squares GAN loss of the discriminator: sum_s mean (1 - D_s(real))^2 + D_s(fake)^2."""
    return sum(((1 - real_maps[f"prediction_map_{s}"]) ** 2 + fake_maps[f"prediction_map_{s}"] ** 2).mean()
               for s in scales)


def feature_matching(real_maps: dict[str, object], fake_maps: dict[str, object], scales: tuple[float, ...],
                     weights: tuple[float, ...]) -> torch.Tensor:
    """sum over scales and discriminator blocks i of w_i mean|F_i(real) - F_i(fake)| (real maps detached)."""
    terms = []
    for scale in scales:
        real, fake = real_maps[f"feature_maps_{scale}"], fake_maps[f"feature_maps_{scale}"]
        for weight, a, b in zip(weights, real, fake, strict=False):
            if weight:
                terms.append(weight * (a.detach() - b).abs().mean())
    return torch.stack(terms).sum()


Detector = Callable[[torch.Tensor], dict[str, torch.Tensor]]


def equivariance(kp_detector: Detector, frames: torch.Tensor, kp: dict[str, torch.Tensor],
                 transform: RandomTps) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(value, jacobian) equivariance errors under a random warp T (paper eq. 10-11):
    mean|kp(X) - T(kp(T^-1 X))| and mean|I - J(X)^-1 dT J(T^-1 X)|; jacobian is None without jacobians."""
    warped = transform.transform_frame(frames)
    kp_warped = kp_detector(warped)
    value = (kp["value"] - transform.warp_coordinates(kp_warped["value"])).abs().mean()
    if "jacobian" not in kp:
        return value, None
    composed = torch.matmul(transform.jacobian(kp_warped["value"]), kp_warped["jacobian"])
    product = torch.matmul(torch.inverse(kp["jacobian"].float()), composed.float())
    eye = torch.eye(2, device=product.device).view(1, 1, 2, 2)
    return value, (eye - product).abs().mean()


def motion_consistency(deformation: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
    """How far the generated motion disagrees with the optical flow of the driving frames.

    deformation: B x L x h x w x 2, the generator's backward flow (driving pixel -> source position)
    of L consecutive driving frames; flow: B x (L-1) x H x W x 2 Farneback flow in grid units with
    driving_t(z) ~ driving_t+1(z + flow_t(z)). The same physical point must come from the same source
    position: loss = mean over valid z of |D_t+1(z + flow_t(z)) - D_t(z)|.
    """
    b, length, h, w, _ = deformation.shape
    if flow.shape[2:4] != (h, w):
        flow = F.interpolate(flow.flatten(0, 1).permute(0, 3, 1, 2), size=(h, w), mode="bilinear",
                             align_corners=True).permute(0, 2, 3, 1).view(b, length - 1, h, w, 2)
    identity = make_coordinate_grid(h, w, deformation)
    terms = []
    for t in range(length - 1):
        target = identity.unsqueeze(0) + flow[:, t].to(deformation.dtype)
        following = deformation[:, t + 1].permute(0, 3, 1, 2)
        sampled = F.grid_sample(following, target, mode="bilinear", padding_mode="border", align_corners=True)
        valid = (target.abs() <= 1).all(dim=-1).unsqueeze(1).to(deformation.dtype)
        error = (sampled - deformation[:, t].permute(0, 3, 1, 2)).abs() * valid
        terms.append(error.sum() / (2 * valid.sum()).clamp(min=1))
    return torch.stack(terms).mean()
