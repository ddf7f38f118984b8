"""From a performance to the document: the one motion-to-take path, and the undo step that stores and/or bakes it.

No Qt here. The capture dock (a recording) and `render --driving` (a tracked video) both build their take with
``build_take``, so they share the neutral-frame rule: a calibrated neutral when given, otherwise the first frame
where the tracker sees a bound landmark. Smoothing runs on the raw samples (gaps kept); retargeting fills gaps.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.capture.bindings import usable_bindings
from studio.capture.head_turn import HeadLimits
from studio.capture.motion import TrackedMotion
from studio.capture.neutral import Neutral
from studio.capture.retarget import Binding, retarget_take
from studio.capture.smoothing import smooth_motion
from studio.core.edits import AddTake, Edit, Macro, replace_tracks
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.rig_bake import bake_take_rigged
from studio.core.takes import Take

NOTHING_SEEN = {
    "face": "no face found in the recording: face the camera in good light and record again",
    "pose": "no body found in the recording: step back so the body is in view and record again",
    "hands": "no hand found in the recording: keep the hands in view and record again",
}


def build_take(motion: TrackedMotion, keypoints: Sequence[Keypoint], bindings: Sequence[Binding], mode: str,
               strength: float, name: str, neutral: Neutral | None = None, head: HeadLimits | None = None) -> Take:
    """The take of a recording: smoothed (One Euro ``strength``), retargeted onto the bound keypoints.

    ``neutral``: the calibrated neutral; None uses the first frame that sees a bound landmark. ``head``: head
    rotation gain and limits. UserError when nothing was recorded, nothing is bound, or the tracker never saw
    anything.
    """
    if motion.frame_count == 0:
        raise UserError("nothing was recorded: keep the source running while recording")
    bound = usable_bindings(bindings, motion.landmark_count)
    if not bound:
        raise UserError(f"no keypoint is bound to a {motion.tracker} landmark: fill the bindings table first")
    seen = motion.visible[:, [b.landmark for b in bound]].any(axis=1)
    if not seen.any():
        raise UserError(NOTHING_SEEN.get(motion.tracker, "the tracker lost every point: place points again"))
    motion = smooth_motion(motion, strength)
    neutral_ref: int | Neutral = int(np.argmax(seen)) if neutral is None else neutral
    return retarget_take(motion, keypoints, bound, neutral=neutral_ref, mode=mode, name=name, head=head)


def next_take_name(project: Project) -> str:
    """"Take N" with N one past the highest number already used."""
    numbers = [int(t.name.split()[-1]) for t in project.takes
               if t.name.startswith("Take ") and t.name.split()[-1].isdigit()]
    return f"Take {max(numbers, default=0) + 1}"


def take_frame_count(take: Take, fps: float) -> int:
    """How many project frames the take spans at ``fps``."""
    return int(np.floor(take.duration * fps + 1e-6)) + 1 if len(take.times) else 0


def bake_edit(project: Project, take: Take, start: int, end: int, replace_keys: bool,
              tolerance: float = 0.5) -> Edit:
    """One undo step: store the take (when not yet in the project) and, with ``replace_keys``, replace the keys
    of its keypoints over [start, end] (clipped to the take's length) with its reduced keys. A take holds world
    poses: a child's keys are converted to its own values relative to its parent (the parent's baked keys
    included) before keys are reduced (studio.core.rig_bake).
    """
    stored = any(t is take for t in project.takes)
    edits: list[Edit] = [] if stored else [AddTake(take)]
    if replace_keys:
        last = min(end, start + take_frame_count(take, project.timing.fps) - 1)
        if last < start:
            raise UserError(f"the bake range {start}–{end} is empty: choose an end frame after the start")
        tracks = bake_take_rigged(project, take, start, last, tolerance)
        if not tracks:
            raise UserError(f"{take.name} never saw any keypoint of this project: nothing to bake")
        edits.append(replace_tracks(project, tracks, start, last, f"Bake {take.name}"))
    if not edits:
        raise UserError(f"{take.name} is already stored: choose Replace keys to bake it")
    return Macro(edits, f"Bake {take.name}" if replace_keys else f"Store {take.name}")
