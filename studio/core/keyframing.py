"""Keyframing rules shared by every way of writing a key (canvas drags, K, the timeline).

The first key of a keypoint written away from the shot's start would hold everywhere and move the keypoint
on every earlier frame too; so that write also keys the rest pose at the shot's start, and the frames
before the new key keep the pose they showed.
"""

from __future__ import annotations

from studio.core.project import Project
from studio.core.tracks import Interpolation, Keyframe, Track, Values


def keyed_track(project: Project, keypoint_id: str, frame: int, values: Values,
                interpolation: Interpolation | None = None) -> Track:
    """The keypoint's track with a key of ``values`` at ``frame``.

    An existing key on that frame keeps its interpolation and tangents (unless ``interpolation`` is
    given). A first key away from the shot's start comes with a rest-pose key at the start.
    """
    track = project.track(keypoint_id)
    values = tuple(float(v) for v in values)
    existing = track.key_at(frame)
    if existing is not None:
        key = existing.with_changes(values=values)
        if interpolation is not None:
            key = key.with_changes(interpolation=interpolation)
    else:
        key = Keyframe(frame, values, interpolation or Interpolation.SMOOTH)
    start = project.timing.start
    if not len(track) and frame != start:
        rest = tuple(float(v) for v in project.keypoint(keypoint_id).rest_values)
        track = track.with_key(Keyframe(start, rest))
    return track.with_key(key)
