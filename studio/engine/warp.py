"""The built-in "warp" generator: the analytic first-order (local affine) motion model.

Siarohin et al. 2019, "First Order Motion Model for Image Animation", eq. (4)-(6) without the
networks: every keypoint k moves its neighbourhood by the local affine map

    T_k(z) = s_k + J_k (z - d_k),   J_k = J_source_k @ inv(J_driving_k)

(backward warping: for an output pixel z, T_k(z) is where to read the source), and soft masks
blend the K maps with a still background into one dense flow. See docs/warp.md.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from studio.core.errors import UserError
from studio.engine.contract import Capabilities, Motion, SourceState, check_motions, check_source
from studio.engine.device import resolve_device

DEFAULT_RADIUS_FRACTION = 0.1
DEFAULT_BACKGROUND_WEIGHT = 0.01


class WarpGenerator:
    """Render a source image moved by keypoints with the local-affine warp; needs no weights.

    Options: ``flow_scale`` in (0, 1] is the resolution of the flow relative to the image (the flow is
    smooth, so 0.25 loses nothing visible and is ~16x cheaper); ``background_weight`` > 0 is the
    constant weight of the still background channel (smaller = keypoints pull a wider area along).
    """

    capabilities = Capabilities(
        name="warp",
        title="Local-affine warp",
        detects_keypoints=False,
        keypoint_count=None,
        alpha=True,
        needs_weights=False,
        region=True,
    )

    def __init__(
        self,
        device: str = "auto",
        flow_scale: float = 0.25,
        background_weight: float = DEFAULT_BACKGROUND_WEIGHT,
        **options: Any,
    ) -> None:
        if options:
            raise UserError(
                f"unknown option(s) for the warp generator: {', '.join(sorted(options))}; "
                "it takes flow_scale and background_weight"
            )
        if not 0.0 < float(flow_scale) <= 1.0:
            raise UserError(f"flow_scale {flow_scale} is out of range: give a value in (0, 1], e.g. 0.25")
        if not float(background_weight) > 0.0:
            raise UserError(f"background_weight {background_weight} must be positive: e.g. 0.01")
        self.device = resolve_device(device)
        self.flow_scale = float(flow_scale)
        self.background_weight = float(background_weight)

    def prepare(self, source: np.ndarray, region: np.ndarray | None = None) -> SourceState:
        """Upload an HxWx3 (RGB) or HxWx4 (RGBA) uint8 image once and cache what every frame reuses.

        ``region`` (HxW uint8 matte, optional) cuts the keypoint masks at the region's edge: the flow is
        multiplied by the matte (at flow resolution, "region" float32 [1, h*w]), so outside it the source stays.

        state.data holds "source" (the array, for zero keypoints), "image" float32 [1, C, H, W]
        channels-last on the device (RGB offset by +0.5 so that
        the truncating uint8 conversion rounds, which holds because bilinear weights sum to 1 with border
        padding; RGBA premultiplied by alpha instead), "flow_size" (h, w), "unit" (pixels per
        unit of the centred isotropic coordinates u), "features" float32 [4, h*w] = (|u|^2, u_x, u_y, 1)
        and "base_grid" float32 [2, h*w], the identity in grid_sample units, both at flow resolution.
        """
        check_source(source)
        height, width, channels = source.shape
        flow_h, flow_w = _flow_length(height, self.flow_scale), _flow_length(width, self.flow_scale)
        unit = max(height, width) / 2.0
        with torch.inference_mode():
            image = torch.from_numpy(np.ascontiguousarray(source)).to(self.device)
            image = image.permute(2, 0, 1).unsqueeze(0).float().contiguous(memory_format=torch.channels_last)
            if channels == 4:
                image[:, :3] *= image[:, 3:4] / 255.0
            else:
                image += 0.5
            xs = _sample_positions(width, flow_w)
            ys = _sample_positions(height, flow_h)
            z_x = xs.expand(flow_h, flow_w).reshape(-1)
            z_y = ys[:, None].expand(flow_h, flow_w).reshape(-1)
            u_x, u_y = (z_x - width / 2.0) / unit, (z_y - height / 2.0) / unit
            features = torch.stack([u_x * u_x + u_y * u_y, u_x, u_y, torch.ones_like(u_x)])
            base_grid = torch.stack([2.0 * z_x / width - 1.0, 2.0 * z_y / height - 1.0])
            state = SourceState(height, width, channels)
            state.data.update(
                region=_region_weights(region, (height, width), (flow_h, flow_w), self.device),
                source=source.copy(),
                image=image,
                flow_size=(flow_h, flow_w),
                unit=unit,
                features=features.to(self.device, torch.float32).contiguous(),
                base_grid=base_grid.to(self.device, torch.float32).contiguous(),
            )
        return state

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """Return the HxWxC uint8 source moved from kp_source to kp_driving (C as given to prepare)."""
        count = check_motions(kp_source, kp_driving)
        if count == 0:
            return state.data["source"].copy()
        exponent, coefficients = self._keypoint_coefficients(state, kp_source, kp_driving)
        height, width, channels = state.height, state.width, state.channels
        with torch.inference_mode():
            grid = self._grid(state, exponent, coefficients)
            frame = torch.empty((height, width, channels), dtype=torch.uint8, device=self.device)
            bands = min(height, torch.get_num_threads() if self.device.type == "cpu" else 1)
            rows = height // bands * bands
            self._sample(state, grid[:rows].view(bands, -1, width, 2), frame[:rows].view(bands, -1, width, channels))
            if rows < height:
                self._sample(state, grid[rows:].unsqueeze(0), frame[rows:].unsqueeze(0))
            return frame.cpu().numpy()

    def _grid(self, state: SourceState, exponent: np.ndarray, coefficients: np.ndarray) -> torch.Tensor:
        """The backward sampling grid: float32 [H, W, 2], x-first, grid_sample units (align_corners=False).

        At flow resolution: heat = exp(exponent^T @ features) [K, h*w]; the weighted sums of every
        keypoint's displacement coefficients and of the heat itself in one matmul [7, h*w]; the blended
        displacement divided by (sum of heat + background weight) and added to the identity. Then one
        bilinear upsampling (align_corners=True puts the low-res samples on the corner pixel centres, so
        the identity part is reproduced exactly). The result is a planar view (x and y planes).
        """
        flow_h, flow_w = state.data["flow_size"]
        features = state.data["features"]
        exponent_t = torch.from_numpy(exponent).to(self.device)
        coefficients_t = torch.from_numpy(coefficients).to(self.device)
        heat = torch.mm(exponent_t, features).exp_()
        sums = torch.mm(coefficients_t, heat)
        flow = torch.addcmul(sums[4:6], sums[0:2], features[1:2])
        flow.addcmul_(sums[2:4], features[2:3])
        flow.div_(sums[6:7].add_(self.background_weight))
        if state.data["region"] is not None:
            flow.mul_(state.data["region"])
        flow.add_(state.data["base_grid"])
        flow = flow.view(1, 2, flow_h, flow_w)
        if (flow_h, flow_w) != (state.height, state.width):
            flow = F.interpolate(flow, size=(state.height, state.width), mode="bilinear", align_corners=True)
        return flow[0].permute(1, 2, 0)

    def _sample(self, state: SourceState, grid: torch.Tensor, target: torch.Tensor) -> None:
        """Sample the source at grid [B, h, W, 2] into target uint8 [B, h, W, C], B bands of rows.

        Bands are batch entries of one grid_sample call over the same (expanded, not copied) image:
        torch's CPU kernel parallelises over the batch only, so this is what puts every thread to work.
        """
        image = state.data["image"]
        image = image.expand(grid.shape[0], -1, -1, -1)
        out = F.grid_sample(image, grid, mode="bilinear", padding_mode="border", align_corners=False)
        if state.channels == 4:
            scale = out[:, 3:4].clamp(min=1e-3).reciprocal_().mul_(255.0)
            out[:, :3].mul_(scale).clamp_(max=255.0)
            out.add_(0.5)
        target.copy_(out.permute(0, 2, 3, 1))

    def _keypoint_coefficients(
        self, state: SourceState, kp_source: Motion, kp_driving: Motion
    ) -> tuple[np.ndarray, np.ndarray]:
        """The per-keypoint matrices of the two matmuls in _grid(), computed in float64, returned float32.

        exponent [K, 4]: (exponent @ features)[k, p] = -|u_p - d_k|^2 / (2 sigma_k^2), the log heat map.
        coefficients [7, K]: rows (A00, A10, A01, A11, c0, c1, 1) with the displacement
        T_k(z) - z = A_k u + c_k already in grid_sample units (x scaled by 2/W, y by 2/H).
        """
        height, width = state.height, state.width
        unit = state.data["unit"]
        centre = np.array([width / 2.0, height / 2.0])
        src = (np.asarray(kp_source.positions, np.float64) - centre) / unit
        drv = (np.asarray(kp_driving.positions, np.float64) - centre) / unit
        jac_driving = np.asarray(kp_driving.jacobians, np.float64)
        if np.any(np.abs(np.linalg.det(jac_driving)) < 1e-12):
            raise ValueError("a driving jacobian is singular: every keypoint scale must be non-zero")
        jac = np.asarray(kp_source.jacobians, np.float64) @ np.linalg.inv(jac_driving)
        sigma = _radii(kp_source, kp_driving, height, width) / unit
        inv_two_var = 1.0 / (2.0 * sigma * sigma)
        exponent = np.column_stack(
            [
                -inv_two_var,
                2.0 * inv_two_var * drv[:, 0],
                2.0 * inv_two_var * drv[:, 1],
                -inv_two_var * (drv * drv).sum(axis=1),
            ]
        )
        linear = jac - np.eye(2)
        offset = src - drv - np.einsum("kij,kj->ki", linear, drv)
        to_grid = np.array([2.0 * unit / width, 2.0 * unit / height])
        linear = linear * to_grid[None, :, None]
        offset = offset * to_grid
        coefficients = np.stack(
            [
                linear[:, 0, 0],
                linear[:, 1, 0],
                linear[:, 0, 1],
                linear[:, 1, 1],
                offset[:, 0],
                offset[:, 1],
                np.ones(len(src)),
            ]
        )
        return np.ascontiguousarray(exponent, np.float32), np.ascontiguousarray(coefficients, np.float32)

    def detect_keypoints(self, state: SourceState) -> Motion | None:
        """The warp cannot find keypoints by itself: always None."""
        return None


def _region_weights(region: np.ndarray | None, size: tuple[int, int], flow_size: tuple[int, int],
                    device: torch.device) -> torch.Tensor | None:
    """The region matte at flow resolution as float32 [1, h*w] in [0, 1] on the device, or None."""
    if region is None:
        return None
    region = np.asarray(region)
    if region.shape != size:
        raise ValueError(f"region must be {size[0]}x{size[1]} like the source, got {region.shape}")
    small = cv2.resize(np.ascontiguousarray(region, np.uint8), (flow_size[1], flow_size[0]),
                       interpolation=cv2.INTER_AREA)
    return torch.from_numpy(small.astype(np.float32).reshape(1, -1) / 255.0).to(device)


def _flow_length(length: int, scale: float) -> int:
    """Samples of the flow along one image side: at least 2 (so corners are pinned), at most the side."""
    return min(length, max(2, round(length * scale)))


def _sample_positions(length: int, count: int) -> torch.Tensor:
    """Pixel-centre coordinates (float64 [count]) of flow samples spread from first to last pixel centre."""
    if count == 1:
        return torch.full((1,), length / 2.0, dtype=torch.float64)
    return torch.arange(count, dtype=torch.float64) * ((length - 1) / (count - 1)) + 0.5


def _radii(kp_source: Motion, kp_driving: Motion, height: int, width: int) -> np.ndarray:
    """Each keypoint's Gaussian sigma in pixels: driving radii, else source radii, else the default."""
    count = kp_driving.count
    default = DEFAULT_RADIUS_FRACTION * min(height, width)
    radii = np.full(count, default)
    for motion in (kp_driving, kp_source):
        given = np.asarray(motion.radii, dtype=np.float64).reshape(-1)
        if given.size == count:
            radii = given
            break
    return np.where(np.isfinite(radii) & (radii > 0), radii, default)
