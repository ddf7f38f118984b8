"""Timeline mouse gestures, one object per drag: scrub the ruler, pan time, rubber-band keys, move keys.

The canvas makes one on press, calls ``move_to`` per mouse move and ``finish`` on release. Moving keys
pushes ``move_keys`` edits sharing one merge key, so a drag is one undo step.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF

from studio.core.edits import move_keys
from studio.ui.key_commands import frames_by_keypoint
from studio.ui.session import Session
from studio.ui.timeline.timeline_geometry import HEADER_WIDTH

KeyRef = tuple[str, int]
_gesture_ids = itertools.count(1)


class TimelineSurface(Protocol):
    """What the gestures need from the canvas."""

    session: Session
    selected_keys: set[KeyRef]

    @property
    def pixels_per_frame(self) -> float: ...

    @property
    def first_frame(self) -> float: ...

    def set_first_frame(self, frame: float) -> None: ...

    def x_to_frame(self, x: float) -> float: ...

    def keys_in_rect(self, rect: QRectF) -> set[KeyRef]: ...

    def set_selected_keys(self, keys: set[KeyRef]) -> None: ...


class ScrubDrag:
    """Left drag in the ruler: the playhead follows the mouse."""

    def __init__(self, canvas: TimelineSurface, press: QPointF) -> None:
        self.canvas = canvas
        canvas.session.begin_gesture()
        self.move_to(press)

    def move_to(self, pos: QPointF) -> None:
        """Put the playhead on the frame under the mouse."""
        self.canvas.session.set_frame(round(self.canvas.x_to_frame(max(pos.x(), HEADER_WIDTH))))

    def finish(self) -> None:
        """The scrub ends (scrubbing is not an edit): the preview renders the full frame."""
        self.canvas.session.end_gesture()


class PanDrag:
    """Middle drag: the time axis follows the mouse."""

    def __init__(self, canvas: TimelineSurface, press: QPointF) -> None:
        self.canvas = canvas
        self.press = press
        self.start_frame = canvas.first_frame

    def move_to(self, pos: QPointF) -> None:
        """Shift the visible frames by the mouse's horizontal travel."""
        self.canvas.set_first_frame(self.start_frame - (pos.x() - self.press.x()) / self.canvas.pixels_per_frame)

    def finish(self) -> None:
        """Nothing to close: panning is not an edit."""


class BandDrag:
    """Left drag on empty rows: select the keys inside the rubber band (added to ``base`` with Shift)."""

    def __init__(self, canvas: TimelineSurface, press: QPointF, base: set[KeyRef]) -> None:
        self.canvas = canvas
        self.press = press
        self.base = base
        self.rect = QRectF(press, press)

    def move_to(self, pos: QPointF) -> None:
        """Stretch the band and select what it covers."""
        self.rect = QRectF(self.press, pos).normalized()
        self.canvas.set_selected_keys(self.base | self.canvas.keys_in_rect(self.rect))

    def finish(self) -> None:
        """The selection is already made."""


class KeysDrag:
    """Left drag on a key: the selected keys move by whole frames, never onto another key of their row.

    A press that does not move narrows the selection to ``narrow_to`` on release (click one key of a group).
    """

    def __init__(self, session: Session, selection: set[KeyRef], press: QPointF, pixels_per_frame: float,
                 select: Callable[[set[KeyRef]], None], narrow_to: set[KeyRef] | None) -> None:
        project = session.project
        self.session = session
        self.press = press
        self.pixels_per_frame = pixels_per_frame
        self.select = select
        self.narrow_to = narrow_to
        self.frames = frames_by_keypoint(selection)
        self.blocked = {kp_id: set(project.track(kp_id).frames()) - set(frames)
                        for kp_id, frames in self.frames.items()}
        self.offset = 0
        self.moved = False
        self.merge_key = f"timeline-move-{next(_gesture_ids)}"

    def _valid(self, offset: int) -> bool:
        return not any(f + offset in self.blocked[kp_id] for kp_id, frames in self.frames.items() for f in frames)

    def move_to(self, pos: QPointF) -> None:
        """Move the keys by the frames the mouse travelled, unless that lands one on another key."""
        offset = round((pos.x() - self.press.x()) / self.pixels_per_frame)
        if offset == self.offset or not self._valid(offset):
            return
        current = {kp_id: [f + self.offset for f in frames] for kp_id, frames in self.frames.items()}
        edit = move_keys(self.session.project, current, offset - self.offset, self.merge_key)
        self.offset = offset
        self.moved = True
        self.select({(kp_id, f + offset) for kp_id, frames in self.frames.items() for f in frames})
        self.session.push(edit)

    def finish(self) -> None:
        """Close the undo step, or narrow the selection after a click."""
        if self.moved:
            self.session.finish_gesture()
        elif self.narrow_to is not None:
            self.select(self.narrow_to)


TimelineDrag = ScrubDrag | PanDrag | BandDrag | KeysDrag
