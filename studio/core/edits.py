"""Reversible edits: every change to a project is an Edit with apply/revert.

The UI's undo stack wraps these objects; scripted edits use the same path. Edits that carry a
``merge_key`` fold into the previous edit with the same key (a drag becomes one undo step).
Track edits store whole before/after tracks: tracks are small and immutable, so this is exact.
Every edit carries a ``text`` naming what changed ("Move chin at 36", "Key 19 keypoints at 0"): the
History panel and the Undo/Redo menu items show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from studio.core.keyframing import keyed_track
from studio.core.keypoints import Keypoint
from studio.core.project import Project, RenderSettings, Timing
from studio.core.takes import Take
from studio.core.tracks import Interpolation, Keyframe, Track, Values


def describe_keypoints(project: Project, keypoint_ids: Iterable[str]) -> str:
    """How a history row names keypoints: the name of one ("chin"), else a count ("19 keypoints")."""
    ids = list(dict.fromkeys(keypoint_ids))
    if len(ids) == 1:
        try:
            return project.keypoint(ids[0]).name
        except KeyError:
            return "1 keypoint"
    return f"{len(ids)} keypoints"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def describe_keypoint_change(before: Keypoint, after: Keypoint) -> str:
    """What changed between two versions of a keypoint ("Rename a to b", "Radius of chin", "Move chin")."""
    if before.name != after.name:
        return f"Rename {before.name} to {after.name}"
    if before.radius != after.radius:
        return f"Radius of {after.name}"
    if before.color != after.color:
        return f"Colour of {after.name}"
    if (before.rotation, before.scale) != (after.rotation, after.scale):
        return f"Rotate {after.name}"
    return f"Move {after.name}"


class Edit:
    """Base class: ``apply`` does the change, ``revert`` undoes it; both notify the project."""

    text = "Edit"
    merge_key: str | None = None

    def apply(self, project: Project) -> None:
        """Do the change."""
        raise NotImplementedError

    def revert(self, project: Project) -> None:
        """Undo the change."""
        raise NotImplementedError

    def merge(self, newer: Edit) -> bool:
        """Absorb a newer edit with the same merge_key; return False if it cannot."""
        return False


@dataclass
class AddKeypoint(Edit):
    """Add a keypoint (at the end, or at ``index``)."""

    keypoint: Keypoint
    index: int | None = None
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.text or f"Add {self.keypoint.name}"

    def apply(self, project: Project) -> None:
        index = len(project.keypoints) if self.index is None else self.index
        project.keypoints.insert(index, self.keypoint)
        project.notify("keypoints")

    def revert(self, project: Project) -> None:
        project.keypoints.remove(project.keypoint(self.keypoint.id))
        project.tracks.pop(self.keypoint.id, None)
        project.notify("keypoints")


@dataclass
class DeleteKeypoints(Edit):
    """Delete keypoints and their tracks."""

    ids: tuple[str, ...]
    text: str = ""
    _removed: list[tuple[int, Keypoint, Track | None]] = field(default_factory=list)

    def apply(self, project: Project) -> None:
        self.text = self.text or f"Delete {describe_keypoints(project, self.ids)}"
        self._removed = [(project.index_of(i), project.keypoint(i), project.tracks.get(i)) for i in self.ids]
        self._removed.sort(key=lambda item: item[0])
        for _, kp, _ in self._removed:
            project.keypoints.remove(kp)
            project.tracks.pop(kp.id, None)
        project.notify("keypoints")

    def revert(self, project: Project) -> None:
        for index, kp, track in self._removed:
            project.keypoints.insert(index, kp)
            if track is not None:
                project.tracks[kp.id] = track
        project.notify("keypoints")


@dataclass
class ChangeKeypoint(Edit):
    """Replace a keypoint's fields (rest pose, name, colour, radius); the text says what changed."""

    before: Keypoint
    after: Keypoint
    text: str = ""
    merge_key: str | None = None

    def __post_init__(self) -> None:
        self.text = self.text or describe_keypoint_change(self.before, self.after)

    def apply(self, project: Project) -> None:
        project.keypoints[project.index_of(self.before.id)] = self.after
        project.notify("keypoints")

    def revert(self, project: Project) -> None:
        project.keypoints[project.index_of(self.after.id)] = self.before
        project.notify("keypoints")

    def merge(self, newer: Edit) -> bool:
        if isinstance(newer, ChangeKeypoint) and newer.before.id == self.before.id:
            self.after = newer.after
            return True
        return False


