"""Frame metrics of a reconstruction against its ground truth: L1, PSNR, SSIM, AKD and temporal consistency.

Images are H x W x 3 uint8 and are compared in [0, 1] units.
"""

from __future__ import annotations

import cv2
import numpy as np


def _unit(image: np.ndarray) -> np.ndarray:
    """uint8 image -> float64 in [0, 1]."""
    return image.astype(np.float64) / 255.0


def _same_shape(a: np.ndarray, b: np.ndarray) -> None:
    """ValueError unless both images have one shape."""
    if a.shape != b.shape:
        raise ValueError(f"images differ in shape: {a.shape} and {b.shape}")


def l1(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference in [0, 1] units (0 for identical images)."""
    _same_shape(a, b)
    return float(np.abs(_unit(a) - _unit(b)).mean())


def mse(a: np.ndarray, b: np.ndarray) -> float:
    """Mean squared difference in [0, 1] units."""
    _same_shape(a, b)
    return float(((_unit(a) - _unit(b)) ** 2).mean())


def psnr_from_mse(value: float) -> float:
    """10 log10(1 / MSE) in dB; infinite for a perfect match."""
    return float("inf") if value <= 0 else float(10 * np.log10(1.0 / value))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB (peak 1); infinite for identical images."""
    return psnr_from_mse(mse(a, b))


def _blur(image: np.ndarray) -> np.ndarray:
    """The SSIM window: Gaussian, 11 x 11, sigma 1.5, reflected borders."""
    return cv2.GaussianBlur(image, (11, 11), 1.5, borderType=cv2.BORDER_REFLECT)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Structural similarity (Wang et al. 2004): Gaussian window sigma 1.5, K1 0.01, K2 0.03, mean over channels."""
    _same_shape(a, b)
    x, y = _unit(a), _unit(b)
    c1, c2 = 0.01**2, 0.03**2
    mu_x, mu_y = _blur(x), _blur(y)
    var_x = _blur(x * x) - mu_x**2
    var_y = _blur(y * y) - mu_y**2
    cov = _blur(x * y) - mu_x * mu_y
    index = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    return float(index.mean())


def akd(reference: np.ndarray, other: np.ndarray) -> float:
    """Average keypoint distance: mean Euclidean distance in pixels between matching landmarks ([N, >=2] arrays,
    only x and y used); landmarks that are NaN in either are left out; NaN when none remain."""
    if reference.shape[0] != other.shape[0]:
        raise ValueError(f"landmark counts differ: {reference.shape[0]} and {other.shape[0]}")
    distances = np.linalg.norm(reference[:, :2].astype(np.float64) - other[:, :2].astype(np.float64), axis=1)
    distances = distances[np.isfinite(distances)]
    return float(distances.mean()) if len(distances) else float("nan")


def _flow(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Farneback flow in pixels from ``first`` to ``second`` (RGB uint8): first(z) ~ second(z + flow(z))."""
    a = cv2.cvtColor(first, cv2.COLOR_RGB2GRAY)
    b = cv2.cvtColor(second, cv2.COLOR_RGB2GRAY)
    return cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 15, 3, 5, 1.2, 0)


def _sample(image: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """``image`` sampled at z + flow(z) (bilinear, border replicated)."""
    height, width = flow.shape[:2]
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    return cv2.remap(image, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def consistent_flow(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(flow first -> second, mask of pixels whose flow passes the forward-backward check and stays inside)."""
    forward = _flow(first, second)
    returned = _sample(_flow(second, first), forward)
    round_trip = forward + returned
    tolerance = 0.01 * ((forward**2).sum(-1) + (returned**2).sum(-1)) + 0.5
    height, width = forward.shape[:2]
    xs, ys = np.meshgrid(np.arange(width), np.arange(height))
    inside = ((xs + forward[..., 0] >= 0) & (xs + forward[..., 0] <= width - 1)
              & (ys + forward[..., 1] >= 0) & (ys + forward[..., 1] <= height - 1))
    return forward, ((round_trip**2).sum(-1) <= tolerance) & inside


def warping_errors(frames: list[np.ndarray], reference: list[np.ndarray]) -> list[float]:
    """Flow-warping error of each consecutive pair: mean |frame_t - frame_t+1(z + flow_t(z))| over reliable z,
    with flow_t estimated on the ``reference`` frames (the ground truth), in [0, 1] units."""
    if len(frames) != len(reference):
        raise ValueError("frames and reference differ in length")
    errors = []
    for t in range(len(frames) - 1):
        flow, mask = consistent_flow(reference[t], reference[t + 1])
        if not mask.any():
            continue
        warped = _sample(frames[t + 1], flow)
        difference = np.abs(_unit(frames[t]) - _unit(warped)).mean(-1)
        errors.append(float(difference[mask].mean()))
    return errors
