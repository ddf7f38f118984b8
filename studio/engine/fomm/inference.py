"""A faster, numerically equivalent evaluation of loaded FOMM modules for many frames of one source.

What depends only on the source (its features, its keypoints, its downsampled copy, the identity grid,
its keypoint heat maps) is computed once; batch norms are folded into the convolutions; each
"nearest 2x upsample + 3x3 conv" is evaluated as four 2x2 convolutions at the low resolution
(2.25x fewer multiply-adds), and the final conv runs on those four phase maps instead of the 2x map. All of
this is exact up to float rounding. Keypoint geometry (sparse motions,
heat maps, the blended flow) stays float32 under a CUDA float16 autocast.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.profiler import record_function

from . import winograd
from .modules.blocks import DownBlock2d, Hourglass, ResBlock2d, SameBlock2d, UpBlock2d
from .modules.dense_motion import DenseMotionNetwork, sparse_motions
from .modules.generator import OcclusionAwareGenerator, deform_input
from .modules.grid import kp2gaussian, make_coordinate_grid
from .winograd import Winograd3x3

Keypoints = dict[str, torch.Tensor]

# Rows of a 3-tap kernel that land on the two low-resolution taps, for output phase 0 and phase 1.
_PHASE_TAPS = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]], [[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])


def _bn_scale_shift(norm: nn.BatchNorm2d) -> tuple[torch.Tensor, torch.Tensor]:
    """Eval-mode batch norm as y = x * scale + shift, per channel."""
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
    return scale, norm.bias - norm.running_mean * scale


# oneDNN's direct kernels are slow on very deep convs of tiny maps (the dense motion hourglass's 2048-channel
# 8x8 level: 2.2x slower than the matrix product of its weights and the unfolded input, measured).
MATRIX_MIN_DEPTH = 8192
MATRIX_MAX_PIXELS = 64


class _Conv:
    """A convolution with any following batch norm folded in: y = conv(x, weight) + bias."""

    def __init__(self, conv: nn.Conv2d, norm: nn.BatchNorm2d | None = None):
        weight, bias = conv.weight.detach(), conv.bias.detach()
        if norm is not None:
            scale, shift = _bn_scale_shift(norm)
            weight = weight * scale.view(-1, 1, 1, 1)
            bias = bias * scale + shift
        self.weight, self.bias = weight.contiguous(), bias.contiguous()
        self.padding, self.groups = conv.padding, conv.groups
        fast = winograd.fits(weight, conv.padding, conv.groups)
        self.winograd = Winograd3x3(self.weight, self.bias) if fast else None
        self.kernel_size = conv.kernel_size
        deep = conv.groups == 1 and self.weight[0].numel() >= MATRIX_MIN_DEPTH
        self.matrix = self.weight.view(self.weight.shape[0], -1) if deep else None

    def _as_matrix_product(self, x: torch.Tensor) -> torch.Tensor:
        """The conv as one matrix product of the weights and the unfolded input (one image)."""
        columns = F.unfold(x, self.kernel_size, padding=self.padding)[0]
        h = x.shape[2] + 2 * self.padding[0] - self.kernel_size[0] + 1
        w = x.shape[3] + 2 * self.padding[1] - self.kernel_size[1] + 1
        return torch.addmm(self.bias.view(-1, 1), self.matrix, columns).view(1, -1, h, w)

    def __call__(self, x: torch.Tensor, relu: bool = False, residual: torch.Tensor | None = None,
                 pre: winograd.Affine | None = None) -> torch.Tensor:
        """conv(x) + bias, then ``+ residual``, then ReLU when asked; with ``pre`` = (scale, shift) (1 x C x 1 x 1),
        of max(x * scale + shift, 0) instead of x."""
        if self.winograd is not None and self.winograd.applies(x):
            return self.winograd(x, relu=relu, residual=residual, pre=pre)
        if pre is not None:
            x = winograd.activated(x, pre)
        if (self.matrix is not None and x.shape[0] == 1 and x.shape[2] * x.shape[3] <= MATRIX_MAX_PIXELS
                and x.device.type == "cpu" and x.dtype == self.matrix.dtype):
            out = self._as_matrix_product(x)
        else:
            out = F.conv2d(x, self.weight, self.bias, padding=self.padding, groups=self.groups)
        if residual is not None:
            out = out.add_(residual)
        return out.relu_() if relu else out


def _interleave(phases: torch.Tensor) -> torch.Tensor:
    """B x 4C x H x W phase maps (phase (a, b) is block 2a+b) -> B x C x 2H x 2W, out[2i+a, 2j+b] = phase_ab[i, j]."""
    b, c4, h, w = phases.shape
    c = c4 // 4
    return phases.view(b, 2, 2, c, h, w).permute(0, 3, 4, 1, 5, 2).reshape(b, c, 2 * h, 2 * w)


class _SubpixelUp:
    """Nearest 2x upsampling followed by a 3x3 conv (padding 1) and its batch norm, without upsampling.

    Output pixel (2i+a, 2j+b) only sees input rows {i-1, i} (a=0) or {i, i+1} (a=1), and likewise for
    columns, so the 3x3 kernel collapses to one 2x2 kernel per phase (a, b).
    """

    def __init__(self, block: UpBlock2d):
        fused = _Conv(block.conv, block.norm)
        taps = _PHASE_TAPS.to(fused.weight)
        phases = [torch.einsum("pi,ocij,qj->ocpq", taps[a], fused.weight, taps[b]) for a in (0, 1) for b in (0, 1)]
        self.out_channels = fused.weight.shape[0]
        self.weight = torch.cat(phases, dim=0).contiguous()
        self.bias = fused.bias.repeat(4).contiguous()

    def phases(self, x: torch.Tensor) -> torch.Tensor:
        """The block's output as its four phase maps: B x 4*Cout x H x W (phase (a, b) is block 2a+b)."""
        h, w = x.shape[2:]
        o = self.out_channels
        out = F.conv2d(x, self.weight, self.bias, padding=1)  # (H+1) x (W+1): every phase's taps
        crops = [out[:, (2 * a + c) * o:(2 * a + c + 1) * o, a:a + h, c:c + w] for a in (0, 1) for c in (0, 1)]
        return torch.cat(crops, dim=1).relu_()

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return _interleave(self.phases(x))


