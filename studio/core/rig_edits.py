"""Rig edits with undo (parents, sticks, stiff areas), world<->local conversions for drags and bakes, and the
project file's ``rig`` section.

The UI calls only these: ``set_parent`` (keeps the child's world pose at its keys and at the current frame),
``delete_keypoints`` (unparents the children first), ``add_stick``/``remove_stick``,
``add_stiff_area``/``remove_stiff_area``, and ``world_to_local``/``local_to_world`` while a child is dragged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from studio.core.edits import ChangeKeypoint, ChangeTracks, DeleteKeypoints, Edit, Macro
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.rig import (
    Stick,
    StiffArea,
    compose,
    cycle_problem,
    hierarchy_depths,
    parent_indices,
    to_local,
    to_world,
)
from studio.core.sampling import MotionSampler
from studio.core.tracks import Keyframe, Track, Values

_TANGENT_STEP = 1e-4
_KEEP = 1e-9


def composed_values(project: Project, frames: Iterable[float] | np.ndarray,
                    keypoints: list[Keypoint] | None = None, tracks: Mapping[str, Track] | None = None) -> np.ndarray:
    """World values [M, K, 4] with parents composed but no sticks (what keys convert through).

    ``keypoints`` and ``tracks`` override the project's (to look at a document an edit is about to make).
    """
    keypoints = project.keypoints if keypoints is None else keypoints
    tracks = project.tracks if tracks is None else tracks
    rest = np.array([kp.rest_values for kp in keypoints], np.float64).reshape(-1, 4)
    if keypoints is project.keypoints and tracks is project.tracks:
        local = project.sample_values(np.asarray(list(frames), np.float64))
    else:
        sampler = MotionSampler([tracks.get(kp.id, Track()) for kp in keypoints], rest)
        local = sampler.sample(np.asarray(list(frames), np.float64))
    return compose(local, rest, parent_indices(keypoints))


def world_to_local(project: Project, keypoint_id: str, frame: float, world: Values) -> tuple[float, ...]:
    """The own (track) values that put a keypoint at world pose ``world`` (x, y, rotation, scale) at ``frame``.

    A drag on the canvas keeps a child under the mouse with this: the mouse gives the world pose, the key gets
    the local one. For a keypoint without parent the values come back unchanged.
    """
    index = project.index_of(keypoint_id)
    parent = parent_indices(project.keypoints)[index]
    values = np.asarray(world, np.float64)
    if parent < 0:
        return tuple(float(v) for v in values)
    parent_world = composed_values(project, [frame])[0, parent]
    return tuple(float(v) for v in to_local(parent_world, project.keypoints[parent].rest_values, values))


def local_to_world(project: Project, keypoint_id: str, frame: float, local: Values) -> tuple[float, ...]:
    """The world pose of a keypoint whose own values are ``local`` at ``frame`` (world_to_local⁻¹)."""
    index = project.index_of(keypoint_id)
    parent = parent_indices(project.keypoints)[index]
    values = np.asarray(local, np.float64)
    if parent < 0:
        return tuple(float(v) for v in values)
    parent_world = composed_values(project, [frame])[0, parent]
    return tuple(float(v) for v in to_world(parent_world, project.keypoints[parent].rest_values, values))


def _names(project: Project, ids: list[str]) -> str:
    if len(ids) == 1:
        return project.keypoint(ids[0]).name
    return f"{len(ids)} keypoints"


def set_parent(project: Project, child_ids: Iterable[str], parent_id: str | None, frame: int) -> Edit:
    """One undo step that parents the children to ``parent_id`` (None: unparents them), keeping their world pose.

    Every key is converted so the child stands where it stood at that key's frame (tangents follow the
    conversion's linear part); a child without keys gets a key at ``frame`` when the new parent is not at rest
    there. Described for the history as "Parent eyes to head" / "Unparent eyes". UserError on a loop.
    """
    ids = [i for i in dict.fromkeys(child_ids) if project.keypoint(i).parent != parent_id]
    for child_id in ids:
        problem = cycle_problem(project.keypoints, child_id, parent_id)
        if problem is not None:
            raise UserError(problem)
    text = (f"Unparent {_names(project, ids)}" if parent_id is None
            else f"Parent {_names(project, ids)} to {project.keypoint(parent_id).name}")
    keypoints = [kp.with_changes(parent=parent_id) if kp.id in ids else kp for kp in project.keypoints]
    edits: list[Edit] = [ChangeKeypoint(project.keypoint(i), keypoints[project.index_of(i)], text) for i in ids]
    after = {i: _converted_track(project, keypoints, i, frame) for i in ids}
    changed = {i: track for i, track in after.items() if track != project.track(i)}
    if changed:
        edits.append(ChangeTracks({i: project.tracks.get(i) for i in changed}, dict(changed), text))
    return Macro(edits, text)


def _converted_track(project: Project, keypoints: list[Keypoint], child_id: str, frame: int) -> Track:
    """The child's track re-expressed under its new parent (``keypoints`` holds the new parent link)."""
    index = project.index_of(child_id)
    track = project.track(child_id)
    frames = [k.frame for k in track.keys] or [frame]
    world_before = composed_values(project, frames)[:, index]
    new_parent = parent_indices(keypoints)[index]
    convert = _converter(project, keypoints, new_parent, frames)
    new_values = convert(world_before, np.arange(len(frames)))
    if not len(track):
        rest = keypoints[index].rest_values
        if np.all(np.abs(new_values[0] - rest) <= _KEEP):
            return track
        return Track((Keyframe(frame, tuple(float(v) for v in new_values[0])),))
    old_to_world = _old_to_world(project, index, frames)
    keys = []
    for j, key in enumerate(track.keys):
        rows = np.array([j])

        def through(values: np.ndarray, rows: np.ndarray = rows) -> np.ndarray:
            return convert(old_to_world(values, rows), rows)

        keys.append(key.with_changes(values=tuple(float(v) for v in new_values[j]),
                                     in_tangent=_tangent(through, key.values, key.in_tangent),
                                     out_tangent=_tangent(through, key.values, key.out_tangent)))
    return Track(tuple(keys))


