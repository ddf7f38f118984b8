"""The dense backward map of a deformed mesh: for every output pixel, where to read the source.

The deformation is known forwards (rest triangle -> deformed triangle, one affine map each). Once per mesh,
every source pixel gets the triangle that holds it (pixels off the mesh get a nearby triangle, whose affine
map extrapolates past the edge). Per frame, with no loop over triangles:

1. the inverse affine map of every triangle, x = r0 + J^-1 (y - v0) (closed-form 2x2 inverses, vectorised);
2. at every coarse output sample y, a fixed-point walk: look up the triangle t under the current guess x and
   set x to t's inverse map of y. Starting from x = y, a few steps settle on the triangle whose deformed
   image holds y (the inverse of a piecewise-affine map), exactly so for rigid and affine motion;
3. one bilinear upsampling of the coarse map to full resolution (cv2.resize in float, exact for affine maps).

The coarse grid has one sample every ``step`` pixels plus a ring outside the image, laid out so that
cv2.resize's pixel-centre convention puts every full-resolution pixel between real samples.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from studio.engine.mesh.triangulate import Mesh

WALK_STEPS = 3
MIN_AREA_RATIO = 0.01


class BackwardMapper:
    """Turns deformed vertex positions into a full-resolution backward map for cv2.remap."""

    def __init__(self, mesh: Mesh, height: int, width: int, step: int) -> None:
        self.mesh = mesh
        self.size = (height, width)
        self.step = max(1, int(step))
        rows, cols = math.ceil(height / self.step) + 2, math.ceil(width / self.step) + 2
        xs = (np.arange(cols) - 0.5) * self.step
        ys = (np.arange(rows) - 0.5) * self.step
        self.targets = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2).astype(np.float32)
        self.coarse = (rows, cols)
        self.lookup = triangle_lookup(mesh, height, width)
        corners = mesh.vertices[mesh.triangles]
        self.rest_origin = corners[:, 0]
        self.rest_edges = np.stack([corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]], axis=2)

    def inverse_maps(self, vertices: np.ndarray) -> np.ndarray:
        """Each triangle's inverse affine map x = M y + c, packed float32 [T, 6] as (M00, M01, M10, M11, c0, c1).

        M = J^-1 = E D^-1 (E and D the rest and deformed edge matrices), c = r0 - M v0. A folded or collapsed
        triangle (area under 1% of its rest area) maps back by a plain translation instead.
        """
        corners = np.asarray(vertices, np.float64)[self.mesh.triangles]
        a, b = corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]
        det = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
        rest = self.rest_edges
        ok = det > MIN_AREA_RATIO * (rest[:, 0, 0] * rest[:, 1, 1] - rest[:, 0, 1] * rest[:, 1, 0])
        det = np.where(ok, det, 1.0)
        inverse = np.empty((len(det), 2, 2))
        inverse[:, 0, 0], inverse[:, 0, 1] = b[:, 1] / det, -b[:, 0] / det
        inverse[:, 1, 0], inverse[:, 1, 1] = -a[:, 1] / det, a[:, 0] / det
        result = np.einsum("tij,tjk->tik", self.rest_edges, inverse)
        result[~ok] = np.eye(2)
        offset = self.rest_origin - np.einsum("tij,tj->ti", result, corners[:, 0])
        return np.column_stack([result.reshape(-1, 4), offset]).astype(np.float32)

    def coarse_map(self, vertices: np.ndarray, rows: slice, cols: slice) -> np.ndarray:
        """The backward map at the coarse output samples in ``rows`` x ``cols``: float32 [r, c, 2], source pixels."""
        packed = self.inverse_maps(vertices)
        height, width = self.size
        targets = self.targets.reshape(*self.coarse, 2)[rows, cols]
        yx, yy = targets[..., 0].ravel(), targets[..., 1].ravel()
        xx, xy = yx, yy
        flat = self.lookup.ravel()
        for _ in range(WALK_STEPS):
            col = np.clip(xx, 0, width - 1).astype(np.int32)
            row = np.clip(xy, 0, height - 1).astype(np.int32)
            row *= width
            row += col
            m = np.take(packed, np.take(flat, row), axis=0)
            xx = m[:, 0] * yx + m[:, 1] * yy + m[:, 4]
            xy = m[:, 2] * yx + m[:, 3] * yy + m[:, 5]
        return np.stack([xx, xy], axis=-1).reshape(*targets.shape)

    def full_map(self, vertices: np.ndarray, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """The backward map at every output pixel of ``box`` (x0, y0, x1, y1; default the whole image).

        float32 [y1 - y0, x1 - x0, 2], pixel-index coordinates for cv2.remap. Only the coarse samples around
        the box are solved for, so a small character costs little.
        """
        height, width = self.size
        x0, y0, x1, y1 = (0, 0, width, height) if box is None else box
        step = self.step
        c0, r0 = x0 // step, y0 // step
        c1, r1 = min(-(-x1 // step) + 1, self.coarse[1] - 1), min(-(-y1 // step) + 1, self.coarse[0] - 1)
        coarse = self.coarse_map(vertices, slice(r0, r1 + 1), slice(c0, c1 + 1)) - np.float32(0.5)
        big = cv2.resize(coarse, ((c1 - c0 + 1) * step, (r1 - r0 + 1) * step), interpolation=cv2.INTER_LINEAR)
        left, top = x0 - (c0 - 1) * step, y0 - (r0 - 1) * step
        return big[top : top + y1 - y0, left : left + x1 - x0]

    def box(self, vertices: np.ndarray, margin: int = 2) -> tuple[int, int, int, int] | None:
        """The pixels the deformed mesh can cover, (x0, y0, x1, y1) clipped to the image; None when off-image."""
        height, width = self.size
        low = np.floor(vertices.min(axis=0)).astype(int) - margin
        high = np.ceil(vertices.max(axis=0)).astype(int) + margin
        x0, y0 = max(0, low[0]), max(0, low[1])
        x1, y1 = min(width, high[0]), min(height, high[1])
        return None if x0 >= x1 or y0 >= y1 else (int(x0), int(y0), int(x1), int(y1))


def triangle_lookup(mesh: Mesh, height: int, width: int) -> np.ndarray:
    """The triangle under every pixel centre, int32 [H, W]; pixels off the mesh get the nearest covered pixel's.

    Drawn with cv2.fillConvexPoly (a loop over triangles, once per mesh; 4 fractional bits), then
    cv2.distanceTransformWithLabels hands every uncovered pixel the label of its nearest covered pixel.
    """
    lookup = np.full((height, width), -1, np.int32)
    corners = np.round((mesh.vertices[mesh.triangles] - 0.5) * 16).astype(np.int32)
    for index, triangle in enumerate(corners):
        cv2.fillConvexPoly(lookup, triangle, index, cv2.LINE_8, 4)
    covered = lookup >= 0
    if covered.all() or not covered.any():
        return np.maximum(lookup, 0)
    _, labels = cv2.distanceTransformWithLabels((~covered).astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    source = np.zeros(int(labels.max()) + 1, np.int32)
    source[labels[covered]] = lookup[covered]
    return source[labels]
