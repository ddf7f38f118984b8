"""The rig: keypoint hierarchy (parents), sticks (rigid links) and stiff areas, as data and vectorised math.

Hierarchy. A child's channel values (x, y, rotation, scale: its track keys, or its rest pose when it has none)
are *local*: the pose it would have if its parent stood at rest. Its world pose applies the parent's
rest-to-current similarity: ``p_world = P + k R(dθ) (p_local - P_rest)``, ``rotation_world = rotation_local +
dθ``, ``scale_world = scale_local * k``, with dθ = parent rotation - parent rest rotation and k = parent scale /
parent rest scale. Composition runs level by level (a loop over hierarchy depth, vectorised over keypoints and
frames). Sticks keep the rest distance between two keypoints' world positions; stiff areas are circles of the
source image the mesh generator holds more rigidly. No Qt, no torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from studio.core.errors import UserError
from studio.core.keypoints import Keypoint

STICK_ITERATIONS = 12


@dataclass(frozen=True)
class StiffArea:
    """A circle of the source image (pixels) that resists bending; strength 0..1 (1: as stiff as it gets)."""

    x: float
    y: float
    radius: float
    strength: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.x) and math.isfinite(self.y)):
            raise ValueError("a stiff area's centre must be finite")
        if not (math.isfinite(self.radius) and self.radius > 0):
            raise ValueError("a stiff area's radius must be positive")
        if not (math.isfinite(self.strength) and 0 < self.strength <= 1):
            raise ValueError("a stiff area's strength must be in (0, 1]")


@dataclass(frozen=True)
class Stick:
    """A rigid link between two keypoints (ids): their world distance stays at its rest length."""

    a: str
    b: str

    def __post_init__(self) -> None:
        if not self.a or not self.b or self.a == self.b:
            raise ValueError("a stick joins two different keypoints")

    def joins(self, a: str, b: str) -> bool:
        """True when this stick links a and b (either way round)."""
        return {self.a, self.b} == {a, b}


def parent_indices(keypoints: Sequence[Keypoint]) -> np.ndarray:
    """Index of each keypoint's parent, int64 [K]; -1 for none (and for a parent id that is not present)."""
    index = {kp.id: i for i, kp in enumerate(keypoints)}
    return np.array([index.get(kp.parent, -1) if kp.parent is not None else -1 for kp in keypoints], np.int64)


def hierarchy_depths(parents: np.ndarray) -> np.ndarray:
    """Depth of every keypoint (0: no parent), int64 [K]; ValueError on a cycle."""
    depth = np.zeros(len(parents), np.int64)
    current = parents.copy()
    for _ in range(len(parents) + 1):
        linked = current >= 0
        if not linked.any():
            return depth
        depth += linked
        current = np.where(linked, parents[np.maximum(current, 0)], -1)
    raise ValueError("the keypoint hierarchy has a cycle")


def cycle_problem(keypoints: Sequence[Keypoint], child_id: str, parent_id: str | None) -> str | None:
    """Why ``child`` cannot take ``parent`` (one line), or None when it can."""
    names = {kp.id: kp.name for kp in keypoints}
    if child_id not in names:
        return f"keypoint {child_id!r} does not exist"
    if parent_id is None:
        return None
    if parent_id not in names:
        return f"keypoint {parent_id!r} does not exist"
    if parent_id == child_id:
        return f"{names[child_id]} cannot be its own parent"
    parent_of = {kp.id: kp.parent for kp in keypoints}
    node: str | None = parent_id
    for _ in range(len(keypoints) + 1):
        if node is None:
            return None
        if node == child_id:
            return (f"{names[parent_id]} already follows {names[child_id]}: parenting {names[child_id]} to it "
                    "would make a loop; unparent it first")
        node = parent_of.get(node)
    return "the keypoint hierarchy has a cycle"


def check_hierarchy(keypoints: Sequence[Keypoint]) -> None:
    """UserError naming the problem when a parent is missing or the parents form a cycle."""
    ids = {kp.id for kp in keypoints}
    for kp in keypoints:
        if kp.parent is not None and kp.parent not in ids:
            raise UserError(f"keypoint {kp.name} follows a parent that does not exist ({kp.parent})")
    try:
        hierarchy_depths(parent_indices(keypoints))
    except ValueError:
        raise UserError("the keypoint parents form a loop: unparent one of them") from None


def to_world(parent_world: np.ndarray, parent_rest: np.ndarray, local: np.ndarray) -> np.ndarray:
    """World channel values [..., 4] of children with local values ``local`` and parents at ``parent_world``."""
    turn = parent_world[..., 2] - parent_rest[..., 2]
    k = parent_world[..., 3] / parent_rest[..., 3]
    dx = local[..., 0] - parent_rest[..., 0]
    dy = local[..., 1] - parent_rest[..., 1]
    cos, sin = np.cos(turn) * k, np.sin(turn) * k
    out = np.empty(np.broadcast_shapes(parent_world.shape, local.shape), np.float64)
    out[..., 0] = parent_world[..., 0] + cos * dx - sin * dy
    out[..., 1] = parent_world[..., 1] + sin * dx + cos * dy
    out[..., 2] = local[..., 2] + turn
    out[..., 3] = local[..., 3] * k
    return out


