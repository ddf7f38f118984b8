"""The ``.marionette`` project file: a zip with project.json, the source PNG and recorded takes.

Schema 2 added the sound and mouth shapes (studio.core.audio_file); schema 1 files open unchanged. Saves are
atomic; loading validates everything and raises ProjectFileError with one line that names the problem. A file
written by a newer schema is refused, never half-read.
"""

from __future__ import annotations

import json
import math
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.core.atomic import atomic_path
from studio.core.audio_file import audio_document, read_audio, write_audio
from studio.core.errors import ProjectFileError, UserError
from studio.core.keypoints import Keypoint
from studio.core.project import CaptureBindings, Project, RenderSettings, Timing
from studio.core.region import read_region, region_document, write_region
from studio.core.rig import check_hierarchy
from studio.core.rig_edits import read_rig, rig_document
from studio.core.saved_by import newer_schema_message, saved_by_document
from studio.core.takes import Take
from studio.core.tracks import Interpolation, Keyframe, Track

SCHEMA_VERSION = 2
FORMAT_NAME = "marionette-project"
SOURCE_NAME = "source.png"
MAX_SIDE = 16384
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header; ValueError if ``data`` is not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def project_to_dict(project: Project) -> dict[str, Any]:
    """The JSON document for a project (takes referenced by file name)."""
    return {
        "format": FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "saved_by": saved_by_document(),
        "source": {"file": SOURCE_NAME, "width": project.width, "height": project.height},
        "timing": {"fps": project.timing.fps, "start": project.timing.start, "end": project.timing.end},
        "render": {"generator": project.render.generator, "device": project.render.device,
                   "relative": project.render.relative, "options": project.render.options},
        "keypoints": [_keypoint_to_dict(kp, {k.id for k in project.keypoints}) for kp in project.keypoints],
        "tracks": {kp_id: [_key_to_dict(k) for k in track.keys]
                   for kp_id, track in project.tracks.items() if len(track)},
        "takes": [{"name": take.name, "file": f"takes/{i:03d}.npz"} for i, take in enumerate(project.takes)],
        "capture": capture_to_dict(project),
        **region_document(project),
        **rig_document(project),
        **audio_document(project),
    }


def _keypoint_to_dict(kp: Keypoint, present: set[str]) -> dict[str, Any]:
    """A keypoint's entry; ``depth`` only when lifted to 3D and ``parent`` only when it has one that is present
    (files without them are unchanged, and older readers ignore them)."""
    data: dict[str, Any] = {"id": kp.id, "name": kp.name, "color": kp.color, "x": kp.x, "y": kp.y,
                            "rotation": kp.rotation, "scale": kp.scale, "radius": kp.radius}
    if kp.depth is not None:
        data["depth"] = kp.depth
    if kp.parent is not None and kp.parent in present:
        data["parent"] = kp.parent
    return data


def capture_to_dict(project: Project) -> dict[str, Any]:
    """The capture section: tracker, bindings of the keypoints still present, and flow points."""
    capture, present = project.capture, {kp.id for kp in project.keypoints}
    return {"tracker": capture.tracker,
            "bindings": {kp_id: m for kp_id, m in capture.landmarks.items() if kp_id in present},
            "points": [list(point) for point in capture.points]}


def _key_to_dict(key: Keyframe) -> dict[str, Any]:
    data: dict[str, Any] = {"frame": key.frame, "values": list(key.values),
                            "interpolation": key.interpolation.value}
    if key.in_tangent is not None:
        data["in_tangent"] = list(key.in_tangent)
    if key.out_tangent is not None:
        data["out_tangent"] = list(key.out_tangent)
    return data


def save_project(project: Project, path: str | Path) -> None:
    """Write the project atomically: the old file stays intact until the new one is complete."""
    document = project_to_dict(project)
    with atomic_path(path) as temp, zipfile.ZipFile(temp, "w") as archive:
        archive.writestr("project.json", json.dumps(document, indent=1), zipfile.ZIP_DEFLATED)
        archive.writestr(SOURCE_NAME, project.source_png, zipfile.ZIP_STORED)
        for entry, take in zip(document["takes"], project.takes, strict=True):
            archive.writestr(entry["file"], take.to_bytes(), zipfile.ZIP_STORED)
        write_region(project, archive)
        write_audio(project, archive)


