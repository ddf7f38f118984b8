"""Which app version saved a project: written into project.json, read back to explain a newer file.

A project from a newer schema is refused with one line naming both versions; a project saved by a newer
app whose schema this version still reads opens, with a note (``newer_app_note``) for the status bar.
Files saved before versions were recorded have no ``saved_by`` and open unchanged.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from studio.version import APP_TITLE, app_version, version_key


def saved_by_document() -> dict[str, str]:
    """The ``saved_by`` section of project.json: this app's name and version."""
    return {"app": APP_TITLE, "version": app_version()}


def saved_by_version(document: dict[str, Any]) -> str | None:
    """The version recorded in a project document, or None for older files (or a malformed section)."""
    section = document.get("saved_by")
    version = section.get("version") if isinstance(section, dict) else None
    return version if isinstance(version, str) and version else None


def _newer(version: str | None) -> bool:
    """True when ``version`` is later than this app's."""
    return version is not None and version_key(version) > version_key(app_version())


def newer_schema_message(name: str, document: dict[str, Any], schema: int, supported: int) -> str:
    """The one-line refusal for a file written by a newer schema, naming the saving version when known."""
    version = saved_by_version(document)
    if _newer(version):
        return f"{name} was saved by {APP_TITLE} {version}, newer than this {app_version()}: update to open it"
    return (f"{name} was saved by a newer {APP_TITLE} (schema {schema}; this version {app_version()} reads up "
            f"to {supported}): update the app")


def newer_app_note(name: str, document: dict[str, Any]) -> str | None:
    """A status note when a newer app saved a file this version can read, else None."""
    version = saved_by_version(document)
    if not _newer(version):
        return None
    return (f"{name} was saved by {APP_TITLE} {version}, newer than this {app_version()}: it opened, but what the "
            "newer version added may be missing")


def read_newer_app_note(path: str | Path) -> str | None:
    """``newer_app_note`` for a project file on disk (None when it cannot be read: loading reports that)."""
    try:
        with zipfile.ZipFile(path) as archive:
            document = json.loads(archive.read("project.json").decode("utf-8"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    return newer_app_note(Path(path).name, document) if isinstance(document, dict) else None
