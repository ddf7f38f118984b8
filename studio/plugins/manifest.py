"""Reading and validating ``plugin.toml``: every error names the file and the bad field."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from studio.core.errors import UserError
from studio.plugins.api import SUPPORTED_API_VERSIONS, Contribution, PluginInfo

MANIFEST_NAME = "plugin.toml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_ENTRY = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CONTRIBUTION_TABLES = {"generators": "generator", "trackers": "tracker"}


@dataclass(frozen=True)
class WeightFile:
    """A weight file a plugin ships: path relative to the plugin folder, its sha256 and size in bytes."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    """A validated plugin.toml."""

    name: str
    version: str
    api_version: int
    description: str
    license: str
    author: str
    contributions: tuple[Contribution, ...]
    weights: tuple[WeightFile, ...]

    def info(self, source: str, root: str, code_path: str, enabled: bool = True) -> PluginInfo:
        """The PluginInfo of this manifest found at ``root``; ``code_path`` goes on sys.path when used."""
        contributions = tuple(
            Contribution(c.kind, c.name, c.entry, c.title, c.description, self.name, code_path)
            for c in self.contributions
        )
        return PluginInfo(
            name=self.name,
            version=self.version,
            source=source,
            root=root,
            description=self.description,
            license=self.license,
            author=self.author,
            api_version=self.api_version,
            contributions=contributions,
            enabled=enabled,
        )


def version_key(version: str) -> tuple[int, ...]:
    """A sortable key for a validated version string ("1.2" == "1.2.0")."""
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _bad(field: str, problem: str) -> UserError:
    """The one-line error for a bad manifest field."""
    return UserError(f"{MANIFEST_NAME}: field {field!r} {problem}")


def _string(table: dict[str, Any], key: str, field: str, required: bool, pattern: re.Pattern | None = None,
            hint: str = "") -> str:
    """A string field, checked for presence, type and (optionally) shape."""
    if key not in table:
        if required:
            raise _bad(field, "is missing")
        return ""
    value = table[key]
    if not isinstance(value, str):
        raise _bad(field, f"must be a string, not {type(value).__name__}")
    if pattern is not None and not pattern.match(value):
        raise _bad(field, f"is {value!r}: {hint}")
    return value


def _relative_path(value: str, field: str) -> str:
    """A weight path that stays inside the plugin folder."""
    posix = value.replace("\\", "/")
    path = PurePosixPath(posix)
    if not posix or path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", posix):
        raise _bad(field, f"is {value!r}: it must be a relative path inside the plugin folder")
    return str(path)


def _contributions(data: dict[str, Any]) -> tuple[Contribution, ...]:
    """The [[generators]] and [[trackers]] tables as contributions."""
    contributions: list[Contribution] = []
    seen: set[tuple[str, str]] = set()
    for table_name, kind in _CONTRIBUTION_TABLES.items():
        tables = data.get(table_name, [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise _bad(table_name, f"must be an array of tables ([[{table_name}]])")
        for index, table in enumerate(tables):
            prefix = f"{table_name}[{index}]"
            name = _string(table, "name", f"{prefix}.name", True, _NAME,
                           "use lower-case letters, digits, '-' and '_'")
            entry = _string(table, "entry", f"{prefix}.entry", True, _ENTRY, "expected 'package.module:attr'")
            title = _string(table, "title", f"{prefix}.title", False) or name
            description = _string(table, "description", f"{prefix}.description", False)
            if (kind, name) in seen:
                raise _bad(f"{prefix}.name", f"repeats {kind} {name!r}")
            seen.add((kind, name))
            contributions.append(Contribution(kind, name, entry, title, description))
    if not contributions:
        raise UserError(f"{MANIFEST_NAME}: no [[generators]] or [[trackers]]: a plugin must offer one")
    return tuple(contributions)


def _weights(data: dict[str, Any]) -> tuple[WeightFile, ...]:
    """The [[weights]] tables."""
    tables = data.get("weights", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise _bad("weights", "must be an array of tables ([[weights]])")
    weights = []
    for index, table in enumerate(tables):
        prefix = f"weights[{index}]"
        path = _relative_path(_string(table, "path", f"{prefix}.path", True), f"{prefix}.path")
        sha256 = _string(table, "sha256", f"{prefix}.sha256", True, _SHA256,
                         "expected 64 lower-case hex digits")
        if "size" not in table:
            raise _bad(f"{prefix}.size", "is missing")
        size = table["size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _bad(f"{prefix}.size", f"is {size!r}: expected the file size in bytes")
        weights.append(WeightFile(path, sha256, size))
    return tuple(weights)


def parse_manifest(data: dict[str, Any]) -> Manifest:
    """Validate a manifest's contents (as read from TOML); the error names the first bad field."""
    name = _string(data, "name", "name", True, _NAME, "use lower-case letters, digits, '-' and '_'")
    version = _string(data, "version", "version", True, _VERSION, "expected numbers like 1.2.0")
    if "api_version" not in data:
        raise _bad("api_version", "is missing")
    api_version = data["api_version"]
    if not isinstance(api_version, int) or isinstance(api_version, bool):
        raise _bad("api_version", f"is {api_version!r}: expected an integer")
    if api_version not in SUPPORTED_API_VERSIONS:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_API_VERSIONS))
        raise UserError(
            f"{MANIFEST_NAME}: plugin {name!r} targets plugin API version {api_version}, "
            f"this studio supports {supported}: get a version of the plugin made for it"
        )
    return Manifest(
        name=name,
        version=version,
        api_version=api_version,
        description=_string(data, "description", "description", False),
        license=_string(data, "license", "license", False),
        author=_string(data, "author", "author", False),
        contributions=_contributions(data),
        weights=_weights(data),
    )


def read_manifest(folder: Path) -> Manifest:
    """Read and validate ``folder/plugin.toml``."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise UserError(f"{MANIFEST_NAME} is missing in {folder}: a plugin folder needs one")
    return read_manifest_file(path)


def read_manifest_file(path: Path) -> Manifest:
    """Read and validate one manifest file, whatever its name."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{MANIFEST_NAME}: not valid TOML ({exc})") from None
    return parse_manifest(data)
