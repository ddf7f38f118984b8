"""Triangulate a region (a matte) into a mesh of a chosen density, and locate points in it.

Coordinates are source-image pixels, x first, pixel (0, 0) covering [0, 1) x [0, 1) (the engine contract).
Interior vertices lie on a hexagonal grid (near-equilateral triangles); the region's outline (holes included)
is resampled at the same spacing, so the triangles follow the region's edge. scipy's Delaunay triangulates
both; triangles whose centre falls outside the region or that bridge a gap are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy.spatial import Delaunay, cKDTree

MAX_EDGE_SPACINGS = 2.5
MIN_AREA_SPACINGS = 0.1


@dataclass(frozen=True)
class Mesh:
    """A triangle mesh over a region.

    vertices: float64 [N, 2] rest positions; triangles: int64 [T, 3], counter-clockwise on screen
    (positive orientation with y down); boundary: bool [N], vertices on the region's outline;
    spacing: the distance between neighbouring vertices in pixels.
    """

    vertices: np.ndarray
    triangles: np.ndarray
    boundary: np.ndarray
    spacing: float

    def __post_init__(self) -> None:
        corners = self.vertices[self.triangles]
        edges = np.stack([corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]], axis=2)
        object.__setattr__(self, "_inverse", np.linalg.inv(edges))
        object.__setattr__(self, "_centres", cKDTree(corners.mean(axis=1)))

    def locate(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Triangle index int64 [M] and barycentric weights float64 [M, 3] of each point [M, 2].

        Of the 8 triangles with the nearest centres, the one whose smallest weight is largest: a point inside the
        mesh gets its enclosing triangle; a point outside gets a nearby triangle and weights that extrapolate it
        (some negative), so that triangle's affine map extends past the edge.
        """
        points = np.asarray(points, np.float64).reshape(-1, 2)
        if not len(points):
            return np.zeros(0, np.int64), np.zeros((0, 3))
        _, guess = self._centres.query(points, k=min(8, len(self.triangles)))
        guess = guess.reshape(len(points), -1)
        best = guess[:, 0]
        best_score = np.full(len(points), -np.inf)
        weights = np.zeros((len(points), 3))
        for column in range(guess.shape[1]):
            candidate = guess[:, column]
            bary = self._barycentric(candidate, points)
            score = bary.min(axis=1)
            better = score > best_score + 1e-12
            best = np.where(better, candidate, best)
            best_score = np.where(better, score, best_score)
            weights = np.where(better[:, None], bary, weights)
        return best.astype(np.int64), weights

    def _barycentric(self, triangles: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Barycentric weights [M, 3] of points [M, 2] with respect to the given triangles [M]."""
        origin = self.vertices[self.triangles[triangles, 0]]
        local = np.einsum("mij,mj->mi", self._inverse[triangles], points - origin)
        return np.column_stack([1.0 - local.sum(axis=1), local])


def spacing_for(area: float, vertices: int) -> float:
    """The hexagonal-grid spacing that puts about ``vertices`` vertices on ``area`` square pixels."""
    return float(np.sqrt(2.0 * max(area, 1.0) / (np.sqrt(3.0) * max(vertices, 3))))


def build_mesh(mask: np.ndarray, vertices: int) -> Mesh:
    """Triangulate the non-zero pixels of ``mask`` (HxW uint8) with about ``vertices`` vertices.

    Raises ValueError when the mask is empty.
    """
    solid = (mask > 0).astype(np.uint8)
    area = float(solid.sum())
    if area == 0:
        raise ValueError("the region is empty")
    spacing = spacing_for(area, vertices)
    outline = _outline_points(solid, spacing)
    interior = _interior_points(solid, spacing, outline)
    points = np.concatenate([outline, interior])
    boundary = np.zeros(len(points), bool)
    boundary[: len(outline)] = True
    triangles = _keep_triangles(Delaunay(points).simplices, points, solid, spacing)
    if not len(triangles):
        raise ValueError("the region is too thin to mesh")
    used = np.unique(triangles)
    remap = np.full(len(points), -1, np.int64)
    remap[used] = np.arange(len(used))
    return Mesh(points[used], _counter_clockwise(remap[triangles], points[used]), boundary[used], spacing)


def _outline_points(solid: np.ndarray, spacing: float) -> np.ndarray:
    """Points every ``spacing`` pixels along every outline of the region (outer edges and holes)."""
    contours, _ = cv2.findContours(solid, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    chunks = []
    for contour in contours:
        loop = contour[:, 0, :].astype(np.float64) + 0.5
        if len(loop) < 3:
            chunks.append(loop)
            continue
        closed = np.vstack([loop, loop[:1]])
        steps = np.linalg.norm(np.diff(closed, axis=0), axis=1)
        arc = np.concatenate([[0.0], np.cumsum(steps)])
        count = max(3, round(float(arc[-1]) / spacing))
        at = np.linspace(0.0, arc[-1], count, endpoint=False)
        chunks.append(np.column_stack([np.interp(at, arc, closed[:, 0]), np.interp(at, arc, closed[:, 1])]))
    return np.concatenate(chunks) if chunks else np.zeros((0, 2))


def _interior_points(solid: np.ndarray, spacing: float, outline: np.ndarray) -> np.ndarray:
    """Hexagonal-grid points inside the region, at least half a spacing away from the outline."""
    height, width = solid.shape
    row_step = spacing * np.sqrt(3.0) / 2.0
    rows = np.arange(row_step / 2.0, height, row_step)
    cols = np.arange(spacing / 2.0, width + spacing, spacing)
    xs = cols[None, :] + np.where(np.arange(len(rows)) % 2 == 1, spacing / 2.0, 0.0)[:, None]
    points = np.column_stack([xs.ravel(), np.repeat(rows, len(cols))])
    points = points[(points[:, 0] < width) & (points[:, 1] < height)]
    points = points[solid[points[:, 1].astype(int), points[:, 0].astype(int)] > 0]
    if len(outline) and len(points):
        distance, _ = cKDTree(outline).query(points)
        points = points[distance >= 0.5 * spacing]
    return points


def _keep_triangles(simplices: np.ndarray, points: np.ndarray, solid: np.ndarray, spacing: float) -> np.ndarray:
    """The Delaunay triangles whose centre lies in the region, whose edges do not bridge a gap, and not slivers."""
    corners = points[simplices]
    centre = corners.mean(axis=1)
    height, width = solid.shape
    cx = np.clip(centre[:, 0].astype(int), 0, width - 1)
    cy = np.clip(centre[:, 1].astype(int), 0, height - 1)
    longest = np.max(np.linalg.norm(corners - np.roll(corners, 1, axis=1), axis=2), axis=1)
    flat = np.abs(_signed_area(corners)) < MIN_AREA_SPACINGS * spacing * spacing
    keep = (solid[cy, cx] > 0) & (longest <= MAX_EDGE_SPACINGS * spacing) & ~flat
    return simplices[keep]


def _counter_clockwise(triangles: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Triangles reordered to a positive signed area (x right, y down)."""
    corners = vertices[triangles]
    cross = _signed_area(corners)
    triangles = triangles.copy()
    flip = cross < 0
    triangles[flip, 1], triangles[flip, 2] = triangles[flip, 2].copy(), triangles[flip, 1].copy()
    return triangles


def _signed_area(corners: np.ndarray) -> np.ndarray:
    """Twice the signed area of triangles given as corners [T, 3, 2]."""
    a, b = corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]
    return a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]


def signed_areas(mesh: Mesh, vertices: np.ndarray) -> np.ndarray:
    """Twice the signed area of each triangle with the vertices moved to ``vertices`` [N, 2] (tests, checks)."""
    return _signed_area(np.asarray(vertices)[mesh.triangles])
