"""Trackers by name, through the plugin registry (the built-ins register there like any plugin).

A tracker entry is a factory ``factory(**options) -> Tracker``.
"""

from __future__ import annotations

from typing import Any

from studio.capture.trackers.base import Tracker
from studio.core.errors import UserError
from studio.plugins.api import Registry, builtin_registry


def create_tracker(name: str, registry: Registry | None = None, **options: Any) -> Tracker:
    """Build the tracker registered as ``name``; an unknown name is a UserError listing the known ones."""
    registry = registry or builtin_registry()
    factory = registry.load("tracker", name)
    tracker = factory(**options)
    if not isinstance(tracker, Tracker):
        raise UserError(f"tracker {name!r} does not follow the tracker contract: report it to its author")
    return tracker