Mapper = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _converter(project: Project, keypoints: list[Keypoint], parent: int, frames: list[int]) -> Mapper:
    """world values [n, 4] at rows of ``frames`` -> the child's own values under ``parent`` (-1: none)."""
    if parent < 0:
        return lambda values, rows: np.asarray(values, np.float64)
    parent_world = composed_values(project, frames, keypoints)[:, parent]
    parent_rest = keypoints[parent].rest_values
    return lambda values, rows: to_local(parent_world[rows], parent_rest, np.asarray(values, np.float64))


def _old_to_world(project: Project, index: int, frames: list[int]) -> Mapper:
    """The child's current own values [n, 4] at rows of ``frames`` -> world values, under its current parent."""
    parent = parent_indices(project.keypoints)[index]
    if parent < 0:
        return lambda values, rows: np.asarray(values, np.float64)
    parent_world = composed_values(project, frames)[:, parent]
    parent_rest = project.keypoints[parent].rest_values
    return lambda values, rows: to_world(parent_world[rows], parent_rest, np.asarray(values, np.float64))


def _tangent(mapping: Callable[[np.ndarray], np.ndarray], values: Values,
             tangent: Values | None) -> tuple[float, ...] | None:
    """A tangent carried through a pose conversion by its linear part (a finite difference)."""
    if tangent is None:
        return None
    base = np.asarray(values, np.float64)[None]
    step = np.asarray(tangent, np.float64)[None]
    moved = (mapping(base + _TANGENT_STEP * step) - mapping(base)) / _TANGENT_STEP
    return tuple(float(v) for v in moved[0])


def delete_keypoints(project: Project, ids: Iterable[str], frame: int) -> Edit:
    """One undo step that deletes keypoints: their children are unparented first (keeping their world pose) and
    sticks touching them removed."""
    ids = tuple(dict.fromkeys(ids))
    gone = set(ids)
    edits: list[Edit] = []
    orphans = [kp.id for kp in project.keypoints if kp.parent in gone and kp.id not in gone]
    if orphans:
        edits.append(set_parent(project, orphans, None, frame))
    kept = tuple(s for s in project.sticks if s.a not in gone and s.b not in gone)
    if kept != project.sticks:
        edits.append(ChangeRig(project.stiff_areas, project.stiff_areas, project.sticks, kept))
    edits.append(DeleteKeypoints(ids))
    return Macro(edits, "Delete keypoints")


@dataclass
class ChangeRig(Edit):
    """Replace the project's stiff areas and sticks (every stick and stiff-area operation is one of these)."""

    before_areas: tuple[StiffArea, ...]
    after_areas: tuple[StiffArea, ...]
    before_sticks: tuple[Stick, ...]
    after_sticks: tuple[Stick, ...]
    text: str = "Change rig"

    def apply(self, project: Project) -> None:
        project.stiff_areas, project.sticks = self.after_areas, self.after_sticks
        project.notify("rig")

    def revert(self, project: Project) -> None:
        project.stiff_areas, project.sticks = self.before_areas, self.before_sticks
        project.notify("rig")


def add_stiff_area(project: Project, area: StiffArea) -> ChangeRig:
    """Edit that adds a stiff area (a circle the mesh holds more rigidly)."""
    return ChangeRig(project.stiff_areas, (*project.stiff_areas, area), project.sticks, project.sticks,
                     "Add stiff area")


def remove_stiff_area(project: Project, index: int) -> ChangeRig:
    """Edit that removes the stiff area at ``index`` in ``project.stiff_areas``."""
    if not 0 <= index < len(project.stiff_areas):
        raise UserError(f"there is no stiff area {index + 1}: the project has {len(project.stiff_areas)}")
    areas = project.stiff_areas[:index] + project.stiff_areas[index + 1:]
    return ChangeRig(project.stiff_areas, areas, project.sticks, project.sticks, "Remove stiff area")