@dataclass
class ChangeTracks(Edit):
    """Replace whole tracks (None = no track); every keyframe operation is one of these."""

    before: dict[str, Track | None]
    after: dict[str, Track | None]
    text: str = "Change keys"
    merge_key: str | None = None

    @staticmethod
    def _put(project: Project, tracks: Mapping[str, Track | None]) -> None:
        for kp_id, track in tracks.items():
            if track is None or not len(track):
                project.tracks.pop(kp_id, None)
            else:
                project.tracks[kp_id] = track
        project.notify("tracks")

    def apply(self, project: Project) -> None:
        self._put(project, self.after)

    def revert(self, project: Project) -> None:
        self._put(project, self.before)

    def merge(self, newer: Edit) -> bool:
        if isinstance(newer, ChangeTracks):
            for kp_id, track in newer.before.items():
                self.before.setdefault(kp_id, track)
            self.after.update(newer.after)
            self.text = newer.text
            return True
        return False


@dataclass
class ChangeTiming(Edit):
    """Change fps and frame range."""

    before: Timing
    after: Timing
    text: str = ""

    def __post_init__(self) -> None:
        after = self.after
        self.text = self.text or f"Frames {after.start}–{after.end} at {after.fps:g} fps"

    def apply(self, project: Project) -> None:
        project.timing = self.after
        project.notify("settings")

    def revert(self, project: Project) -> None:
        project.timing = self.before
        project.notify("settings")


@dataclass
class ChangeRenderSettings(Edit):
    """Change generator, device or generator options."""

    before: RenderSettings
    after: RenderSettings
    text: str = ""

    def __post_init__(self) -> None:
        before, after = self.before, self.after
        if not self.text:
            self.text = (f"Generator: {after.generator}" if before.generator != after.generator
                         else f"Device: {after.device}" if before.device != after.device
                         else "Render settings")

    def apply(self, project: Project) -> None:
        project.render = self.after
        project.notify("settings")

    def revert(self, project: Project) -> None:
        project.render = self.before
        project.notify("settings")


@dataclass
class AddTake(Edit):
    """Store a recorded take in the project."""

    take: Take
    text: str = ""

    def __post_init__(self) -> None:
        self.text = self.text or f"Add take {self.take.name}"

    def apply(self, project: Project) -> None:
        project.takes.append(self.take)
        project.notify("takes")

    def revert(self, project: Project) -> None:
        project.takes.remove(self.take)
        project.notify("takes")


@dataclass
class Macro(Edit):
    """Several edits applied in order and undone in reverse, as one step."""

    edits: list[Edit]
    text: str = "Edit"

    def apply(self, project: Project) -> None:
        for edit in self.edits:
            edit.apply(project)

    def revert(self, project: Project) -> None:
        for edit in reversed(self.edits):
            edit.revert(project)


def _tracks_edit(project: Project, after: dict[str, Track], text: str,
                 merge_key: str | None = None) -> ChangeTracks:
    before: dict[str, Track | None] = {kp_id: project.tracks.get(kp_id) for kp_id in after}
    return ChangeTracks(before, dict(after), text, merge_key)


def set_key(project: Project, keypoint_id: str, frame: int, values: Values,
            interpolation: Interpolation | None = None, merge_key: str | None = None,
            text: str = "") -> ChangeTracks:
    """Edit that writes a key at ``frame`` (keeping an existing key's interpolation and tangents).

    A keypoint's first key away from the shot's start also keys its rest pose at the start (``keyed_track``).
    """
    track = keyed_track(project, keypoint_id, frame, values, interpolation)
    text = text or f"Key {describe_keypoints(project, [keypoint_id])} at {frame}"
    return _tracks_edit(project, {keypoint_id: track}, text, merge_key)


