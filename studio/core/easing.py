"""Easy Ease (After Effects' F9): keys made smooth with flat tangents, one undoable edit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from studio.core.edits import ChangeTracks
from studio.core.project import Project
from studio.core.sampling import resolved_tangents
from studio.core.tracks import Interpolation, Track


def easy_ease(project: Project, channels_by_key: Mapping[tuple[str, int], Iterable[int]]) -> ChangeTracks:
    """Edit that eases keys in and out (After Effects' Easy Ease, F9): smooth, with flat tangents.

    ``channels_by_key`` maps (keypoint id, frame) to the channels to flatten; other channels keep their
    effective slopes. Our Bezier handles sit a third of the segment away: After Effects' 33% influence.
    """
    after: dict[str, Track | None] = {}
    for kp_id in sorted({kp_id for kp_id, _ in channels_by_key}):
        track = project.track(kp_id)
        tin, tout = resolved_tangents(track)
        keys = list(track.keys)
        for i, key in enumerate(keys):
            channels = set(channels_by_key.get((kp_id, key.frame), ()))
            if not channels:
                continue
            flat_in = tuple(0.0 if c in channels else float(v) for c, v in enumerate(tin[i]))
            flat_out = tuple(0.0 if c in channels else float(v) for c, v in enumerate(tout[i]))
            keys[i] = key.with_changes(interpolation=Interpolation.SMOOTH, in_tangent=flat_in, out_tangent=flat_out)
        after[kp_id] = Track(tuple(keys))
    before = {kp_id: project.tracks.get(kp_id) for kp_id in after}
    return ChangeTracks(before, after, "Easy ease")
