"""Auto-place the body and hands keypoint presets (mediapipe pose / hands on the source image) from the Keypoints
menu: detection runs on a worker thread, the keypoints land as one undo step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from studio.core.keypoints import Keypoint
from studio.ui.keypoints.placement_job import start_placement
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob

PRESET_LABELS = {"body": ("Auto-Place &Body Keypoints", "Detect the body and add the 33 pose keypoints"),
                 "hands": ("Auto-Place &Hand Keypoints", "Detect the hands and add 21 keypoints on each")}


def detect_preset_keypoints(preset: str, source_png: bytes) -> list[Keypoint]:
    """Decode the source image and place the named preset on it (UserError when nothing is found)."""
    from studio.capture.keypoint_presets import preset_keypoints
    from studio.media.image_io import decode_image

    return preset_keypoints(preset, decode_image(source_png, "the source image"))


class PresetPlacer(QObject):
    """The Keypoints menu's body and hands actions: one placement at a time, results for a replaced project dropped."""

    def __init__(self, session: Session, show_message: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._show = show_message
        self._job: BackgroundJob | None = None
        self.actions: list[QAction] = []
        for preset, (text, tip) in PRESET_LABELS.items():
            action = QAction(text, self, toolTip=tip, statusTip=tip)
            action.triggered.connect(lambda _checked=False, name=preset: self.place(name))
            self.actions.append(action)

    def place(self, preset: str) -> None:
        """Detect ``preset`` (body or hands) on a worker and add its keypoints as one undo step."""
        if self._job is not None:
            return
        self._show(f"Looking for {'a body' if preset == 'body' else 'hands'}…")
        for action in self.actions:
            action.setEnabled(False)
        self._job = start_placement(self.session, lambda png: detect_preset_keypoints(preset, png),
                                    f"Auto-place {preset} keypoints",
                                    lambda count: self._show(f"Placed {count} {preset} keypoints"), self._show, self,
                                    self._finished)

    def _finished(self) -> None:
        self._job = None
        for action in self.actions:
            action.setEnabled(True)

    def shutdown(self) -> None:
        """Wait for a placement still running (the window is closing)."""
        if self._job is not None:
            self._job.wait()
            self._job = None
