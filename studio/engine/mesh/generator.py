"""The built-in "mesh" generator: the character's region as a triangle mesh, deformed as rigidly as possible.

prepare (once per source and region): triangulate the region (or the whole image, its border held still),
split the source into a moving character layer and an inpainted still background, and locate every pixel in
the mesh. On the first frame of a pin set (the rest keypoints): bind each pin to its triangle and factorise the
two ARAP systems. Per frame: two back-substitutions, a vectorised backward map, one remap, one blend.

A pin holds a point of the mesh (barycentric weights in its triangle) and that triangle's frame: its two
edges, soft-constrained to their rest vectors turned by a 2x2 frame. A keypoint whose rotation and scale differ
from its rest sets that frame: its jacobian J_driving J_source^-1 (as in the warp). A keypoint whose rotation
and scale are at rest follows its neighbours: its frame is the rotation the pins' movement implies around it
(a weighted 2D Procrustes fit over the nearby pins), so dragging pins alone bends the mesh as rigidly as
possible without twisting it at the pins. Pins outside the mesh (on the still background) are ignored.
See docs/deformation.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from studio.core.errors import UserError
from studio.engine.contract import Capabilities, Motion, SourceState, check_motions, check_source
from studio.engine.mesh.arap import PIN_WEIGHT, ArapMesh, ArapSolver, Constraints
from studio.engine.mesh.backward import BackwardMapper
from studio.engine.mesh.layers import build_layers, compose, region_matte
from studio.engine.mesh.triangulate import build_mesh

DEFAULT_VERTICES = 1500
STIFF_GAIN = 100.0
OUTSIDE_SPACINGS = 1.0


class MeshGenerator:
    """Render a source moved by keypoints through an as-rigid-as-possible mesh; needs no weights.

    Options: ``vertices`` (mesh density, default 1500), ``map_step`` (pixels between samples of the coarse
    backward map, default 4), ``pin_frame_weight`` (how strongly a pin holds its triangle's rotation and
    scale relative to its position, default 1; 0 leaves pins as plain points).
    """

    capabilities = Capabilities(
        name="mesh",
        title="As-rigid-as-possible mesh",
        detects_keypoints=False,
        keypoint_count=None,
        alpha=True,
        needs_weights=False,
        region=True,
        stiffness=True,
    )

    def __init__(self, device: str = "auto", vertices: int = DEFAULT_VERTICES, map_step: int = 4,
                 pin_frame_weight: float = 1.0, **options: Any) -> None:
        if options:
            raise UserError(f"unknown option(s) for the mesh generator: {', '.join(sorted(options))}; "
                            "it takes vertices, map_step and pin_frame_weight")
        if not 16 <= int(vertices) <= 100_000:
            raise UserError(f"vertices {vertices} is out of range: give 16 to 100000, e.g. 1500")
        if not 1 <= int(map_step) <= 32:
            raise UserError(f"map_step {map_step} is out of range: give 1 to 32, e.g. 4")
        if not float(pin_frame_weight) >= 0.0:
            raise UserError(f"pin_frame_weight {pin_frame_weight} must be 0 or more, e.g. 1")
        self.device = device
        self.vertices = int(vertices)
        self.map_step = int(map_step)
        self.pin_frame_weight = float(pin_frame_weight)

    def prepare(self, source: np.ndarray, region: np.ndarray | None = None,
                stiffness: np.ndarray | None = None) -> SourceState:
        """Mesh the region (HxW uint8 matte; default: the alpha, else the whole image) and build the layers.

        ``stiffness``: HxW float32 in [0, 1] (studio.engine.stiffness); a vertex's rigidity weight is
        1 + STIFF_GAIN x the map under it.

        state.data: "source", "mesh", "arap" (ArapMesh), "mapper" (BackwardMapper), "layers", "anchors"
        (indices of vertices held still: the image border when there is no region), "pins" (cache).
        """
        check_source(source)
        height, width, channels = source.shape
        if region is not None and np.asarray(region).shape != (height, width):
            raise ValueError(f"region must be {height}x{width} like the source, got {np.asarray(region).shape}")
        if stiffness is not None and np.asarray(stiffness).shape != (height, width):
            raise ValueError(f"stiffness must be {height}x{width} like the source, got {np.asarray(stiffness).shape}")
        matte = region_matte(source, region)
        solid = np.full((height, width), 255, np.uint8) if matte is None else matte
        try:
            mesh = build_mesh(solid, self.vertices)
        except ValueError:
            raise UserError("the character's region is empty: draw or import a region, or clear it") from None
        state = SourceState(height, width, channels)
        state.data.update(
            source=source.copy(), mesh=mesh, arap=ArapMesh(mesh, vertex_stiffness(mesh.vertices, stiffness)),
            mapper=BackwardMapper(mesh, height, width,
                                                                                        self.map_step),
            layers=build_layers(source, matte),
            anchors=np.flatnonzero(mesh.boundary) if matte is None else np.zeros(0, np.int64), pins=None)
        return state

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """Return the HxWxC uint8 source moved from kp_source to kp_driving (C as given to prepare)."""
        count = check_motions(kp_source, kp_driving)
        solver, bound = self._solver(state, kp_source) if count else (None, np.zeros(0, bool))
        if solver is None:
            return state.data["source"].copy()
        targets = self._targets(state, kp_source, kp_driving, bound)
        vertices = solver.solve(targets)
        mapper = state.data["mapper"]
        box = mapper.box(vertices)
        return compose(state.data["layers"], None if box is None else mapper.full_map(vertices, box), box)

    def deform(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """The deformed mesh vertices float64 [N, 2] for a pose (the rest vertices when no pin binds)."""
        check_motions(kp_source, kp_driving)
        solver, bound = self._solver(state, kp_source)
        if solver is None:
            return state.data["mesh"].vertices.copy()
        return solver.solve(self._targets(state, kp_source, kp_driving, bound))

    def _solver(self, state: SourceState, kp_source: Motion) -> tuple[ArapSolver | None, np.ndarray]:
        """The factorised systems for this rest pose (cached: rebuilt only when the pins change)."""
        key = (np.asarray(kp_source.positions, np.float32).tobytes(),
               np.asarray(kp_source.jacobians, np.float32).tobytes())
        cached = state.data["pins"]
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        positions = np.asarray(kp_source.positions, np.float64)
        solver, bound = self._factorise(state, positions)
        triangle, _ = state.data["mesh"].locate(positions[bound])
        state.data["pins"] = (key, solver, bound, neighbour_weights(positions[bound]), triangle)
        return solver, bound

    def _factorise(self, state: SourceState, positions: np.ndarray) -> tuple[ArapSolver | None, np.ndarray]:
        """Bind the pins (points and triangle edges) to the mesh and factorise; None when no pin lands on it."""
        mesh = state.data["mesh"]
        triangle, weights = mesh.locate(positions)
        clamped = np.clip(weights, 0.0, None)
        clamped /= clamped.sum(axis=1, keepdims=True)
        nearest = np.einsum("pk,pkd->pd", clamped, mesh.vertices[mesh.triangles[triangle]])
        bound = np.linalg.norm(nearest - positions, axis=1) <= OUTSIDE_SPACINGS * mesh.spacing
        anchors = state.data["anchors"]
        if not bound.any() and not anchors.size:
            return None, bound
        frame_triangle = np.repeat(triangle[bound], 2)
        frame_weights = np.tile([[-1.0, 1.0, 0.0], [-1.0, 0.0, 1.0]], (int(bound.sum()), 1))
        anchor_triangle, anchor_weights = _vertex_bindings(mesh, anchors)
        strength = np.concatenate([np.full(int(bound.sum()), PIN_WEIGHT),
                                   np.full(len(frame_triangle), PIN_WEIGHT * self.pin_frame_weight),
                                   np.full(len(anchors), PIN_WEIGHT)])
        constraints = Constraints(np.concatenate([triangle[bound], frame_triangle, anchor_triangle]),
                                  np.concatenate([clamped[bound], frame_weights, anchor_weights]), strength)
        return state.data["arap"].pinned(constraints), bound

    def _targets(self, state: SourceState, kp_source: Motion, kp_driving: Motion, bound: np.ndarray) -> np.ndarray:
        """Where every constraint should go: pins, their triangles' two edges (turned), then anchors (still)."""
        mesh = state.data["mesh"]
        driving = np.asarray(kp_driving.positions, np.float64)[bound]
        jac_source = np.asarray(kp_source.jacobians, np.float64)[bound]
        jac_driving = np.asarray(kp_driving.jacobians, np.float64)[bound]
        rest = np.asarray(kp_source.positions, np.float64)[bound]
        forward = jac_driving @ _inverse_2x2(jac_source)
        unturned = np.all(np.abs(jac_driving - jac_source) <= 1e-6, axis=(1, 2))
        if unturned.any():
            natural = natural_rotations(rest, driving, state.data["pins"][3])
            forward[unturned] = natural[unturned]
        corners = mesh.vertices[mesh.triangles[state.data["pins"][4]]]
        edges = corners[:, 1:] - corners[:, :1]
        frame = np.einsum("kij,kej->kei", forward, edges)
        anchors = mesh.vertices[state.data["anchors"]]
        return np.concatenate([driving, frame.reshape(-1, 2), anchors])

    def detect_keypoints(self, state: SourceState) -> Motion | None:
        """The mesh cannot find keypoints by itself: always None."""
        return None


