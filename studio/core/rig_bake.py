"""Baking a take into a rigged project: takes hold world poses, a child's keys hold its pose relative to its parent.

The take is resampled to one world key per frame, every child's keys are converted to its own values (parents
first, each parent as its baked keys will leave it: studio.core.rig_edits.localise_tracks), and only then are
keys reduced, on the values the track will hold, so the baked shot follows the performance within the
tolerance at every frame, not only at the kept keys. Projects without parents bake exactly as before.
"""

from __future__ import annotations

import numpy as np

from studio.core.key_reduction import reduce_keys
from studio.core.project import Project
from studio.core.rig_edits import localise_tracks
from studio.core.takes import Take, bake_take
from studio.core.tracks import Interpolation, Keyframe, Track


def bake_take_rigged(project: Project, take: Take, start: int, end: int, tolerance: float = 0.5) -> dict[str, Track]:
    """Tracks of the take's keypoints present in the project over [start, end], in their own (local) values."""
    present = {kp.id: kp for kp in project.keypoints}
    if not any(present[i].parent is not None for i in take.keypoint_ids if i in present):
        return {i: t for i, t in bake_take(take, project.timing.fps, start, end, tolerance).items() if i in present}
    values, _ = take.resampled(project.timing.fps)
    values = values[: max(0, end - start + 1)]
    frames = start + np.arange(len(values))
    dense = {kp_id: Track(tuple(Keyframe(int(f), tuple(float(v) for v in row), Interpolation.LINEAR)
                                for f, row in zip(frames, values[:, k], strict=True)))
             for k, kp_id in enumerate(take.keypoint_ids)
             if kp_id in present and len(values) and not np.isnan(values[:, k]).any()}
    local = localise_tracks(project, dense, start, end)
    scales = np.array([1.0, 1.0, 0.01 / tolerance, 0.01 / tolerance]) if tolerance > 0 else np.ones(4)
    reduced = {}
    for kp_id, track in local.items():
        channel = np.array([k.values for k in track.keys], np.float64)
        kept = reduce_keys(frames[: len(channel)].astype(np.float64), channel / scales, tolerance)
        reduced[kp_id] = Track(tuple(track.keys[i] for i in kept))
    return reduced
