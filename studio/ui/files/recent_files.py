"""The recent-files list, kept as JSON in the user's config folder."""

from __future__ import annotations

import json
from pathlib import Path

from studio.core.atomic import atomic_path
from studio.core.errors import UserError
from studio.core.paths import config_dir

RECENT_NAME = "recent_files.json"
MAX_RECENT = 10


def _store() -> Path:
    return config_dir() / RECENT_NAME


def recent_files() -> list[Path]:
    """Recently used project files that still exist, newest first (an unreadable list counts as empty)."""
    try:
        entries = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [Path(e) for e in entries if isinstance(e, str) and Path(e).is_file()]


def remember_recent(path: Path) -> list[Path]:
    """Put ``path`` at the top of the list (at most MAX_RECENT entries) and return the new list."""
    path = Path(path).resolve()
    entries = [path, *(p for p in recent_files() if p.resolve() != path)][:MAX_RECENT]
    try:
        with atomic_path(_store()) as temp:
            temp.write_text(json.dumps([str(p) for p in entries], indent=1), encoding="utf-8")
    except UserError:
        return entries
    return entries
