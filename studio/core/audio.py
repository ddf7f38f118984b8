"""The project's sound: the audio file's bytes, where it starts on the timeline, mute and volume, the mouth cues a
lip sync found in it, and the mouth shapes the animator posed.

Plain data and edits, no decoding: studio.media reads the bytes. The sound starts at frame ``offset`` of the
timeline (it may be negative: the shot starts inside the sound). Mouth shapes are displacements of the mouth
keypoints in face widths along the face's axes (studio.lipsync.mouth_keys); a shape the animator has not posed
keeps its built-in pose.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from studio.core.edits import Edit
from studio.core.project import Project

SOUND_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus")
MAX_VOLUME = 4.0
MAX_AMPLITUDE = 3.0

# shape letter -> keypoint name -> (u, v) displacement in face widths
ShapePoses = Mapping[str, Mapping[str, tuple[float, float]]]


@dataclass(frozen=True)
class MouthCue:
    """One mouth shape from ``start`` to ``end`` seconds."""

    start: float
    end: float
    shape: str


@dataclass(frozen=True)
class Sound:
    """The project's audio track: the original file (``data``, its ``name`` and ``suffix``), placed at frame
    ``offset``, ``muted`` or not, at ``volume`` (linear gain, 1 = as recorded), with the lip sync's ``cues``."""

    data: bytes
    name: str
    suffix: str
    offset: int = 0
    muted: bool = False
    volume: float = 1.0
    cues: tuple[MouthCue, ...] = ()

    def __post_init__(self) -> None:
        if not self.data:
            raise ValueError("the sound has no data")
        if self.suffix not in SOUND_SUFFIXES:
            raise ValueError(f"sound format {self.suffix!r} is not one of {', '.join(SOUND_SUFFIXES)}")
        if not (math.isfinite(self.volume) and 0.0 <= self.volume <= MAX_VOLUME):
            raise ValueError(f"volume must be between 0 and {MAX_VOLUME:g}")

    def with_changes(self, **changes: object) -> Sound:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def gain(self) -> float:
        """The gain playback and export apply: 0 when muted."""
        return 0.0 if self.muted else self.volume


@dataclass(frozen=True)
class MouthShapes:
    """The animator's mouth-shape poses (only the shapes they posed) and the amplitude that scales all shapes."""

    poses: Mapping[str, Mapping[str, tuple[float, float]]] = field(default_factory=dict)
    amplitude: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.amplitude) and 0.0 < self.amplitude <= MAX_AMPLITUDE):
            raise ValueError(f"amplitude must be above 0 and at most {MAX_AMPLITUDE:g}")

    def with_pose(self, shape: str, pose: Mapping[str, tuple[float, float]]) -> MouthShapes:
        """A copy with ``shape`` posed as ``pose``."""
        return replace(self, poses={**self.poses, shape: dict(pose)})

    def without_pose(self, shape: str) -> MouthShapes:
        """A copy where ``shape`` is back to its built-in pose."""
        return replace(self, poses={k: v for k, v in self.poses.items() if k != shape})


def mouth_shapes_of(project: Project) -> MouthShapes:
    """The project's mouth shapes (the built-ins, amplitude 1, when never posed)."""
    return project.mouth_shapes or MouthShapes()


@dataclass
class ChangeSound(Edit):
    """Import, replace, remove, slide, mute, change the volume of or re-cue the sound (None = no sound)."""

    before: Sound | None
    after: Sound | None
    text: str = ""
    merge_key: str | None = None

    def __post_init__(self) -> None:
        self.text = self.text or _describe(self.before, self.after)

    def apply(self, project: Project) -> None:
        project.sound = self.after
        project.notify("sound")

    def revert(self, project: Project) -> None:
        project.sound = self.before
        project.notify("sound")

    def merge(self, newer: Edit) -> bool:
        if isinstance(newer, ChangeSound):
            self.after, self.text = newer.after, newer.text
            return True
        return False


@dataclass
class ChangeMouthShapes(Edit):
    """Pose a mouth shape or change the amplitude."""

    before: MouthShapes
    after: MouthShapes
    text: str = "Mouth shapes"
    merge_key: str | None = None

    def apply(self, project: Project) -> None:
        project.mouth_shapes = self.after
        project.notify("mouth_shapes")

    def revert(self, project: Project) -> None:
        project.mouth_shapes = self.before
        project.notify("mouth_shapes")

    def merge(self, newer: Edit) -> bool:
        if isinstance(newer, ChangeMouthShapes):
            self.after, self.text = newer.after, newer.text
            return True
        return False


def _describe(before: Sound | None, after: Sound | None) -> str:
    """The history text for a sound change."""
    if after is None:
        return "Remove sound"
    if before is None:
        return f"Import sound {after.name}"
    if before.data != after.data:
        return f"Replace sound with {after.name}"
    if before.offset != after.offset:
        return f"Slide sound to frame {after.offset}"
    if before.muted != after.muted:
        return "Mute sound" if after.muted else "Unmute sound"
    if before.volume != after.volume:
        return f"Sound volume {after.volume:.0%}"
    return "Change mouth cues"
