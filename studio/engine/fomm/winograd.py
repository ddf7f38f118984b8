"""A 3x3 convolution (stride 1, padding 1) by Winograd's minimal filtering F(4x4, 3x3), for the CPU.

Each 4x4 block of output pixels is computed from a 6x6 input tile with 36 multiplications per input and
output channel instead of 144: the tiles and the kernels are moved to the Winograd domain (fixed linear
maps), multiplied there as 36 matrix products over the channels (one batched GEMM), and moved back. The
result equals the direct convolution up to float32 rounding (about 1e-5 of the activations' size). The
decoder's residual blocks, most of a frame's arithmetic, run this way (docs/fomm.md, "Speed").

The two transforms run in the native module ``_winograd_native`` (one pass over memory each, with their sparse
formulas) when the install could build it; otherwise as torch operations, which give the same numbers slower.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

try:
    from . import _winograd_native as native
except ImportError:  # installed without a C compiler: the torch forms below do the same work
    native = None

# Lavin & Gray (2016), F(4x4, 3x3) with interpolation points 0, +-1, +-2 and infinity.
_BT = ((4, 0, -5, 0, 1, 0), (0, -4, -4, 1, 1, 0), (0, 4, -4, -1, 1, 0),
       (0, -2, -1, 2, 1, 0), (0, 2, -1, -2, 1, 0), (0, 4, 0, -5, 0, 1))
_G = ((1 / 4, 0, 0), (-1 / 6, -1 / 6, -1 / 6), (-1 / 6, 1 / 6, -1 / 6),
      (1 / 24, 1 / 12, 1 / 6), (1 / 24, -1 / 12, 1 / 6), (0, 0, 1))
_AT = ((1, 1, 1, 1, 1, 0), (0, 1, -1, 2, -2, 0), (0, 1, 1, 4, 4, 0), (0, 1, -1, 8, -8, 1))
# Row 7 of the 6x6 domain (entry (1, 1)) maps to a constant over the 4x4 block: where the bias goes.
_BIAS_ROW = 7

# A per-channel affine map (scale, shift) followed by ReLU, applied before a conv: an inference batch norm.
Affine = tuple[torch.Tensor, torch.Tensor]



def activated(x: torch.Tensor, pre: Affine) -> torch.Tensor:
    """max(x * scale + shift, 0), per channel of a 1 x C x H x W map (scale and shift: C values in any shape)."""
    return torch.addcmul(pre[1].view(1, -1, 1, 1), x, pre[0].view(1, -1, 1, 1)).relu_()


# Below these sizes the transforms cost more than the multiplications they save.
MIN_CHANNELS = 128
MIN_PIXELS = 32 * 32


def fits(conv_weight: torch.Tensor, padding: tuple[int, int], groups: int) -> bool:
    """Whether a convolution (on the CPU) is one this form computes, wide enough to gain from it."""
    out_c, in_c, kh, kw = conv_weight.shape
    return (conv_weight.device.type == "cpu" and (kh, kw) == (3, 3) and tuple(padding) == (1, 1)
            and groups == 1 and min(out_c, in_c) >= MIN_CHANNELS)


class Winograd3x3:
    """A folded 3x3 conv (weight Cout x Cin x 3 x 3, bias Cout) in the Winograd domain, applied to 1 x Cin x H x W."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor):
        g = torch.tensor(_G, dtype=torch.float64)
        bt = torch.tensor(_BT, dtype=torch.float64)
        at = torch.tensor(_AT, dtype=torch.float64)
        out_c, in_c = weight.shape[:2]
        kernels = torch.einsum("ia,ocab,jb->ijoc", g, weight.double(), g).reshape(36, out_c, in_c)
        self.kernels = kernels.to(weight.dtype).contiguous()
        self.bias = bias.detach().view(-1, 1).clone()
        self.tile_in = torch.kron(bt, bt).to(weight.dtype).view(36, 1, 6, 6)
        self.tile_out = torch.kron(at, at).to(weight.dtype)

    def applies(self, x: torch.Tensor) -> bool:
        """Whether this input can take the Winograd path (float32 on the CPU, one image, sides a multiple of 4)."""
        h, w = x.shape[2:]
        return (x.device.type == "cpu" and x.dtype == torch.float32 and x.shape[0] == 1
                and h % 4 == 0 and w % 4 == 0 and h * w >= MIN_PIXELS)

    def blocks(self, x: torch.Tensor) -> torch.Tensor:
        """The conv output as a Cout x H/4 x 4 x W/4 x 4 view of 4x4 blocks (not contiguous)."""
        c, h, w = x.shape[1:]
        tiles = F.conv2d(x.reshape(c, 1, h, w), self.tile_in, stride=4, padding=1)  # C x 36 x H/4 x W/4
        products = torch.bmm(self.kernels, tiles.view(c, 36, -1).transpose(0, 1))  # 36 x Cout x tiles
        products[_BIAS_ROW].add_(self.bias)
        out_c = self.kernels.shape[1]
        out = (self.tile_out @ products.view(36, -1)).view(4, 4, out_c, h // 4, w // 4)
        return out.permute(2, 3, 0, 4, 1)

    def __call__(self, x: torch.Tensor, relu: bool = False, residual: torch.Tensor | None = None,
                 pre: Affine | None = None) -> torch.Tensor:
        """conv(x) + bias, then ``+ residual``, then ReLU when asked: a contiguous 1 x Cout x H x W tensor.

        ``pre`` = (scale, shift), one value per input channel, convolves max(x * scale + shift, 0) instead of x.
        """
        if native is not None:
            return self.native(x, relu, residual, pre)
        return self.in_torch(x, relu, residual, pre)

    def in_torch(self, x: torch.Tensor, relu: bool = False, residual: torch.Tensor | None = None,
                 pre: Affine | None = None) -> torch.Tensor:
        """``__call__`` with the transforms as torch operations (dense products over the whole map)."""
        if pre is not None:
            x = activated(x, pre)
        blocks = self.blocks(x)
        h, w = x.shape[2:]
        out = x.new_empty(1, blocks.shape[0], h, w)
        target = out.view(blocks.shape[0], h // 4, 4, w // 4, 4)
        if residual is not None:
            torch.add(blocks, residual.view(target.shape), out=target)
            if relu:
                out.relu_()
        elif relu:
            torch.clamp_min(blocks, 0, out=target)
        else:
            target.copy_(blocks)
        return out

    def native(self, x: torch.Tensor, relu: bool = False, residual: torch.Tensor | None = None,
               pre: Affine | None = None) -> torch.Tensor:
        """``__call__`` with the transforms in the native module, on torch's thread count."""
        if native is None:
            raise RuntimeError("the native Winograd transforms were not built with this install")
        x = x.contiguous()
        c, h, w = x.shape[1:]
        out_c, tiles = self.kernels.shape[1], (h // 4) * (w // 4)
        if residual is not None and residual.shape != (1, out_c, h, w):
            raise ValueError(f"residual of shape {tuple(residual.shape)} does not fit the output {(1, out_c, h, w)}")
        threads = torch.get_num_threads()
        scale, shift = (None, None) if pre is None else (t.reshape(-1).to(x.dtype).contiguous() for t in pre)
        if scale is not None and not (scale.numel() == shift.numel() == c):
            raise ValueError(f"pre-activation of {scale.numel()} channels does not fit an input of {c}")
        spread = x.new_empty(36, c, tiles)
        native.input_transform(x.data_ptr(), spread.data_ptr(), 0 if scale is None else scale.data_ptr(),
                               0 if shift is None else shift.data_ptr(), c, h, w, threads)
        products = torch.bmm(self.kernels, spread)
        out = x.new_empty(1, out_c, h, w)
        residual = None if residual is None else residual.to(x.dtype).contiguous()
        native.output_transform(products.data_ptr(), out.data_ptr(), self.bias.data_ptr(),
                                0 if residual is None else residual.data_ptr(), relu, out_c, h, w, threads)
        return out
