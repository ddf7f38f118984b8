"""Turns one mouse drag of keypoint handles into document edits: one drag = one undo step.

The rule (also in the README): with auto-key on, dragging a keypoint that is animated, or dragging
any keypoint on a frame other than the first of the range, writes a key at the current frame
(``set_key``). A keypoint without keys that is dragged with auto-key off (or on the first frame)
moves its rest pose on the source image (``ChangeKeypoint``). An animated keypoint dragged with
auto-key off is posed: the session holds its values at this frame, unkeyed, until K keys them or the
playhead moves on (``Session.set_posed``).
Every edit of a drag carries the drag's merge key, and the release closes the merge run. A drag of
several keypoints is grouped with the undo stack's macro, so it also undoes in one step.

Handles stand at world poses (parents composed): the mouse moves a keypoint's world pose, and the key, rest
or pose written is the keypoint's own value that puts it there (``Session.world_to_local``), parents first,
so a dragged child stays under the mouse and a child dragged with its parent keeps its own values.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from studio.core.edits import ChangeKeypoint, Edit, describe_keypoints, set_key
from studio.core.project import Project
from studio.core.rig import hierarchy_depths, parent_indices
from studio.ui.session import Session

MOVE = "move"
ROTATE = "rotate"
KEY, REST, POSE = "key", "rest", "pose"
_drag_numbers = itertools.count(1)


def drag_target(session: Session, keypoint_id: str) -> str:
    """What dragging this keypoint changes now: KEY (a key at this frame), REST (the rest pose) or POSE."""
    animated = len(session.project.track(keypoint_id)) > 0
    at_first_frame = session.current_frame == session.project.timing.start
    if session.auto_key and (animated or not at_first_frame):
        return KEY
    return POSE if animated else REST


def clamp_to_image(project: Project, x: float, y: float) -> tuple[float, float]:
    """A point kept inside the source image (rest poses must lie on the image)."""
    return min(max(x, 0.0), float(project.width)), min(max(y, 0.0), float(project.height))


class KeypointDrag:
    """One gesture on keypoint handles: ``update`` per mouse move, ``finish`` on release.

    mode MOVE translates every keypoint by the mouse offset; ROTATE (Alt+drag) turns and scales the
    grabbed keypoint's local frame about its centre by the mouse's angle and distance change.
    """

    def __init__(self, session: Session, keypoint_ids: list[str], anchor: tuple[float, float],
                 mode: str = MOVE) -> None:
        self.session = session
        project = session.project
        self.ids = list(keypoint_ids)
        self.target = {kp_id: drag_target(session, kp_id) for kp_id in self.ids}
        values = session.composed_values(session.current_frame)
        depth = hierarchy_depths(parent_indices(project.keypoints))
        self.ids.sort(key=lambda kp_id: int(depth[project.index_of(kp_id)]))
        self.start = {kp_id: values[project.index_of(kp_id)].copy() for kp_id in self.ids}
        self.anchor = np.array(anchor, dtype=np.float64)
        self.mode = mode
        self.frame = session.current_frame
        self.merge_key = f"drag-{next(_drag_numbers)}"
        self.moved = False
        session.begin_gesture()
        self._verb = "Move" if mode == MOVE else "Rotate"
        edited = [kp_id for kp_id in self.ids if self.target[kp_id] != POSE]
        self._grouped = len(edited) > 1
        if self._grouped:
            at = f" at {self.frame}" if any(self.target[kp_id] == KEY for kp_id in edited) else ""
            session.undo.begin_macro(f"{self._verb} {describe_keypoints(project, edited)}{at}")

    @property
    def posed(self) -> list[str]:
        """The keypoints this drag poses without keying (animated ones dragged with auto-key off)."""
        return [kp_id for kp_id in self.ids if self.target[kp_id] == POSE]

    def _values(self, kp_id: str, point: np.ndarray) -> np.ndarray:
        values = self.start[kp_id].copy()
        if self.mode == MOVE:
            values[:2] += point - self.anchor
            return values
        centre = values[:2]
        before, after = self.anchor - centre, point - centre
        if np.hypot(*before) < 1e-6 or np.hypot(*after) < 1e-6:
            return values
        values[2] += math.atan2(after[1], after[0]) - math.atan2(before[1], before[0])
        values[3] *= max(float(np.hypot(*after) / np.hypot(*before)), 1e-3)
        return values

    def _edit(self, kp_id: str, values: tuple[float, ...]) -> Edit:
        project = self.session.project
        name = project.keypoint(kp_id).name
        if self.target[kp_id] == KEY:
            return set_key(project, kp_id, self.frame, values,
                           merge_key=self.merge_key, text=f"{self._verb} {name} at {self.frame}")
        x, y = clamp_to_image(project, float(values[0]), float(values[1]))
        before = project.keypoint(kp_id)
        after = before.with_changes(x=x, y=y, rotation=float(values[2]), scale=float(values[3]))
        return ChangeKeypoint(before, after, f"{self._verb} {name}", merge_key=self.merge_key)

    def update(self, point: tuple[float, float]) -> None:
        """Apply the drag for the mouse at ``point`` (image pixels)."""
        where = np.array(point, dtype=np.float64)
        for kp_id in self.ids:
            values = self.session.world_to_local(kp_id, tuple(self._values(kp_id, where)))
            if self.target[kp_id] == POSE:
                self.session.set_posed({kp_id: values})
            else:
                self.session.forget_pose([kp_id])
                self.session.push(self._edit(kp_id, values))
        self.moved = self.moved or bool(self.ids)

    def finish(self) -> None:
        """End the gesture: the next edit starts a new undo step."""
        if self._grouped:
            self.session.undo.end_macro()
        self.session.finish_gesture()
