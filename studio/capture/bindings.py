"""Binding rules: which tracker landmark drives which keypoint, shared by the capture dock and `render --driving`.

No Qt. Bindings are stored in the project by keypoint id (``Project.capture``); retargeting takes them by
keypoint index (``Binding``). ``ChangeCaptureBindings`` is the undo step that changes the stored ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from studio.capture.body_preset import HAND_PRESET, POSE_PRESET
from studio.capture.face_preset import FACE_PRESET
from studio.capture.retarget import Binding
from studio.core.edits import Edit
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import CaptureBindings, Project

AUTO_TRACKERS = ("face", "pose", "hands", "flow")
NAMED_PRESETS: dict[str, tuple[tuple[str, int], ...]] = {"face": FACE_PRESET, "pose": POSE_PRESET,
                                                          "hands": HAND_PRESET}
PRESET_HINTS = {"face": "new --keypoints face", "pose": "new --keypoints body", "hands": "new --keypoints hands"}


def preset_bindings(tracker: str, keypoint_names: Sequence[str]) -> list[Binding]:
    """Bind every keypoint named after an entry of ``tracker``'s preset to its landmark; others stay unbound."""
    landmark_of = dict(NAMED_PRESETS[tracker])
    return [Binding(k, landmark_of[name]) for k, name in enumerate(keypoint_names) if name in landmark_of]


def preset_tracker(keypoint_names: Sequence[str], preferred: str) -> str:
    """The named-preset tracker to auto-bind with: the one most keypoints are named after, ``preferred`` on a tie
    (face and body share mouth_left and mouth_right).
    """
    counts = {name: len(preset_bindings(name, keypoint_names)) for name in NAMED_PRESETS}
    best = max(counts.values())
    return preferred if counts.get(preferred) == best else max(counts, key=counts.__getitem__)


def usable_bindings(bindings: Sequence[Binding], landmark_count: int) -> tuple[Binding, ...]:
    """The bindings whose landmark the tracker has (a face binding means nothing to the hands tracker)."""
    return tuple(b for b in bindings if 0 <= b.landmark < landmark_count)


def flow_points(keypoints: Sequence[Keypoint], image_size: tuple[int, int],
                frame_size: tuple[int, int]) -> np.ndarray:
    """One flow point per keypoint [K, 2]: its rest position scaled from the image (W, H) to the frame (W, H)."""
    scale = np.array([frame_size[0] / image_size[0], frame_size[1] / image_size[1]])
    return np.array([(kp.x, kp.y) for kp in keypoints], dtype=np.float64).reshape(-1, 2) * scale


def bindings_by_index(keypoints: Sequence[Keypoint], landmarks: Mapping[str, int]) -> list[Binding]:
    """Keypoint id -> landmark as retarget Bindings (keypoint = index in ``keypoints``), in keypoint order."""
    return [Binding(row, int(landmarks[kp.id])) for row, kp in enumerate(keypoints) if kp.id in landmarks]


def auto_bindings(tracker: str, keypoints: Sequence[Keypoint], image_size: tuple[int, int],
                  frame_size: tuple[int, int]) -> CaptureBindings:
    """The automatic bindings for ``tracker``: face, pose and hands bind keypoints named after their preset (face,
    body, hands); flow puts one point on each keypoint (scaled to the frame) and binds the keypoint to it.
    UserError when there is none.
    """
    if tracker == "flow":
        points = flow_points(keypoints, image_size, frame_size)
        return CaptureBindings("flow", {kp.id: i for i, kp in enumerate(keypoints)},
                               tuple((float(x), float(y)) for x, y in points))
    if tracker not in NAMED_PRESETS:
        raise UserError(f"the {tracker} tracker has no automatic binding to keypoints: use face, pose, hands or "
                        "flow, or bind the keypoints by hand in the Capture panel")
    found = preset_bindings(tracker, [kp.name for kp in keypoints])
    if not found:
        preset = "body" if tracker == "pose" else tracker
        raise UserError(f"no keypoint is named after the {preset} preset: name them like the preset "
                        f"({PRESET_HINTS[tracker]}), bind them by hand, or use the flow tracker")
    return CaptureBindings(tracker, {keypoints[b.keypoint].id: b.landmark for b in found})


@dataclass
class ChangeCaptureBindings(Edit):
    """Change the project's capture bindings (tracker, landmarks, flow points) as one undo step."""

    before: CaptureBindings
    after: CaptureBindings
    text: str = "Change capture bindings"

    def apply(self, project: Project) -> None:
        project.capture = self.after
        project.notify("capture")

    def revert(self, project: Project) -> None:
        project.capture = self.before
        project.notify("capture")
