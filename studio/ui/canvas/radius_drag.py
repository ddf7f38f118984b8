"""Dragging a selected keypoint's radius-of-influence circle: the radius follows the mouse, one undo step."""

from __future__ import annotations

import itertools
import math

from studio.core.edits import ChangeKeypoint
from studio.ui.session import Session

MIN_RADIUS = 1.0
_drag_numbers = itertools.count(1)


class RadiusDrag:
    """One gesture on a radius circle: ``update`` per mouse move, ``finish`` on release.

    The new radius is the mouse's distance from the circle's centre (the keypoint where it is drawn now),
    between MIN_RADIUS and the image's longer side.
    """

    def __init__(self, session: Session, keypoint_id: str, centre: tuple[float, float]) -> None:
        self.session = session
        self.keypoint_id = keypoint_id
        self.centre = centre
        self.merge_key = f"radius-{next(_drag_numbers)}"
        self.moved = False
        session.begin_gesture()

    def update(self, point: tuple[float, float]) -> None:
        """Set the radius for the mouse at ``point`` (image pixels)."""
        project = self.session.project
        limit = float(max(project.width, project.height))
        radius = min(max(math.hypot(point[0] - self.centre[0], point[1] - self.centre[1]), MIN_RADIUS), limit)
        before = project.keypoint(self.keypoint_id)
        if radius != before.radius:
            self.session.push(ChangeKeypoint(before, before.with_changes(radius=radius), merge_key=self.merge_key))
            self.moved = True

    def finish(self) -> None:
        """End the gesture: the next edit starts a new undo step."""
        self.session.finish_gesture()
