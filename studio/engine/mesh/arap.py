"""As-rigid-as-possible deformation of a triangle mesh: Igarashi, Moscovich & Hughes 2005.

Two quadratic steps, each a sparse linear system whose matrix depends only on the mesh and the pins, so it is
factorised once (scipy's SuperLU) and a frame is back-substitutions:

1. Similarity step (paper section 4.1). Every edge (i, j) with its one or two opposite vertices l, r has
   a neighbourhood v = (v_i, v_j, v_l, v_r). The similarity (c, s, tx, ty) that best maps the rest
   neighbourhood onto the deformed one is linear in the deformed vertices, (c, s, tx, ty) = pinv(G) v', so
   the error of the edge, e'_ij - T e_ij = h v', is linear too and E1 = sum |h v'|^2 = v'^T A1 v'.
2. Scale-adjustment step (section 4.2). Each rest triangle is fitted to the step-1 result by a rotation
   (the Procrustes angle, equal to the paper's similarity fit rescaled to the rest size), and the vertices
   solve E2 = sum over triangle edges |(v_i - v_j) - (f_i - f_j)|^2, a graph Laplacian L, x and y apart.

Stiffness (After Effects' Starch): a per-vertex weight w_v >= 1. Each edge's similarity error is weighted by
the mean weight of its neighbourhood's vertices, and each triangle's step-2 springs by the mean of its corners',
so a stiff area pays more for every departure from a rotated copy of itself and the bending moves elsewhere.

Pins are soft constraints with a large weight: a constraint point is bound to its triangle by barycentric
weights (section 3 of the paper), so pins need not sit on vertices. A tiny regulariser towards the rest
pose keeps the systems regular where nothing pins a part down (an unpinned island stays still).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from studio.engine.mesh.triangulate import Mesh

PIN_WEIGHT = 1e4
REGULARISER = 1e-6


@dataclass(frozen=True)
class Constraints:
    """Constraint points bound to the mesh: triangle [P] int64, barycentric weights [P, 3], weight [P]."""

    triangles: np.ndarray
    weights: np.ndarray
    strength: np.ndarray


class ArapMesh:
    """The pin-independent parts of both steps for one mesh: A1, L and the rest triangles.

    ``stiffness``: per-vertex rigidity weights float64 [N] (>= 1; None: all 1).
    """

    def __init__(self, mesh: Mesh, stiffness: np.ndarray | None = None) -> None:
        self.mesh = mesh
        self.count = len(mesh.vertices)
        vertex = np.ones(self.count) if stiffness is None else np.asarray(stiffness, np.float64)
        if vertex.shape != (self.count,) or not np.all(vertex >= 1.0):
            raise ValueError(f"stiffness must be {self.count} weights of at least 1")
        triangle = vertex[mesh.triangles].mean(axis=1)
        self.similarity = _similarity_matrix(mesh, vertex)
        self.laplacian = _triangle_laplacian(mesh, triangle)
        corners = mesh.vertices[mesh.triangles]
        self.rest_centred = corners - corners.mean(axis=1, keepdims=True)
        size = 3 * len(mesh.triangles)
        self.scatter = sp.csr_matrix((3.0 * np.repeat(triangle, 3), (mesh.triangles.ravel(), np.arange(size))),
                                     shape=(self.count, size))

    def pinned(self, constraints: Constraints) -> ArapSolver:
        """Factorise both steps for one set of constraint points (once per pin set)."""
        return ArapSolver(self, constraints)


class ArapSolver:
    """Both factorised systems for one pin set; ``solve(targets)`` is a frame's deformation."""

    def __init__(self, arap: ArapMesh, constraints: Constraints) -> None:
        self.arap = arap
        n = arap.count
        rows = np.repeat(np.arange(len(constraints.triangles)), 3)
        cols = arap.mesh.triangles[constraints.triangles].ravel()
        bind = sp.csr_matrix((constraints.weights.ravel(), (rows, cols)), shape=(len(constraints.triangles), n))
        self.bind_t = (bind.T @ sp.diags(constraints.strength)).tocsr()
        normal = (self.bind_t @ bind).tocsc()
        rest = arap.mesh.vertices
        self.rest_term = REGULARISER * rest
        step2 = (arap.laplacian + normal + REGULARISER * sp.identity(n)).tocsc()
        step1 = (arap.similarity + sp.kron(normal, sp.identity(2)) + REGULARISER * sp.identity(2 * n)).tocsc()
        self.step1 = _factorise(step1)
        self.step2 = _factorise(step2)

    def solve(self, targets: np.ndarray) -> np.ndarray:
        """Deformed vertex positions float64 [N, 2] for constraint targets [P, 2] (pixels)."""
        pull = self.bind_t @ np.asarray(targets, np.float64) + self.rest_term
        first = self.step1.solve(pull.reshape(-1)).reshape(-1, 2)
        fitted = _fit_rotations(self.arap.rest_centred, first[self.arap.mesh.triangles])
        right = self.arap.scatter @ fitted.reshape(-1, 2) + pull
        return self.step2.solve(right)


