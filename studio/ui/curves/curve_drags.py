"""Curve editor drags turned into core edits: moving selected keys, bending a tangent handle.

Each drag pushes ``replace_key`` edits that share one merge key, so the whole drag is one undo step
(the editor calls ``session.finish_gesture()`` on release).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF

from studio.core.edits import replace_key
from studio.core.tracks import Keyframe
from studio.ui.curves.curve_handles import (
    SCALE,
    CurveKey,
    CurvePoint,
    channel_factor,
    key_with_slope,
    segment_length,
)
from studio.ui.session import Session

_MIN_SCALE = 1e-3


class KeyDrag:
    """Moves the selected keys with the grabbed one: frames by a whole-frame offset, values by the same
    display-unit delta on every selected channel. Keys never land on unselected keys."""

    def __init__(self, session: Session, grabbed: CurvePoint, selection: set[CurveKey], merge_key: str) -> None:
        project = session.project
        self.session = session
        self.grabbed = grabbed
        self.merge_key = merge_key
        self.offset = 0
        self.moved = False
        self.channels: dict[tuple[str, int], set[int]] = {}
        for kp_id, channel, frame in selection:
            self.channels.setdefault((kp_id, frame), set()).add(channel)
        self.originals: dict[tuple[str, int], Keyframe] = {}
        for kp_id, frame in self.channels:
            key = project.track(kp_id).key_at(frame)
            if key is not None:
                self.originals[(kp_id, frame)] = key
        self.blocked = {kp_id: set(project.track(kp_id).frames()) for kp_id, _ in self.originals}
        for kp_id, frame in self.originals:
            self.blocked[kp_id].discard(frame)

    def _valid(self, offset: int) -> bool:
        return all(frame + offset not in self.blocked[kp_id] for kp_id, frame in self.originals)

    def move_to(self, view_pos: QPointF) -> set[CurveKey] | None:
        """Follow the mouse (curve coordinates); return the moved selection, or None when nothing changed."""
        offset = round(view_pos.x()) - self.grabbed.frame
        if not self._valid(offset):
            offset = self.offset
        delta = view_pos.y() - self.grabbed.y
        previous = self.offset
        order = sorted(self.originals, key=lambda ref: ref[1], reverse=offset > previous)
        project = self.session.project
        changed = False
        for kp_id, frame in order:
            original = self.originals[(kp_id, frame)]
            values = list(original.values)
            for channel in self.channels[(kp_id, frame)]:
                values[channel] += delta / channel_factor(channel)
                if channel == SCALE:
                    values[channel] = max(values[channel], _MIN_SCALE)
            new_key = original.with_changes(frame=frame + offset, values=tuple(values))
            if project.track(kp_id).key_at(frame + previous) == new_key:
                continue
            self.session.push(replace_key(project, kp_id, frame + previous, new_key, self.merge_key))
            changed = True
        self.offset = offset
        if not changed:
            return None
        self.moved = True
        return {(kp_id, channel, frame + offset)
                for (kp_id, frame), channels in self.channels.items() for channel in channels}


class HandleDrag:
    """Sets a key's in or out slope from the mouse; ``aligned`` keeps both sides equal (a smooth joint)."""

    def __init__(self, session: Session, grabbed: CurvePoint, merge_key: str, aligned: bool) -> None:
        self.session = session
        self.grabbed = grabbed
        self.merge_key = merge_key
        self.aligned = aligned
        self.moved = False

    def move_to(self, view_pos: QPointF) -> None:
        """Follow the mouse (curve coordinates); the handle cannot cross to the other side of its key."""
        project = self.session.project
        point = self.grabbed
        track = project.track(point.keypoint_id)
        key = track.key_at(point.frame)
        if key is None:
            return
        factor = channel_factor(point.channel)
        min_dt = max(0.01, 0.02 * segment_length(track, point.frame, point.kind))
        dt = view_pos.x() - point.frame
        dt = max(dt, min_dt) if point.kind == "out" else min(dt, -min_dt)
        slope = (view_pos.y() - key.values[point.channel] * factor) / dt / factor
        new_key = key_with_slope(track, point.frame, point.channel, point.kind, slope, self.aligned)
        if new_key != key:
            self.session.push(replace_key(project, point.keypoint_id, point.frame, new_key, self.merge_key))
            self.moved = True