def vertex_stiffness(vertices: np.ndarray, stiffness: np.ndarray | None) -> np.ndarray | None:
    """Per-vertex rigidity weights [N] (1 + STIFF_GAIN x the map at the nearest pixel), or None without a map."""
    if stiffness is None:
        return None
    height, width = stiffness.shape
    cols = np.clip(vertices[:, 0].astype(np.int64), 0, width - 1)
    rows = np.clip(vertices[:, 1].astype(np.int64), 0, height - 1)
    return 1.0 + STIFF_GAIN * np.clip(np.asarray(stiffness, np.float64)[rows, cols], 0.0, 1.0)


def _vertex_bindings(mesh: Any, vertices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bindings (triangle, one-hot weights) that put a constraint point exactly on each given vertex."""
    if not len(vertices):
        return np.zeros(0, np.int64), np.zeros((0, 3))
    owner = np.full(len(mesh.vertices), -1, np.int64)
    corner = np.zeros(len(mesh.vertices), np.int64)
    for k in range(3):
        owner[mesh.triangles[:, k]] = np.arange(len(mesh.triangles))
        corner[mesh.triangles[:, k]] = k
    weights = np.zeros((len(vertices), 3))
    weights[np.arange(len(vertices)), corner[vertices]] = 1.0
    return owner[vertices], weights


def _inverse_2x2(matrices: np.ndarray) -> np.ndarray:
    """Closed-form inverses of [K, 2, 2] matrices (np.linalg.inv costs more than the rest of a frame's pins)."""
    det = matrices[:, 0, 0] * matrices[:, 1, 1] - matrices[:, 0, 1] * matrices[:, 1, 0]
    if np.any(np.abs(det) < 1e-12):
        raise ValueError("a source jacobian is singular: every keypoint scale must be non-zero")
    inverse = np.empty_like(matrices)
    inverse[:, 0, 0], inverse[:, 1, 1] = matrices[:, 1, 1] / det, matrices[:, 0, 0] / det
    inverse[:, 0, 1], inverse[:, 1, 0] = -matrices[:, 0, 1] / det, -matrices[:, 1, 0] / det
    return inverse


def neighbour_weights(rest: np.ndarray, neighbours: int = 3) -> np.ndarray:
    """[K, K] Gaussian weights of every pin for every other by rest distance.

    Each pin's sigma is its distance to its third-nearest pin, so a lone pin (a still shoulder far from a
    moving face) is judged by the pins around it, not by the far-away crowd.
    """
    if len(rest) < 2:
        return np.ones((len(rest), len(rest)))
    distance = np.linalg.norm(rest[:, None] - rest[None], axis=2)
    sigma = np.maximum(np.sort(distance, axis=1)[:, min(neighbours, len(rest) - 1)], 1e-6)
    return np.exp(-(distance**2) / (2.0 * sigma[:, None] ** 2))


def natural_rotations(rest: np.ndarray, driving: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """[K, 2, 2] rotation the pins' movement implies around each pin: weighted 2D Procrustes over the pins."""
    total = weights.sum(axis=1, keepdims=True)
    rest_centre = weights @ rest / total
    driving_centre = weights @ driving / total
    a = rest[None] - rest_centre[:, None]
    b = driving[None] - driving_centre[:, None]
    dot = np.einsum("kj,kj->k", weights, (a * b).sum(axis=2))
    cross = np.einsum("kj,kj->k", weights, a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0])
    angle = np.arctan2(cross, dot)
    cos, sin = np.cos(angle), np.sin(angle)
    return np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], axis=1)
