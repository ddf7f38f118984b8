"""Which plugins the user disabled, persisted in ``<config dir>/plugins.json``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from studio.core import paths


def _state_file() -> Path:
    """The settings file holding the disabled plugin names."""
    return paths.config_dir() / "plugins.json"


def disabled_plugins() -> set[str]:
    """Names of the plugins the user disabled (an unreadable file counts as none disabled)."""
    path = _state_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    names = data.get("disabled", []) if isinstance(data, dict) else []
    return {n for n in names if isinstance(n, str)}


def set_disabled(name: str, disabled: bool) -> None:
    """Add a plugin to, or drop it from, the disabled set; the file is replaced atomically."""
    names = disabled_plugins()
    if disabled:
        names.add(name)
    else:
        names.discard(name)
    path = _state_file()
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".plugins-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"disabled": sorted(names)}, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
