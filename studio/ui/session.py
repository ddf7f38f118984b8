"""The editing session: one open project, its undo stack, the current frame, the selection and the pose.

A QObject that bridges the plain-Python document signals into Qt signals, so views connect
``_on_<what>_changed`` handlers to it. Every view receives the session in ``__init__``.

The pose: with auto-key off, dragging an animated keypoint poses it at the current frame without
writing a key (as in After Effects and Blender). Posed values override the sampled ones in every view
and in the preview until the playhead moves (the pose is dropped, ``pose_dropped``) or K keys them.

The gesture: a drag or a scrub in progress (``begin_gesture`` on press, ``end_gesture`` or ``finish_gesture`` on
release); ``gesture_changed(bool)`` tells the preview, which shows drafts while it lasts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.core.edits import Edit, set_keys_from_current
from studio.core.keypoints import frames_from_channels
from studio.core.project import PoseArrays, Project
from studio.core.rig import apply_sticks, compose, parent_indices, stick_pairs, to_local
from studio.core.tracks import Values
from studio.core.undo import UndoStack


class Session(QObject):
    """Shared editing state for all views of the main window."""

    project_replaced = Signal()
    document_changed = Signal(str)
    frame_changed = Signal(int)
    selection_changed = Signal()
    undo_changed = Signal()
    auto_key_changed = Signal(bool)
    pose_changed = Signal()
    pose_dropped = Signal(int)
    gesture_changed = Signal(bool)

    def __init__(self, project: Project, path: Path | None = None) -> None:
        super().__init__()
        self.project = project
        self.undo = UndoStack(project)
        self.path = path
        self.current_frame = project.timing.start
        self.selected_ids: list[str] = []
        self.auto_key = True
        self.posed: dict[str, Values] = {}
        self._gesture = False
        self._attach()

    def _attach(self) -> None:
        self.project.changed.connect(self.document_changed.emit)
        self.undo.changed.connect(self.undo_changed.emit)

    def replace_project(self, project: Project, path: Path | None) -> None:
        """Switch to another project (New, Open, Recover): fresh undo stack, frame at range start."""
        self.project.changed.disconnect(self.document_changed.emit)
        self.project = project
        self.undo = UndoStack(project)
        self.path = path
        self.current_frame = project.timing.start
        self.selected_ids = []
        self.posed = {}
        self.end_gesture()
        self._attach()
        self.project_replaced.emit()
        self.undo_changed.emit()
        self.frame_changed.emit(self.current_frame)
        self.selection_changed.emit()

    def push(self, edit: Edit) -> None:
        """Apply an edit through the undo stack."""
        self.undo.push(edit)

    def finish_gesture(self) -> None:
        """A drag ended: the next edit starts a new undo step (and the gesture, if one began, ends)."""
        self.undo.close_merge()
        self.end_gesture()

    @property
    def gesture_active(self) -> bool:
        """True while a drag or a scrub is in progress (the preview shows drafts meanwhile)."""
        return self._gesture

    def begin_gesture(self) -> None:
        """A drag or a scrub started (mouse pressed)."""
        if not self._gesture:
            self._gesture = True
            self.gesture_changed.emit(True)

    def end_gesture(self) -> None:
        """The drag or scrub ended (mouse released); nothing happens when none was in progress."""
        if self._gesture:
            self._gesture = False
            self.gesture_changed.emit(False)

    def set_frame(self, frame: int) -> None:
        """Move the playhead (clamped to the frame range)."""
        timing = self.project.timing
        frame = max(timing.start, min(int(frame), timing.end))
        if frame != self.current_frame:
            dropped = len(self.posed)
            self.posed = {}
            self.current_frame = frame
            if dropped:
                self.pose_dropped.emit(dropped)
            self.frame_changed.emit(frame)

    def set_selection(self, ids: list[str]) -> None:
        """Select keypoints by id (unknown ids are dropped)."""
        known = {kp.id for kp in self.project.keypoints}
        ids = [i for i in ids if i in known]
        if ids != self.selected_ids:
            self.selected_ids = ids
            self.selection_changed.emit()

    def set_auto_key(self, enabled: bool) -> None:
        """Turn auto-key on or off (moving a handle at frame t writes a key at t)."""
        if enabled != self.auto_key:
            self.auto_key = enabled
            self.auto_key_changed.emit(enabled)

    def set_posed(self, values: Mapping[str, Values]) -> None:
        """Pose keypoints at the current frame without keying them (shown until the playhead moves)."""
        self.posed.update({kp_id: tuple(float(v) for v in vals) for kp_id, vals in values.items()})
        self.pose_changed.emit()

    def forget_pose(self, keypoint_ids: list[str]) -> None:
        """Drop the pose of these keypoints without a notice (a key was just written for them)."""
        if any(self.posed.pop(kp_id, None) is not None for kp_id in list(keypoint_ids)):
            self.pose_changed.emit()

    def sample_values(self, frame: int) -> np.ndarray:
        """Channel values [K, 4] at ``frame``: the sampled pose, with posed keypoints at the current frame."""
        project = self.project
        values = project.sample_values([frame])[0]
        if frame == self.current_frame:
            for kp_id, posed in self.posed.items():
                if any(kp.id == kp_id for kp in project.keypoints):
                    values[project.index_of(kp_id)] = posed
        return values

    def composed_values(self, frame: int) -> np.ndarray:
        """World values [K, 4] at ``frame`` with parents composed but no sticks (what drags convert through)."""
        project = self.project
        return compose(self.sample_values(frame)[None], project.rest_values(), parent_indices(project.keypoints))[0]

    def world_values(self, frame: int) -> np.ndarray:
        """Where the keypoints are at ``frame`` [K, 4]: posed values included, parents composed, sticks kept.

        The canvas draws these and the preview renders them; ``sample_values`` are the keypoints' own values.
        """
        project = self.project
        parents = parent_indices(project.keypoints)
        pairs = stick_pairs(project.keypoints, project.sticks)
        if not (parents >= 0).any() and not len(pairs):
            return self.sample_values(frame)
        rest = project.rest_values()
        return apply_sticks(compose(self.sample_values(frame)[None], rest, parents), rest, pairs, parents)[0]

    def world_to_local(self, keypoint_id: str, world: Values) -> tuple[float, ...]:
        """The own values that put a keypoint at ``world`` at the current frame, its parent as shown now
        (posed parents included): a dragged child stays under the mouse."""
        project = self.project
        index = project.index_of(keypoint_id)
        parent = int(parent_indices(project.keypoints)[index])
        values = np.asarray(world, np.float64)
        if parent >= 0:
            parent_world = self.composed_values(self.current_frame)[parent]
            values = to_local(parent_world, project.keypoints[parent].rest_values, values)
        return tuple(float(v) for v in values)

    def sample(self, frame: int) -> PoseArrays:
        """Driving (world) poses at ``frame`` (positions [1,K,2], jacobians [1,K,2,2]) with the posed keypoints."""
        positions, jacobians = frames_from_channels(self.world_values(frame)[None])
        return PoseArrays(positions, jacobians, self.project.radii())

    def key_current(self, keypoint_ids: list[str]) -> int:
        """Key these keypoints and every posed one at the current frame (posed values win): one undo step.

        Returns how many keypoints were keyed (0 when there was nothing to key).
        """
        known = {kp.id for kp in self.project.keypoints}
        ids = [kp_id for kp_id in dict.fromkeys([*keypoint_ids, *self.posed]) if kp_id in known]
        if not ids:
            return 0
        posed, self.posed = {k: v for k, v in self.posed.items() if k in known}, {}
        self.push(set_keys_from_current(self.project, ids, self.current_frame, posed))
        self.finish_gesture()
        if posed:
            self.pose_changed.emit()
        return len(ids)

    @property
    def is_modified(self) -> bool:
        """True when there are unsaved changes."""
        return not self.undo.is_clean()