def _factorise(matrix: sp.csc_matrix) -> Any:
    """SuperLU of a symmetric positive definite matrix: minimum-degree ordering on A + A^T, no pivoting."""
    return splu(matrix, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})


def _fit_rotations(rest_centred: np.ndarray, deformed: np.ndarray) -> np.ndarray:
    """Each rest triangle (centred, [T, 3, 2]) turned by the rotation that best fits it onto ``deformed``."""
    moved = deformed - deformed.mean(axis=1, keepdims=True)
    dot = np.einsum("tki,tki->t", rest_centred, moved)
    cross = np.einsum("tk,tk->t", rest_centred[..., 0], moved[..., 1]) - np.einsum(
        "tk,tk->t", rest_centred[..., 1], moved[..., 0])
    norm = np.hypot(dot, cross)
    norm[norm == 0] = 1.0
    cos, sin = dot / norm, cross / norm
    x, y = rest_centred[..., 0], rest_centred[..., 1]
    return np.stack([cos[:, None] * x - sin[:, None] * y, sin[:, None] * x + cos[:, None] * y], axis=-1)


def _edges_with_opposites(triangles: np.ndarray) -> np.ndarray:
    """Every undirected edge as (i, j, l, r) int64 [E, 4]; r = -1 on the outline (one triangle only)."""
    half = np.concatenate([triangles[:, [0, 1, 2]], triangles[:, [1, 2, 0]], triangles[:, [2, 0, 1]]])
    key = np.sort(half[:, :2], axis=1)
    order = np.lexsort((key[:, 1], key[:, 0]))
    half, key = half[order], key[order]
    first = np.ones(len(key), bool)
    first[1:] = np.any(key[1:] != key[:-1], axis=1)
    starts = np.flatnonzero(first)
    second = starts + 1
    has_twin = np.zeros(len(starts), bool)
    valid = second < len(key)
    has_twin[valid] = ~first[second[valid]]
    edges = np.full((len(starts), 4), -1, np.int64)
    edges[:, :3] = half[starts]
    edges[has_twin, 3] = half[second[has_twin], 2]
    return edges


def _similarity_matrix(mesh: Mesh, stiffness: np.ndarray) -> sp.csc_matrix:
    """A1 [2N, 2N] of the similarity step, interleaved (x0, y0, x1, y1, ...); edges weighted by ``stiffness``."""
    edges = _edges_with_opposites(mesh.triangles)
    present = edges >= 0
    edge_weight = (stiffness[np.where(present, edges, 0)] * present).sum(axis=1) / present.sum(axis=1)
    rest = (mesh.vertices[np.where(present, edges, 0)] - mesh.vertices[edges[:, :1]]) * present[..., None]
    x, y = rest[..., 0], rest[..., 1]
    one, zero = present.astype(np.float64), np.zeros_like(x)
    g_rows = np.stack([np.stack([x, y, one, zero], -1), np.stack([y, -x, zero, one], -1)], axis=2)
    g = g_rows.reshape(len(edges), 8, 4)
    g_pinv = np.linalg.solve(np.einsum("eki,ekj->eij", g, g), np.swapaxes(g, 1, 2))
    e = rest[:, 1] - rest[:, 0]
    e_mat = np.zeros((len(edges), 2, 4))
    e_mat[:, 0, 0], e_mat[:, 0, 1] = e[:, 0], e[:, 1]
    e_mat[:, 1, 0], e_mat[:, 1, 1] = e[:, 1], -e[:, 0]
    h = -np.einsum("eij,ejk->eik", e_mat, g_pinv)
    h[:, 0, 0] -= 1.0
    h[:, 1, 1] -= 1.0
    h[:, 0, 2] += 1.0
    h[:, 1, 3] += 1.0
    block = np.einsum("eki,ekj->eij", h, h) * edge_weight[:, None, None]
    index = (2 * np.where(present, edges, 0)[:, :, None] + np.arange(2)).reshape(len(edges), 8)
    rows = np.broadcast_to(index[:, :, None], block.shape).ravel()
    cols = np.broadcast_to(index[:, None, :], block.shape).ravel()
    size = 2 * len(mesh.vertices)
    return sp.csc_matrix((block.ravel(), (rows, cols)), shape=(size, size))


def _triangle_laplacian(mesh: Mesh, weights: np.ndarray) -> sp.csc_matrix:
    """L [N, N] with one spring per triangle edge of its triangle's weight (inner edges count twice)."""
    tri = mesh.triangles
    i = np.concatenate([tri[:, 0], tri[:, 1], tri[:, 2]])
    j = np.concatenate([tri[:, 1], tri[:, 2], tri[:, 0]])
    ones = np.tile(weights, 3)
    n = len(mesh.vertices)
    rows = np.concatenate([i, j, i, j])
    cols = np.concatenate([i, j, j, i])
    data = np.concatenate([ones, ones, -ones, -ones])
    return sp.csc_matrix((data, (rows, cols)), shape=(n, n))