def to_local(parent_world: np.ndarray, parent_rest: np.ndarray, world: np.ndarray) -> np.ndarray:
    """Local channel values [..., 4] that put children at ``world`` with parents at ``parent_world`` (to_world⁻¹)."""
    turn = parent_world[..., 2] - parent_rest[..., 2]
    k = parent_world[..., 3] / parent_rest[..., 3]
    dx = world[..., 0] - parent_world[..., 0]
    dy = world[..., 1] - parent_world[..., 1]
    cos, sin = np.cos(turn) / k, np.sin(turn) / k
    out = np.empty(np.broadcast_shapes(parent_world.shape, world.shape), np.float64)
    out[..., 0] = parent_rest[..., 0] + cos * dx + sin * dy
    out[..., 1] = parent_rest[..., 1] - sin * dx + cos * dy
    out[..., 2] = world[..., 2] - turn
    out[..., 3] = world[..., 3] / k
    return out


def compose(local: np.ndarray, rest: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """World values [M, K, 4] from local values [M, K, 4], rest values [K, 4] and parent indices [K].

    One vectorised step per hierarchy level: the parents of level d are final before level d is placed.
    """
    depth = hierarchy_depths(parents)
    world = np.array(local, np.float64, copy=True)
    for level in range(1, int(depth.max(initial=0)) + 1):
        kids = np.flatnonzero(depth == level)
        up = parents[kids]
        world[:, kids] = to_world(world[:, up], rest[up], local[:, kids])
    return world


def descendants_mask(parents: np.ndarray, index: int) -> np.ndarray:
    """bool [K]: the keypoints below ``index`` in the hierarchy (not itself)."""
    below = np.zeros(len(parents), bool)
    frontier = parents == index
    while frontier.any():
        below |= frontier
        frontier = np.isin(parents, np.flatnonzero(frontier)) & ~below
    return below


def stick_pairs(keypoints: Sequence[Keypoint], sticks: Sequence[Stick]) -> np.ndarray:
    """Index pairs int64 [S, 2] of the sticks whose two keypoints are present."""
    index = {kp.id: i for i, kp in enumerate(keypoints)}
    pairs = [(index[s.a], index[s.b]) for s in sticks if s.a in index and s.b in index]
    return np.array(pairs, np.int64).reshape(-1, 2)


def apply_sticks(world: np.ndarray, rest: np.ndarray, pairs: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """World values [M, K, 4] with every stick's two positions moved to their rest distance.

    Each stick is a distance constraint projected in turn (Gauss-Seidel, STICK_ITERATIONS sweeps, vectorised over
    frames). Both ends give way equally, unless one end is an ancestor of the other: then the descendant gives
    way alone, so a stick from a head to its hair tip never drags the head. Each end's correction then moves
    its own children with it (a translation down the hierarchy).
    """
    if not len(pairs):
        return world
    out = np.array(world, np.float64, copy=True)
    length = np.linalg.norm(rest[pairs[:, 0], :2] - rest[pairs[:, 1], :2], axis=1)
    share = np.full((len(pairs), 2), 0.5)
    for s, (a, b) in enumerate(pairs):
        if descendants_mask(parents, int(a))[b]:
            share[s] = (0.0, 1.0)
        elif descendants_mask(parents, int(b))[a]:
            share[s] = (1.0, 0.0)
    for _ in range(STICK_ITERATIONS if len(pairs) > 1 else 1):
        for s, (a, b) in enumerate(pairs):
            span = out[:, b, :2] - out[:, a, :2]
            distance = np.linalg.norm(span, axis=-1, keepdims=True)
            error = span * (1.0 - length[s] / np.maximum(distance, 1e-9))
            out[:, a, :2] += share[s, 0] * error
            out[:, b, :2] -= share[s, 1] * error
    return _carry_corrections(world, out, pairs, parents)


def _carry_corrections(world: np.ndarray, corrected: np.ndarray, pairs: np.ndarray,
                       parents: np.ndarray) -> np.ndarray:
    """Move the children of every corrected stick end by their ancestors' corrections (level by level)."""
    ends = np.zeros(len(parents), bool)
    ends[pairs.ravel()] = True
    shift = np.where(ends[None, :, None], corrected[..., :2] - world[..., :2], 0.0)
    depth = hierarchy_depths(parents)
    for level in range(1, int(depth.max(initial=0)) + 1):
        kids = np.flatnonzero((depth == level) & ~ends)
        shift[:, kids] = shift[:, parents[kids]]
    corrected[..., :2] = world[..., :2] + shift
    return corrected
