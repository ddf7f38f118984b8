"""Auto-place the body and hands keypoint presets (mediapipe pose / hands on the source image) from the Keypoints
menu: detection runs on a worker thread, the keypoints land as one undo step.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from studio.core.edits import AddKeypoint, Macro
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob, start_job

PRESET_LABELS = {"body": ("Auto-Place &Body Keypoints", "Detect the body and add the 33 pose keypoints"),
                 "hands": ("Auto-Place &Hand Keypoints", "Detect the hands and add 21 keypoints on each")}


def detect_preset_keypoints(preset: str, source_png: bytes) -> list[Keypoint]:
    """Decode the source image and place the named preset on it (UserError when nothing is found)."""
    from studio.capture.keypoint_presets import preset_keypoints
    from studio.media.image_io import decode_image

    return preset_keypoints(preset, decode_image(source_png, "the source image"))


def add_preset_edit(project: Project, preset: str, keypoints: list[Keypoint]) -> Macro:
    """One undo step adding the keypoints; a name already taken gets a number (it then binds by hand only)."""
    taken = {kp.name for kp in project.keypoints}
    edits = []
    for keypoint in keypoints:
        name, number = keypoint.name, 2
        while name in taken:
            name, number = f"{keypoint.name} {number}", number + 1
        taken.add(name)
        edits.append(AddKeypoint(keypoint.with_changes(name=name)))
    return Macro(list(edits), f"Auto-place {preset} keypoints")


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
        project = self.session.project
        self._show(f"Looking for {'a body' if preset == 'body' else 'hands'}…")
        for action in self.actions:
            action.setEnabled(False)

        def done(keypoints: list[Keypoint]) -> None:
            if self.session.project is not project:
                return
            self.session.push(add_preset_edit(project, preset, keypoints))
            self.session.finish_gesture()
            self.session.set_selection([kp.id for kp in keypoints])
            self._show(f"Placed {len(keypoints)} {preset} keypoints")

        self._job = start_job(lambda: detect_preset_keypoints(preset, project.source_png), done, self._show, self)
        self._job.finished.connect(self._finished)

    def _finished(self) -> None:
        self._job = None
        for action in self.actions:
            action.setEnabled(True)

    def shutdown(self) -> None:
        """Wait for a placement still running (the window is closing)."""
        if self._job is not None:
            self._job.wait()
            self._job = None
