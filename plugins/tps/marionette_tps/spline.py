"""Thin-plate-spline fitting and evaluation in torch (Bookstein 1989).

The spline maps points q (x-first, any consistent unit) to q + f(q) with
``f(q) = a_0 + a_x x + a_y y + sum_k w_k U(|q - p_k|)``, ``U(r) = r^2 log r^2``, fitted so that
``f(p_k) ≈ r_k`` by solving ``[[U(P) + λI, A], [A^T, 0]] [w; a] = [r; 0]`` with ``A = [1, x, y]``.
"""

from __future__ import annotations

import torch


def radial_basis(points: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """U(|q - p|) for points [N, 2] and centres [K, 2] -> [N, K]; U(0) = 0."""
    squared = torch.cdist(points, centres).square()
    return squared * torch.log(squared.clamp_min(1e-20))


def fit(
    centres: torch.Tensor, residuals: torch.Tensor, smoothing: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Spline coefficients (w [K, 2], a [3, 2]) with f(centres) ≈ residuals.

    centres, residuals: float64 [K, 2]. Fewer than three centres give an exact similarity
    (two) or translation (one); collinear centres are solved in the least-squares sense.
    """
    count = centres.shape[0]
    dtype, device = centres.dtype, centres.device
    weights = torch.zeros(count, 2, dtype=dtype, device=device)
    affine = torch.zeros(3, 2, dtype=dtype, device=device)
    if count == 0:
        return weights, affine
    if count == 1:
        affine[0] = residuals[0]
        return weights, affine
    if count == 2:
        return weights, _similarity(centres, centres + residuals)
    system = torch.zeros(count + 3, count + 3, dtype=dtype, device=device)
    system[:count, :count] = radial_basis(centres, centres) + smoothing * torch.eye(count, dtype=dtype)
    ones = torch.ones(count, 1, dtype=dtype, device=device)
    system[:count, count:] = torch.cat([ones, centres], dim=1)
    system[count:, :count] = system[:count, count:].T
    target = torch.cat([residuals, torch.zeros(3, 2, dtype=dtype, device=device)])
    solution = torch.linalg.lstsq(system, target, driver="gelsd").solution
    return solution[:count], solution[count:]


def _similarity(source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Affine rows a [3, 2] of the displacement of the similarity taking two points onto two others."""
    affine = torch.zeros(3, 2, dtype=source.dtype, device=source.device)
    src = torch.complex(source[:, 0], source[:, 1])
    dst = torch.complex(target[:, 0], target[:, 1])
    span = src[1] - src[0]
    if span.abs() < 1e-12:
        affine[0] = (target - source).mean(dim=0)
        return affine
    scale = (dst[1] - dst[0]) / span
    shift = dst[0] - scale * src[0]
    matrix = torch.stack([torch.stack([scale.real, -scale.imag]), torch.stack([scale.imag, scale.real])])
    affine[0] = torch.stack([shift.real, shift.imag])
    affine[1:] = (matrix - torch.eye(2, dtype=source.dtype, device=source.device)).T
    return affine


def evaluate(
    points: torch.Tensor, centres: torch.Tensor, weights: torch.Tensor, affine: torch.Tensor
) -> torch.Tensor:
    """The displacement f(points) -> [N, 2] for points [N, 2] (same dtype and device as the coefficients)."""
    linear = affine[0] + points @ affine[1:]
    if centres.shape[0] < 3:
        return linear
    return linear + radial_basis(points, centres) @ weights
