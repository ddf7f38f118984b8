"""Trackers by name: the built-ins registered through the plugin contract, so plugins add more the same way.

A tracker entry is a factory ``factory(**options) -> Tracker``.
"""

from __future__ import annotations

from typing import Any

from studio.capture.trackers.base import Tracker
from studio.core.errors import UserError
from studio.plugins.api import Contribution, Registry

BUILTIN_TRACKERS = (
    Contribution(
        "tracker", "face", "studio.capture.trackers.face:FaceTracker", "Face",
        "mediapipe face mesh: 478 landmarks and head pose.",
    ),
    Contribution(
        "tracker", "pose", "studio.capture.trackers.pose:PoseTracker", "Body pose",
        "mediapipe pose: 33 body landmarks.",
    ),
    Contribution(
        "tracker", "hands", "studio.capture.trackers.hands:HandsTracker", "Hands",
        "mediapipe hands: 21 landmarks per hand, left hand then right hand.",
    ),
    Contribution(
        "tracker", "flow", "studio.capture.trackers.flow:FlowTracker", "Point flow",
        "Lucas-Kanade optical flow on points you place on the first frame.",
    ),
)


def tracker_registry() -> Registry:
    """A registry holding the built-in trackers."""
    registry = Registry()
    for contribution in BUILTIN_TRACKERS:
        registry.register(contribution)
    return registry


def create_tracker(name: str, registry: Registry | None = None, **options: Any) -> Tracker:
    """Build the tracker registered as ``name``; an unknown name is a UserError listing the known ones."""
    registry = registry or tracker_registry()
    factory = registry.load("tracker", name)
    tracker = factory(**options)
    if not isinstance(tracker, Tracker):
        raise UserError(f"tracker {name!r} does not follow the tracker contract: report it to its author")
    return tracker
