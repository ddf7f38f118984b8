"""Edits to the sound or the mouth shapes that the mouth keys follow: when the sound has cues (a lip sync ran),
sliding it, re-cueing it or re-posing a shape re-keys the mouth, in one undo step."""

from __future__ import annotations

from collections.abc import Callable

from studio.core.audio import ChangeMouthShapes, ChangeSound, MouthShapes, Sound, mouth_shapes_of
from studio.core.edits import Edit, Macro, replace_tracks
from studio.core.project import Project
from studio.core.tracks import Track
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS, lip_sync_edit, sound_frames


def sound_edit(project: Project, after: Sound, text: str = "", merge_key: str | None = None,
               shapes: MouthShapes | None = None) -> Edit:
    """Change the sound to ``after`` (and the mouth shapes to ``shapes``, when given); with cues and mouth
    keypoints, the mouth keys over the sound's old range are cleared and keyed again for its new cues, offset
    and mouth shapes (one step)."""
    change: Edit = ChangeSound(project.sound, after, text, merge_key)
    before_shapes = mouth_shapes_of(project)
    if shapes is not None and shapes != before_shapes:
        change = Macro([ChangeMouthShapes(before_shapes, shapes), change], change.text)
    return _with_keys(project, change, after, shapes or before_shapes)


def shapes_edit(project: Project, after: MouthShapes, text: str = "Mouth shapes") -> Edit:
    """Change the mouth shapes (a pose or the amplitude); the keys of a lip-synced sound follow."""
    change = ChangeMouthShapes(mouth_shapes_of(project), after, text)
    sound = project.sound
    return _with_keys(project, change, sound, after) if sound is not None else change


def _with_keys(project: Project, change: Edit, sound: Sound | None, shapes: MouthShapes) -> Edit:
    """``change``, then the mouth re-keyed for ``sound``'s cues, as one Macro (just ``change`` without cues or
    mouth keypoints)."""
    mouth = [kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS]
    if sound is None or not sound.cues or not mouth:
        return change
    steps: list[Callable[[Project], Edit]] = [lambda _p: change]
    before = project.sound
    if before is not None and before.cues:
        first, last = sound_frames(project, before.cues, before.offset)
        steps.append(lambda p: replace_tracks(p, {kp_id: Track() for kp_id in mouth}, first, last, change.text))
    steps.append(lambda p: lip_sync_edit(p, sound.cues, sound.offset, shapes.amplitude, shapes.poses))
    return Macro(_built(project, steps), change.text)


def _built(project: Project, steps: list[Callable[[Project], Edit]]) -> list[Edit]:
    """Make each edit from the state the previous ones leave (applying them), then restore the project."""
    done: list[Edit] = []
    try:
        for make in steps:
            edit = make(project)
            edit.apply(project)
            done.append(edit)
    finally:
        for edit in reversed(done):
            edit.revert(project)
    return done