class _PhaseFinal:
    """The last up block and the final conv together, on the up block's four phase maps.

    A k x k conv (padding k//2) of the interleaved 2x map equals, per output phase, a conv of the stacked
    phase maps, so the 2x map with all its channels is never built. Output phase a reads phase-map rows
    i + r for r in a window of k//2 + 1 rows whose start depends on a: one conv with that window as its
    kernel, cropped per phase, computes all four (as the up block's phases are computed).
    """

    def __init__(self, block: UpBlock2d, final: nn.Conv2d):
        self.up = _SubpixelUp(block)
        weight = final.weight.detach()
        out_c, in_c, k = weight.shape[0], weight.shape[1], weight.shape[2]
        pad = k // 2
        size = pad + 1
        self.starts = (-((pad + 1) // 2), -(pad // 2))  # first row offset read by output phase 0 and phase 1
        phase_weight = weight.new_zeros(4 * out_c, 4 * in_c, size, size)
        for ao, bo, ai, bi in itertools.product((0, 1), repeat=4):
            for t, u in itertools.product(range(size), repeat=2):
                dy = 2 * (self.starts[ao] + t) + ai - ao
                dx = 2 * (self.starts[bo] + u) + bi - bo
                if abs(dy) <= pad and abs(dx) <= pad:
                    rows = slice((2 * ao + bo) * out_c, (2 * ao + bo + 1) * out_c)
                    cols = slice((2 * ai + bi) * in_c, (2 * ai + bi + 1) * in_c)
                    phase_weight[rows, cols, t, u] = weight[:, :, dy + pad, dx + pad]
        self.weight = phase_weight.contiguous()
        self.bias = final.bias.detach().repeat(4).contiguous()
        self.padding = max(max(-start, start + size - 1) for start in self.starts)
        self.out_channels = out_c

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Input of the last up block -> output of the final conv (before the sigmoid) at 2x."""
        h, w = x.shape[2:]
        o = self.out_channels
        out = F.conv2d(self.up.phases(x), self.weight, self.bias, padding=self.padding)
        first = [self.padding + start for start in self.starts]
        crops = [out[:, (2 * a + b) * o:(2 * a + b + 1) * o, first[a]:first[a] + h, first[b]:first[b] + w]
                 for a in (0, 1) for b in (0, 1)]
        return _interleave(torch.cat(crops, dim=1))


def _final_fits(final: nn.Conv2d) -> bool:
    """Whether the final conv is a plain odd square "same" conv the phase form handles."""
    k = final.kernel_size
    return (k[0] == k[1] and k[0] % 2 == 1 and final.padding == (k[0] // 2, k[0] // 2)
            and final.stride == (1, 1) and final.groups == 1 and final.dilation == (1, 1))


def _up(block: UpBlock2d) -> _SubpixelUp | None:
    """The fast form of an up block when its shape allows it."""
    conv = block.conv
    if (conv.kernel_size == (3, 3) and conv.padding == (1, 1) and conv.groups == 1 and conv.stride == (1, 1)
            and conv.dilation == (1, 1)):
        return _SubpixelUp(block)
    return None


# Below this many input pixels a conv is bound by reading its weights, which the sub-pixel form grows 16/9x.
SUBPIXEL_MIN_PIXELS = 64


class _UpBlock:
    """An up block: sub-pixel form on large inputs when the shape allows, else upsample then the folded conv."""

    def __init__(self, block: UpBlock2d):
        self.fast = _up(block)
        self.conv = _Conv(block.conv, block.norm)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.fast is not None and x.shape[2] * x.shape[3] >= SUBPIXEL_MIN_PIXELS:
            return self.fast(x)
        return self.conv(F.interpolate(x, scale_factor=2), relu=True)


class _DownBlock:
    """Folded conv, ReLU, 2x2 average pooling."""

    def __init__(self, block: DownBlock2d | SameBlock2d):
        self.conv = _Conv(block.conv, block.norm)
        self.pool = isinstance(block, DownBlock2d)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x, relu=True)
        return F.avg_pool2d(out, kernel_size=(2, 2)) if self.pool else out


class _ResBlock:
    """x + conv2(relu(conv1'(relu(norm1(x))))) with norm2 folded into conv1."""

    def __init__(self, block: ResBlock2d):
        self.scale, self.shift = (t.detach().view(1, -1, 1, 1) for t in _bn_scale_shift(block.norm1))
        self.conv1 = _Conv(block.conv1, block.norm2)
        self.conv2 = _Conv(block.conv2)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.conv1(x, relu=True, pre=(self.scale, self.shift)), residual=x)


class _Hourglass:
    """The hourglass with folded and sub-pixel blocks."""

    def __init__(self, net: Hourglass):
        self.down = [_DownBlock(b) for b in net.encoder.down_blocks]
        self.up = [_UpBlock(b) for b in net.decoder.up_blocks]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        skips = [x]
        for block in self.down:
            skips.append(block(skips[-1]))
        out = skips.pop()
        for block in self.up:
            out = torch.cat([block(out), skips.pop()], dim=1)
        return out


@dataclass
class SourceCache:
    """Everything about one source image that no driving pose changes.

    image: 1 x C x H x W in [0, 1]; features: encoder output; small: the source at the dense motion
    network's resolution; identity: its h x w x 2 grid; kp_source / source_gaussians: the keypoints
    last rendered from and their heat maps (1 x K x h x w), recomputed only when the keypoints change.
    """

    image: torch.Tensor
    features: torch.Tensor
    small: torch.Tensor
    identity: torch.Tensor
    kp_source: Keypoints | None = None
    source_gaussians: torch.Tensor | None = None


class FastFomm:
    """Per-source caching evaluation of an OcclusionAwareGenerator; frames equal its forward to float rounding."""

    def __init__(self, generator: OcclusionAwareGenerator):
        if generator.dense_motion_network is None:
            raise ValueError("a generator without a dense motion network has nothing to animate")
        self.motion: DenseMotionNetwork = generator.dense_motion_network
        self.first = _DownBlock(generator.first)
        self.down = [_DownBlock(b) for b in generator.down_blocks]
        self.bottleneck = [_ResBlock(b) for b in generator.bottleneck]
        self.up = [_UpBlock(b) for b in generator.up_blocks]
        self.final: _Conv | _PhaseFinal = _Conv(generator.final)
        if self.up and self.up[-1].fast is not None and _final_fits(generator.final):
            self.up.pop()
            self.final = _PhaseFinal(generator.up_blocks[-1], generator.final)
        self.hourglass = _Hourglass(self.motion.hourglass)
        # The mask and occlusion heads read the same features with the same kernel size: one conv for both.
        self.heads = _Conv(self.motion.mask)
        self.has_occlusion = self.motion.occlusion is not None
        if self.motion.occlusion is not None:
            occlusion = _Conv(self.motion.occlusion)
            self.heads.weight = torch.cat([self.heads.weight, occlusion.weight]).contiguous()
            self.heads.bias = torch.cat([self.heads.bias, occlusion.bias]).contiguous()

    def encode(self, image: torch.Tensor) -> SourceCache:
        """Compute the source-only state: 1 x C x H x W in [0, 1] -> SourceCache."""
        features = self.first(image)
        for block in self.down:
            features = block(features)
        small = self.motion.downsample(image)
        identity = make_coordinate_grid(small.shape[2], small.shape[3], small.float())
        return SourceCache(image=image, features=features, small=small, identity=identity)

    def _source_gaussians(self, cache: SourceCache, kp_source: Keypoints) -> torch.Tensor:
        """Heat maps of the source keypoints, reused while the keypoints stay the same.

        Only on the CPU: on a GPU comparing the keypoints would wait for the device, and the maps are cheap.
        """
        old = cache.kp_source
        same = cache.small.device.type == "cpu" and old is not None and old.keys() == kp_source.keys() and all(
            torch.equal(old[k], kp_source[k]) for k in kp_source)
        if not same or cache.source_gaussians is None:
            h, w = cache.small.shape[2:]
            cache.source_gaussians = kp2gaussian(kp_source["value"], h, w, self.motion.kp_variance)
            cache.kp_source = {k: v.clone() for k, v in kp_source.items()}
        return cache.source_gaussians

    def dense_motion(self, cache: SourceCache, kp_driving: Keypoints, kp_source: Keypoints
                     ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Dense flow (1 x h x w x 2) and occlusion map (1 x 1 x h x w or None) for one driving pose."""
        small = cache.small
        b, c, h, w = small.shape
        with torch.autocast(device_type=small.device.type, enabled=False):
            motions = sparse_motions(cache.identity, kp_driving, kp_source)
            heat = kp2gaussian(kp_driving["value"], h, w, self.motion.kp_variance) - self._source_gaussians(
                cache, kp_source)
        n = motions.shape[1]
        heat = torch.cat([heat.new_zeros(b, 1, h, w), heat], dim=1).unsqueeze(2)
        grid = motions.permute(0, 2, 1, 3, 4).reshape(b, h, n * w, 2)
        warped = F.grid_sample(small, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        warped = warped.view(b, c, h, n, w).permute(0, 3, 1, 2, 4)
        prediction = self.hourglass(torch.cat([heat, warped], dim=2).reshape(b, -1, h, w))
        heads = self.heads(prediction).float()
        mask = F.softmax(heads[:, :n], dim=1)
        deformation = (motions * mask.unsqueeze(-1)).sum(dim=1)
        occlusion = torch.sigmoid(heads[:, n:]) if self.has_occlusion else None
        return deformation, occlusion

    def render(self, cache: SourceCache, kp_driving: Keypoints, kp_source: Keypoints
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """The predicted frame, 1 x C x H x W in [0, 1], as the generator's forward would give it, and the
        dense flow (1 x h x w x 2) it was warped with. The stages are labelled for torch.profiler
        (benchmarks/fomm.py --profile)."""
        with record_function("fomm.dense_motion"):
            deformation, occlusion = self.dense_motion(cache, kp_driving, kp_source)
        with record_function("fomm.warp_features"):
            out = deform_input(cache.features, deformation)
            if occlusion is not None:
                if occlusion.shape[2:] != out.shape[2:]:
                    occlusion = F.interpolate(occlusion, size=out.shape[2:], mode="bilinear", align_corners=False)
                out = out * occlusion
        with record_function("fomm.bottleneck"):
            for block in self.bottleneck:
                out = block(out)
        with record_function("fomm.up_and_final"):
            for block in self.up:
                out = block(out)
            return torch.sigmoid(self.final(out)), deformation
