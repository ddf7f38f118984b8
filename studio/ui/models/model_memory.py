"""The last learned-model settings the user chose (config, checkpoint, region), kept as JSON in the config folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from studio.core.atomic import atomic_path
from studio.core.errors import UserError
from studio.core.paths import config_dir

MEMORY_NAME = "learned_model.json"


def _store() -> Path:
    return config_dir() / MEMORY_NAME


def remembered_model_options(generator: str) -> dict[str, Any]:
    """The options last used with ``generator`` (empty when none, or when the file is unreadable)."""
    try:
        entries = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    options = entries.get(generator) if isinstance(entries, dict) else None
    return dict(options) if isinstance(options, dict) else {}


def remember_model_options(generator: str, options: dict[str, Any]) -> None:
    """Remember ``options`` for ``generator``; a folder that cannot be written only loses the memory."""
    try:
        entries = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = {}
    if not isinstance(entries, dict):
        entries = {}
    entries[generator] = options
    try:
        with atomic_path(_store()) as temp:
            temp.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    except UserError:
        return
