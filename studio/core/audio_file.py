"""The project file's sound and mouth-shape sections (schema 2): the audio file stored as it came, as
``sound/sound<suffix>``, and its placement, mute, volume and mouth cues in project.json."""

from __future__ import annotations

import math
import zipfile
from typing import Any

from studio.core.audio import SOUND_SUFFIXES, MouthCue, MouthShapes, Sound
from studio.core.project import Project

SOUND_SHAPES = "ABCDEFGHX"


def sound_member(sound: Sound) -> str:
    """The archive member holding the sound's bytes."""
    return f"sound/sound{sound.suffix}"


def audio_document(project: Project) -> dict[str, Any]:
    """The project.json entries: ``sound`` (without a sound: none) and ``mouth_shapes`` (when posed or scaled)."""
    document: dict[str, Any] = {}
    sound = project.sound
    if sound is not None:
        document["sound"] = {"file": sound_member(sound), "name": sound.name, "offset": sound.offset,
                             "muted": sound.muted, "volume": sound.volume,
                             "cues": [[cue.start, cue.end, cue.shape] for cue in sound.cues]}
    shapes = project.mouth_shapes
    if shapes is not None and (shapes.poses or shapes.amplitude != 1.0):
        document["mouth_shapes"] = {"amplitude": shapes.amplitude,
                                    "poses": {shape: {name: list(uv) for name, uv in pose.items()}
                                              for shape, pose in shapes.poses.items()}}
    return document


def write_audio(project: Project, archive: zipfile.ZipFile) -> None:
    """Store the sound's bytes in the archive (nothing without a sound)."""
    if project.sound is not None:
        archive.writestr(sound_member(project.sound), project.sound.data, zipfile.ZIP_STORED)


def read_audio(context: Any, project: Project) -> None:
    """The sound and mouth-shape sections (a project_file section reader; both absent in schema 1 files)."""
    r = context.r
    raw = context.document.get("sound")
    if raw is not None:
        project.sound = _read_sound(context, r.obj(raw, "sound"))
    raw = context.document.get("mouth_shapes")
    if raw is not None:
        project.mouth_shapes = _read_shapes(r, r.obj(raw, "mouth_shapes"))


def _read_sound(context: Any, data: dict[str, Any]) -> Sound:
    """The sound section and its audio member."""
    r = context.r
    member = r.str_(data, "file", "sound")
    suffix = member[member.rfind("."):].lower() if "." in member else ""
    if suffix not in SOUND_SUFFIXES:
        raise r.fail("sound.file", f"{member!r} is not a sound file name")
    if member not in context.names:
        raise r.fail("sound", f"names {member}, which is missing from the file")
    if not isinstance(data.get("muted", False), bool):
        raise r.fail("sound.muted", "must be true or false")
    cues = data.get("cues", [])
    if not isinstance(cues, list):
        raise r.fail("sound.cues", "must be a list")
    try:
        return Sound(context.archive.read(member), r.str_(data, "name", "sound"), suffix,
                     r.int_(data, "offset", "sound"), data.get("muted", False), r.num(data, "volume", "sound"),
                     tuple(_read_cue(r, cue, f"sound.cues[{i}]") for i, cue in enumerate(cues)))
    except ValueError as error:
        raise r.fail("sound", str(error)) from None


def _read_cue(r: Any, raw: Any, where: str) -> MouthCue:
    """One ``[start, end, shape]`` cue."""
    if (not isinstance(raw, list) or len(raw) != 3 or raw[2] not in tuple(SOUND_SHAPES)
            or not all(_finite(v) for v in raw[:2]) or raw[1] < raw[0]):
        raise r.fail(where, "must be [start, end, shape] with start <= end and a shape from ABCDEFGHX")
    return MouthCue(float(raw[0]), float(raw[1]), raw[2])


def _read_shapes(r: Any, data: dict[str, Any]) -> MouthShapes:
    """The animator's mouth shapes: amplitude and poses (shape -> keypoint name -> [u, v])."""
    poses: dict[str, dict[str, tuple[float, float]]] = {}
    for shape, pose in r.obj(data.get("poses", {}), "mouth_shapes.poses").items():
        where = f"mouth_shapes.poses[{shape!r}]"
        if shape not in tuple(SOUND_SHAPES):
            raise r.fail(where, "is not a mouth shape (ABCDEFGHX)")
        pose = r.obj(pose, where)
        if not all(isinstance(uv, list) and len(uv) == 2 and all(_finite(v) for v in uv) for uv in pose.values()):
            raise r.fail(where, "must map keypoint names to [u, v] pairs")
        poses[shape] = {name: (float(uv[0]), float(uv[1])) for name, uv in pose.items()}
    try:
        return MouthShapes(poses, r.num(data, "amplitude", "mouth_shapes"))
    except ValueError as error:
        raise r.fail("mouth_shapes", str(error)) from None


def _finite(value: Any) -> bool:
    """True for a finite int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