def set_keys_from_current(project: Project, keypoint_ids: Iterable[str], frame: int,
                          posed: Mapping[str, Values] | None = None) -> ChangeTracks:
    """Edit that keys the given keypoints at ``frame`` with their sampled pose, or their ``posed`` values."""
    ids = list(dict.fromkeys(keypoint_ids))
    values = project.sample_values(frame)[0]
    posed = posed or {}
    after = {kp_id: keyed_track(project, kp_id, frame, posed.get(kp_id, tuple(values[project.index_of(kp_id)])))
             for kp_id in ids}
    return _tracks_edit(project, after, f"Key {describe_keypoints(project, ids)} at {frame}")


def delete_keys(project: Project, frames_by_keypoint: Mapping[str, Iterable[int]]) -> ChangeTracks:
    """Edit that deletes keys."""
    after = {kp_id: project.track(kp_id).without_frames(set(frames))
             for kp_id, frames in frames_by_keypoint.items()}
    count = sum(len(set(frames)) for frames in frames_by_keypoint.values())
    return _tracks_edit(project, after, f"Delete {_count(count, 'key')}")


def move_keys(project: Project, frames_by_keypoint: Mapping[str, Iterable[int]], offset: int,
              merge_key: str | None = None) -> ChangeTracks:
    """Edit that shifts keys in time by ``offset`` frames (a drag passes one merge_key for all its steps)."""
    after = {kp_id: project.track(kp_id).with_frames_moved({f: f + offset for f in frames})
             for kp_id, frames in frames_by_keypoint.items()}
    count = sum(len(set(frames)) for frames in frames_by_keypoint.values())
    return _tracks_edit(project, after, f"Retime {_count(count, 'key')}", merge_key)


def replace_key(project: Project, keypoint_id: str, old_frame: int, key: Keyframe,
                merge_key: str | None = None) -> ChangeTracks:
    """Edit that replaces the key at ``old_frame`` by ``key`` (curve editor drags: time, value, tangents)."""
    track = project.track(keypoint_id).without_frames({old_frame}).with_key(key)
    text = f"Edit key of {describe_keypoints(project, [keypoint_id])} at {key.frame}"
    return _tracks_edit(project, {keypoint_id: track}, text, merge_key)


def set_interpolation(project: Project, frames_by_keypoint: Mapping[str, Iterable[int]],
                      interpolation: Interpolation) -> ChangeTracks:
    """Edit that changes the interpolation of the given keys."""
    after = {}
    for kp_id, frames in frames_by_keypoint.items():
        wanted = set(frames)
        track = project.track(kp_id)
        after[kp_id] = Track(tuple(k.with_changes(interpolation=interpolation) if k.frame in wanted else k
                                   for k in track.keys))
    count = sum(len(set(frames)) for frames in frames_by_keypoint.values())
    return _tracks_edit(project, after, f"{Interpolation(interpolation).value.capitalize()} on {_count(count, 'key')}")


def paste_keys(project: Project, clipboard: Mapping[str, tuple[Keyframe, ...]],
               at_frame: int) -> ChangeTracks:
    """Edit that pastes copied keys (frames relative to the earliest copied key) starting at ``at_frame``."""
    all_frames = [k.frame for keys in clipboard.values() for k in keys]
    if not all_frames:
        return _tracks_edit(project, {}, "Paste no keys")
    origin = min(all_frames)
    after = {}
    for kp_id, keys in clipboard.items():
        track = project.track(kp_id)
        for key in keys:
            track = track.with_key(key.with_changes(frame=key.frame - origin + at_frame))
        after[kp_id] = track
    return _tracks_edit(project, after, f"Paste {_count(len(all_frames), 'key')} at {at_frame}")


def replace_tracks(project: Project, tracks: Mapping[str, Track], start: int, end: int,
                   text: str = "Bake take") -> ChangeTracks:
    """Edit that replaces the keys of these keypoints within [start, end] by the given tracks' keys."""
    after = {}
    for kp_id, new in tracks.items():
        old = project.track(kp_id)
        kept = tuple(k for k in old.keys if not start <= k.frame <= end)
        after[kp_id] = Track(kept + tuple(k for k in new.keys if start <= k.frame <= end))
    return _tracks_edit(project, after, text)