def load_project(path: str | Path) -> Project:
    """Read and validate a project file; ProjectFileError (one line) on any problem."""
    path = Path(path)
    if not path.exists():
        raise ProjectFileError(f"project file {path} does not exist")
    if not zipfile.is_zipfile(path):
        raise ProjectFileError(f"{path.name} is damaged or incomplete: it is not a readable Marionette project; "
                               "open a backup or the last autosave")
    try:
        with zipfile.ZipFile(path) as archive:
            return _read_archive(archive, path.name)
    except ProjectFileError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ProjectFileError(f"{path.name} is damaged or incomplete; open a backup or the last autosave"
                               ) from error


def _read_archive(archive: zipfile.ZipFile, name: str) -> Project:
    names = set(archive.namelist())
    if "project.json" not in names:
        raise ProjectFileError(f"{name} has no project.json: it is not a Marionette project")
    try:
        document = json.loads(archive.read("project.json").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProjectFileError(f"{name}: project.json is not valid JSON ({error})") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ProjectFileError(f"{name}: project.json is not a Marionette project document")
    version = document.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ProjectFileError(f"{name}: schema_version {version!r} is not valid")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(newer_schema_message(name, document, version, SCHEMA_VERSION))
    return _build_project(document, archive, names, name)


class _Reader:
    """Typed field access that names the offending field in its errors."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name

    def fail(self, where: str, problem: str) -> ProjectFileError:
        return ProjectFileError(f"{self.file_name}: {where} {problem}")

    def obj(self, data: Any, where: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(where, "must be an object")
        return data

    def num(self, data: dict[str, Any], key: str, where: str) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(f"{where}.{key}", "must be a finite number")
        return float(value)

    def int_(self, data: dict[str, Any], key: str, where: str) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{where}.{key}", "must be an integer")
        return value

    def str_(self, data: dict[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(f"{where}.{key}", "must be a non-empty string")
        return value

    def vec4(self, data: Any, where: str) -> tuple[float, float, float, float]:
        if (not isinstance(data, list) or len(data) != 4
                or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                           for v in data)):
            raise self.fail(where, "must be 4 finite numbers")
        return (float(data[0]), float(data[1]), float(data[2]), float(data[3]))


@dataclass(frozen=True)
class _Context:
    """What every section reader needs: the field reader, the parsed document and the archive."""

    r: _Reader
    document: dict[str, Any]
    archive: zipfile.ZipFile
    names: set[str]


def _build_project(document: dict[str, Any], archive: zipfile.ZipFile, names: set[str],
                   file_name: str) -> Project:
    context = _Context(_Reader(file_name), document, archive, names)
    project = _read_source(context)
    for read_section in _SECTIONS:
        read_section(context, project)
    return project


def _read_source(c: _Context) -> Project:
    r, file_name = c.r, c.r.file_name
    source = r.obj(c.document.get("source"), "source")
    image_name = r.str_(source, "file", "source")
    if image_name not in c.names:
        raise ProjectFileError(f"{file_name}: the source image {image_name} is missing from the file")
    png = c.archive.read(image_name)
    try:
        width, height = png_size(png)
    except ValueError:
        raise ProjectFileError(f"{file_name}: the source image {image_name} is not a PNG") from None
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ProjectFileError(f"{file_name}: the source image is {width}x{height}, outside 1..{MAX_SIDE}")
    if (r.int_(source, "width", "source"), r.int_(source, "height", "source")) != (width, height):
        raise ProjectFileError(f"{file_name}: source size in project.json does not match the image")
    return Project(png, width, height)


def _read_timing(c: _Context, project: Project) -> None:
    r = c.r
    timing = r.obj(c.document.get("timing"), "timing")
    try:
        project.timing = Timing(r.num(timing, "fps", "timing"), r.int_(timing, "start", "timing"),
                                r.int_(timing, "end", "timing"))
    except ValueError as error:
        raise r.fail("timing", str(error)) from None


def _read_render(c: _Context, project: Project) -> None:
    render = c.r.obj(c.document.get("render", {}), "render")
    options = c.r.obj(render.get("options", {}), "render.options")
    project.render = RenderSettings(str(render.get("generator", "warp")), str(render.get("device", "auto")),
                                    bool(render.get("relative", True)), options)


def _read_keypoints(c: _Context, project: Project) -> None:
    keypoints = c.document.get("keypoints")
    if not isinstance(keypoints, list):
        raise c.r.fail("keypoints", "must be a list")
    seen: set[str] = set()
    for i, raw in enumerate(keypoints):
        project.keypoints.append(_read_keypoint(c.r, raw, f"keypoints[{i}]", project, seen))
    try:
        check_hierarchy(project.keypoints)
    except UserError as error:
        raise c.r.fail("keypoints:", str(error)) from None


def _read_keypoint(r: _Reader, raw: Any, where: str, project: Project, seen: set[str]) -> Keypoint:
    data = r.obj(raw, where)
    kp_id = r.str_(data, "id", where)
    if kp_id in seen:
        raise r.fail(where, f"repeats the id {kp_id!r}")
    seen.add(kp_id)
    x, y = r.num(data, "x", where), r.num(data, "y", where)
    width, height = project.width, project.height
    if not (0 <= x <= width and 0 <= y <= height):
        raise r.fail(where, f"({x:g}, {y:g}) is outside the {width}x{height} image")
    parent = r.str_(data, "parent", where) if "parent" in data else None
    try:
        return Keypoint(kp_id, r.str_(data, "name", where), r.str_(data, "color", where), x, y,
                        r.num(data, "rotation", where), r.num(data, "scale", where), r.num(data, "radius", where),
                        r.num(data, "depth", where) if "depth" in data else None, parent)
    except ValueError as error:
        raise r.fail(where, str(error)) from None


def _read_tracks(c: _Context, project: Project) -> None:
    tracks = c.r.obj(c.document.get("tracks", {}), "tracks")
    keypoint_ids = {kp.id for kp in project.keypoints}
    for kp_id, raw_keys in tracks.items():
        where = f"tracks[{kp_id!r}]"
        if kp_id not in keypoint_ids:
            raise c.r.fail(where, "belongs to no keypoint")
        if not isinstance(raw_keys, list):
            raise c.r.fail(where, "must be a list of keys")
        project.tracks[kp_id] = Track(tuple(_read_key(c.r, raw_key, f"{where}[{j}]")
                                            for j, raw_key in enumerate(raw_keys)))


def _read_key(r: _Reader, raw: Any, where: str) -> Keyframe:
    data = r.obj(raw, where)
    try:
        return Keyframe(
            r.int_(data, "frame", where), r.vec4(data.get("values"), f"{where}.values"),
            Interpolation(data.get("interpolation", "smooth")),
            r.vec4(data["in_tangent"], f"{where}.in_tangent") if "in_tangent" in data else None,
            r.vec4(data["out_tangent"], f"{where}.out_tangent") if "out_tangent" in data else None)
    except ValueError as error:
        raise r.fail(where, str(error)) from None


def _read_takes(c: _Context, project: Project) -> None:
    takes = c.document.get("takes", [])
    if not isinstance(takes, list):
        raise c.r.fail("takes", "must be a list")
    for i, raw in enumerate(takes):
        project.takes.append(_read_take(c, raw, f"takes[{i}]"))


def _read_take(c: _Context, raw: Any, where: str) -> Take:
    data = c.r.obj(raw, where)
    take_file = c.r.str_(data, "file", where)
    if take_file not in c.names:
        raise c.r.fail(where, f"names {take_file}, which is missing from the file")
    try:
        return Take.from_bytes(c.r.str_(data, "name", where), c.archive.read(take_file))
    except (ValueError, KeyError, OSError) as error:
        raise c.r.fail(where, f"is damaged ({error})") from None


def _read_capture(c: _Context, project: Project) -> None:
    project.capture = read_capture(c.r, c.document.get("capture", {}), {kp.id for kp in project.keypoints})


def read_capture(r: _Reader, raw: Any, keypoint_ids: set[str]) -> CaptureBindings:
    """The capture section (absent in older files: the defaults); bindings of unknown keypoints are dropped."""
    data = r.obj(raw, "capture")
    if not data:
        return CaptureBindings()
    tracker = r.str_(data, "tracker", "capture")
    bindings = r.obj(data.get("bindings", {}), "capture.bindings")
    landmarks: dict[str, int] = {}
    for kp_id, landmark in bindings.items():
        if isinstance(landmark, bool) or not isinstance(landmark, int) or landmark < 0:
            raise r.fail(f"capture.bindings[{kp_id!r}]", "must be a landmark number (0 or more)")
        if kp_id in keypoint_ids:
            landmarks[kp_id] = landmark
    points = data.get("points", [])
    if not isinstance(points, list) or not all(
            isinstance(p, list) and len(p) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in p)
            for p in points):
        raise r.fail("capture.points", "must be a list of [x, y] pairs")
    return CaptureBindings(tracker, landmarks, tuple((float(x), float(y)) for x, y in points))


# The sections read after the source, in order; a new section is one reader added here.
_SECTIONS: tuple[Callable[[_Context, Project], None], ...] = (
    _read_timing, _read_render, _read_keypoints, _read_tracks, _read_takes, _read_capture, read_region,
    read_rig, read_audio,
)
