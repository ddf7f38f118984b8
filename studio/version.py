"""The app's version, from its one source: ``version`` in pyproject.toml.

A source checkout reads its own pyproject.toml (an editable install's metadata goes stale after a
version bump until it is reinstalled); an installed copy or the bundle reads the package metadata.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from functools import cache
from pathlib import Path

DISTRIBUTION = "marionette-studio"
APP_TITLE = "Marionette Studio"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _checkout_version(pyproject: Path) -> str | None:
    """The version in a source checkout's pyproject.toml, or None when there is none (or it is another project's)."""
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if project.get("name") != DISTRIBUTION or not isinstance(project.get("version"), str):
        return None
    return project["version"]


@cache
def app_version() -> str:
    """This app's version string, e.g. ``0.1.0`` ("unknown" only when neither source is there)."""
    version = _checkout_version(PYPROJECT)
    if version is not None:
        return version
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def version_key(version: str) -> tuple[int, ...]:
    """A comparable key for a dotted version (``0.10.2`` > ``0.9``); non-numeric parts count as 0."""
    key = []
    for part in version.split("+")[0].split("."):
        digits = "".join(ch for ch in part if ch.isdigit()) if not part.isdigit() else part
        key.append(int(digits) if digits else 0)
    return tuple(key)


LIBRARIES = {"Qt": "PySide6", "torch": "torch", "mediapipe": "mediapipe", "numpy": "numpy",
             "OpenCV": "opencv-python", "PyAV": "av"}


def library_versions() -> dict[str, str]:
    """The app's and its main libraries' versions, read from package metadata (nothing is imported)."""
    versions = {"Marionette Studio": app_version()}
    for label, distribution in LIBRARIES.items():
        try:
            versions[label] = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            versions[label] = "not installed"
    return versions