def add_stick(project: Project, a: str, b: str) -> ChangeRig:
    """Edit that links two keypoints by a stick (their distance stays at its rest length)."""
    names = [project.keypoint(i).name for i in (a, b)]
    if a == b:
        raise UserError(f"a stick joins two different keypoints, not {names[0]} to itself")
    if any(s.joins(a, b) for s in project.sticks):
        raise UserError(f"{names[0]} and {names[1]} are already joined by a stick")
    return ChangeRig(project.stiff_areas, project.stiff_areas, project.sticks, (*project.sticks, Stick(a, b)),
                     f"Stick {names[0]} to {names[1]}")


def remove_stick(project: Project, a: str, b: str) -> ChangeRig:
    """Edit that removes the stick between two keypoints."""
    kept = tuple(s for s in project.sticks if not s.joins(a, b))
    if kept == project.sticks:
        raise UserError(f"no stick joins {project.keypoint(a).name} and {project.keypoint(b).name}")
    names = [project.keypoint(i).name for i in (a, b)]
    return ChangeRig(project.stiff_areas, project.stiff_areas, project.sticks, kept,
                     f"Remove stick {names[0]}-{names[1]}")


def localise_tracks(project: Project, world_tracks: Mapping[str, Track], start: int, end: int) -> dict[str, Track]:
    """Tracks holding world values (a baked take) turned into the keypoints' own values, parents first.

    Each key becomes the child's value relative to its parent at that frame, the parent as it will be once these
    tracks replace its keys over [start, end] (the parent's own baked keys included).
    """
    parents = parent_indices(project.keypoints)
    depth = hierarchy_depths(parents)
    result = dict(world_tracks)
    for level in range(1, int(depth.max(initial=0)) + 1):
        kids = [project.keypoints[i].id for i in np.flatnonzero(depth == level) if project.keypoints[i].id in result]
        if not kids:
            continue
        merged = dict(project.tracks)
        for kp_id, track in result.items():
            kept = tuple(k for k in project.track(kp_id).keys if not start <= k.frame <= end)
            merged[kp_id] = Track(kept + tuple(k for k in track.keys if start <= k.frame <= end))
        for kp_id in kids:
            result[kp_id] = _localised(project, merged, kp_id, result[kp_id], parents)
    return result


def _localised(project: Project, tracks: Mapping[str, Track], kp_id: str, world: Track,
               parents: np.ndarray) -> Track:
    """One child's world-valued track converted to own values under the document ``tracks`` describes."""
    if not len(world):
        return world
    index = project.index_of(kp_id)
    parent = parents[index]
    frames = [k.frame for k in world.keys]
    parent_world = composed_values(project, frames, project.keypoints, tracks)[:, parent]
    values = np.array([k.values for k in world.keys], np.float64)
    local = to_local(parent_world, project.keypoints[parent].rest_values, values)
    return Track(tuple(k.with_changes(values=tuple(float(v) for v in row), in_tangent=None, out_tangent=None)
                       for k, row in zip(world.keys, local, strict=True)))


def rig_document(project: Project) -> dict[str, Any]:
    """The project.json entries for stiff areas and sticks (nothing when there are none: old files unchanged)."""
    present = {kp.id for kp in project.keypoints}
    sticks = [{"a": s.a, "b": s.b} for s in project.sticks if s.a in present and s.b in present]
    areas = [{"x": a.x, "y": a.y, "radius": a.radius, "strength": a.strength} for a in project.stiff_areas]
    if not sticks and not areas:
        return {}
    return {"rig": {"stiff_areas": areas, "sticks": sticks}}


def read_rig(context: Any, project: Project) -> None:
    """The project file's rig section (a project_file section reader); absent in older files."""
    raw = context.document.get("rig")
    if raw is None:
        return
    r = context.r
    data = r.obj(raw, "rig")
    areas, sticks = data.get("stiff_areas", []), data.get("sticks", [])
    if not isinstance(areas, list) or not isinstance(sticks, list):
        raise r.fail("rig", "stiff_areas and sticks must be lists")
    read: list[StiffArea] = []
    for i, item in enumerate(areas):
        where = f"rig.stiff_areas[{i}]"
        entry = r.obj(item, where)
        try:
            read.append(StiffArea(r.num(entry, "x", where), r.num(entry, "y", where), r.num(entry, "radius", where),
                                  r.num(entry, "strength", where)))
        except ValueError as error:
            raise r.fail(where, str(error)) from None
    present = {kp.id for kp in project.keypoints}
    links: list[Stick] = []
    for i, item in enumerate(sticks):
        where = f"rig.sticks[{i}]"
        entry = r.obj(item, where)
        a, b = r.str_(entry, "a", where), r.str_(entry, "b", where)
        if a not in present or b not in present or a == b:
            raise r.fail(where, "must join two different keypoints of the project")
        links.append(Stick(a, b))
    project.stiff_areas, project.sticks = tuple(read), tuple(links)
