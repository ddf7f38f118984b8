"""The ``tps`` generator: a thin-plate spline through the keypoints moves the whole image smoothly.

Backward map: the spline is fitted from driving keypoint positions to source positions, so each
output pixel looks up where it comes from in the source. It is evaluated on a coarse grid,
upsampled to full resolution and applied with one ``grid_sample``. Keypoint jacobians are not used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from marionette_tps.spline import evaluate, fit
from studio.core.errors import UserError
from studio.engine.contract import Capabilities, Motion, SourceState
from studio.engine.device import resolve_device


class TpsGenerator:
    """Thin-plate-spline warp generator (no weights, any image, RGB or RGBA).

    Options: ``flow_size`` (longest side of the coarse grid the spline is evaluated on, default 64)
    and ``smoothing`` (regulariser λ in units of the image's longest side squared, default 1e-3;
    larger values trade exactness at the keypoints for a smoother warp).
    """

    capabilities = Capabilities(name="tps", title="Thin-plate spline", alpha=True)

    def __init__(
        self, device: str = "auto", flow_size: int = 64, smoothing: float = 1e-3, **options: Any
    ) -> None:
        if options:
            raise UserError(
                f"unknown option(s) for the tps generator: {', '.join(sorted(options))}; "
                "it takes flow_size and smoothing"
            )
        if flow_size < 2:
            raise UserError(f"tps flow_size {flow_size} is too small: use 2 or more")
        if smoothing < 0:
            raise UserError(f"tps smoothing {smoothing} is negative: use 0 or more")
        self.device = resolve_device(device)
        self.flow_size = int(flow_size)
        self.smoothing = float(smoothing)

    def prepare(self, source: np.ndarray) -> SourceState:
        """Keep the source on the device as float [1, C, H, W] in 0..255, with the sampling grids it needs.

        ``identity``: [1, H, W, 2] grid_sample coordinates of every pixel centre (x first, [-1, 1]);
        ``coarse``: [N, 2] pixel centres of the coarse grid the spline is evaluated on, in units of
        the image's longest side.
        """
        if source.dtype != np.uint8 or source.ndim != 3 or source.shape[2] not in (3, 4):
            raise UserError(f"tps needs an HxWx3 or HxWx4 uint8 image, got {source.dtype} {source.shape}")
        height, width, channels = source.shape
        image = torch.from_numpy(np.ascontiguousarray(source)).to(self.device)
        image = image.permute(2, 0, 1).unsqueeze(0).float()
        identity = self._pixel_centres(height, width, height, width)
        identity = identity * torch.tensor([2.0 / width, 2.0 / height], device=self.device) - 1.0
        scale = float(max(height, width))
        factor = min(1.0, self.flow_size / scale)
        rows, cols = max(2, round(height * factor)), max(2, round(width * factor))
        coarse = self._pixel_centres(height, width, rows, cols).reshape(-1, 2) / scale
        data = {"image": image, "identity": identity.unsqueeze(0), "coarse": coarse, "coarse_size": (rows, cols)}
        return SourceState(height, width, channels, data)

    def _pixel_centres(self, height: int, width: int, rows: int, cols: int) -> torch.Tensor:
        """Centres of a rows x cols grid of cells covering the image, in image pixels: [rows, cols, 2]."""
        ys = (torch.arange(rows, device=self.device, dtype=torch.float32) + 0.5) * (height / rows)
        xs = (torch.arange(cols, device=self.device, dtype=torch.float32) + 0.5) * (width / cols)
        grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
        return torch.stack([grid_x, grid_y], dim=-1)

    def _displacement(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> torch.Tensor:
        """Source-minus-driving offsets in pixels at every output pixel: [1, 2, H, W] on the device.

        The small linear system is solved in float64 on the CPU; the spline is evaluated in float32 on
        the device. Coordinates are centred on the driving keypoints' mean so that collinear keypoints,
        whose affine part is underdetermined, get the least-squares answer closest to a translation.
        """
        scale = float(max(state.height, state.width))
        centres = torch.as_tensor(kp_driving.positions, dtype=torch.float64).reshape(-1, 2) / scale
        targets = torch.as_tensor(kp_source.positions, dtype=torch.float64).reshape(-1, 2) / scale
        origin = centres.mean(dim=0) if centres.shape[0] else torch.zeros(2, dtype=torch.float64)
        weights, affine = fit(centres - origin, targets - centres, self.smoothing)
        on_device = [t.to(self.device, torch.float32) for t in (origin, centres - origin, weights, affine)]
        origin32, centres32, weights32, affine32 = on_device
        offsets = evaluate(state.data["coarse"] - origin32, centres32, weights32, affine32) * scale
        rows, cols = state.data["coarse_size"]
        coarse = offsets.reshape(1, rows, cols, 2).permute(0, 3, 1, 2)
        return F.interpolate(coarse, size=(state.height, state.width), mode="bilinear", align_corners=False)

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """The source warped so that its keypoints land on the driving keypoints: HxWxC uint8."""
        if kp_source.count != kp_driving.count:
            raise UserError(
                f"tps got {kp_source.count} source and {kp_driving.count} driving keypoints: they must match"
            )
        with torch.inference_mode():
            offsets = self._displacement(state, kp_source, kp_driving)
            to_unit = torch.tensor([2.0 / state.width, 2.0 / state.height], device=self.device)
            grid = state.data["identity"] + offsets.permute(0, 2, 3, 1) * to_unit
            padding = "zeros" if state.channels == 4 else "border"
            frame = F.grid_sample(state.data["image"], grid, mode="bilinear", padding_mode=padding,
                                  align_corners=False)
            frame = frame.round().clamp(0, 255).to(torch.uint8)[0].permute(1, 2, 0)
            return frame.cpu().numpy()

    def detect_keypoints(self, state: SourceState) -> Motion | None:
        """The spline does not find keypoints itself."""
        return None
