"""The Capture panel's bindings behaviour: the table and the tracker choice edit ``Project.capture`` (undoable,
saved with the project) and are redrawn from it. The rules themselves are studio.capture.bindings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Signal

from studio.capture.bindings import ChangeCaptureBindings, auto_bindings, preset_tracker
from studio.capture.face_depth import depth_edit, lift_keypoints, needs_lifting
from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import CaptureBindings
from studio.ui.capture.capture_layout import CapturePanelLayout
from studio.ui.capture.capture_runner import CaptureRunner
from studio.ui.capture.capture_source_view import nearest_point
from studio.ui.session import Session


class BindingActions(CapturePanelLayout):
    """Bindings part of CapturePanel: auto-binding, flow points, clicks on landmarks, tracker changes.

    ``tracker_switched(name)`` fires when the tracker changed (by the user, an undo or another project);
    ``bindings_updated()`` after the table changed.
    """

    tracker_switched = Signal(str)
    bindings_updated = Signal()
    session: Session
    runner: CaptureRunner
    _reference_size: tuple[int, int] | None = None
    _loading = False
    _run_job: Callable[..., None]

    @property
    def flow_points(self) -> np.ndarray:
        """The flow tracker's points [P, 2] in source-frame pixels (stored in the project)."""
        return np.array(self.session.project.capture.points, dtype=np.float32).reshape(-1, 2)

    def _store_bindings(self, capture: CaptureBindings, text: str) -> None:
        """Make ``capture`` the project's bindings as one undo step (nothing when they are the same)."""
        project = self.session.project
        present = {kp.id for kp in project.keypoints}
        current = project.capture.with_changes(
            landmarks={i: m for i, m in project.capture.landmarks.items() if i in present})
        if capture != current:
            self.session.push(ChangeCaptureBindings(project.capture, capture, text))
            self.session.finish_gesture()

    def _load_bindings(self) -> None:
        """Show the project's bindings: tracker, table and flow points."""
        capture = self.session.project.capture
        self._loading = True
        try:
            switched = capture.tracker != self.tracker_combo.currentText()
            if switched and self.tracker_combo.findText(capture.tracker) >= 0:
                self.tracker_combo.setCurrentText(capture.tracker)
            self.bindings.set_landmarks(capture.landmarks)
        finally:
            self._loading = False
        if switched:
            self.tracker_switched.emit(capture.tracker)
        elif capture.tracker == "flow":
            self.source_view.set_points(self.flow_points)
        self._highlight_bound()

    def _on_tracker_changed(self, name: str) -> None:
        if self._loading:
            return
        had_bindings = bool(self.bindings.landmarks())
        self._store_bindings(CaptureBindings(name), f"Capture with the {name} tracker")
        self.tracker_switched.emit(name)
        if had_bindings:
            self.set_status(f"Bindings cleared: {name} landmarks mean something else; bind again")

    def auto_bind(self) -> None:
        """Bind every keypoint named after the face, body or hands preset to its landmark (one undo step), with the
        preset most keypoints are named after (the chosen tracker's on a tie).
        """
        project = self.session.project
        tracker = preset_tracker([kp.name for kp in project.keypoints], self.tracker_combo.currentText())
        try:
            capture = auto_bindings(tracker, project.keypoints, (project.width, project.height),
                                    (project.width, project.height))
        except UserError:
            self.set_status("No keypoint is named after the face, body or hands preset: bind them by hand")
            return
        self._store_bindings(capture, f"Bind {len(capture.landmarks)} keypoints to {tracker} landmarks")
        hint = "; Lift to 3D for head turns" if tracker == "face" and needs_lifting(project.keypoints) else ""
        self.set_status(f"Bound {len(capture.landmarks)} of {len(project.keypoints)} keypoints to {tracker} "
                        f"landmarks{hint}")

    def lift_face(self) -> None:
        """Give the keypoints over the face their depth from the source's face mesh (on a worker; one undo step),
        so the performer's head turns and nods turn them in 3D.
        """
        from studio.media.image_io import decode_image

        project = self.session.project
        keypoints = list(project.keypoints)
        self.set_status("Lifting the face keypoints to 3D…")

        def lifted(result: list[Keypoint]) -> None:
            if self.session.project is not project:
                return
            edit = depth_edit(project, result)
            if edit is None:
                self.set_status("The keypoints already have their depth")
                return
            self.session.push(edit)
            self.session.finish_gesture()
            count = sum(kp.depth is not None for kp in project.keypoints)
            self.set_status(f"Lifted {count} keypoints to 3D: head turns and nods now turn them")

        self._run_job(lambda: lift_keypoints(decode_image(project.source_png, "the source image"), keypoints),
                      lifted, lambda message: self.set_status(f"Not lifted to 3D: {message}"))

    def track_keypoints(self) -> None:
        """Flow tracker: one point on each keypoint's rest position (scaled to the source), bound to it."""
        project = self.session.project
        if self.tracker_combo.currentText() != "flow":
            self.tracker_combo.setCurrentText("flow")
        size = self._reference_size
        if size is None:
            self.set_status("Choose a video or camera first: its first frame must be read to place points")
            return
        capture = auto_bindings("flow", project.keypoints, (project.width, project.height), size)
        self._store_bindings(capture, "Flow points on the keypoints")
        self.source_view.set_points(self.flow_points)
        self.set_status(f"{len(capture.points)} flow points on the keypoints")

    def _clear_bindings(self) -> None:
        capture = self.session.project.capture
        self._store_bindings(capture.with_changes(landmarks={}, points=()), "Clear capture bindings")
        if capture.tracker == "flow":
            self.source_view.set_points(np.zeros((0, 2), np.float32))

    def _on_bindings_changed(self) -> None:
        if not self._loading:
            capture = self.session.project.capture
            self._store_bindings(capture.with_changes(landmarks=self.bindings.landmarks()), "Bind keypoints")
        self._highlight_bound()
        self.bindings_updated.emit()

    def _highlight_bound(self) -> None:
        self.source_view.set_highlight(set(self.bindings.landmarks().values()))

    def _place_flow_point(self, x: float, y: float) -> None:
        kp_id = self.bindings.selected_keypoint()
        if kp_id is None:
            self.set_status("Select a keypoint row first, then click where its flow point goes")
            return
        capture = self.session.project.capture
        self._store_bindings(capture.with_changes(points=(*capture.points, (x, y)),
                                                  landmarks={**capture.landmarks, kp_id: len(capture.points)}),
                             "Place a flow point")
        self.source_view.set_points(self.flow_points)
        self.bindings.select_after(kp_id)

    def _on_view_clicked(self, x: float, y: float) -> None:
        if self.tracker_combo.currentText() == "flow" and not self.runner.running:
            self._place_flow_point(x, y)
            return
        index = nearest_point(self.source_view.points, x, y)
        if index is None:
            self.set_status("No landmark in view to pick: start Live Puppet so the tracker shows them")
        elif not self.bindings.bind_selected(index):
            self.set_status(f"Landmark {index}: select a keypoint row first to bind it")
        else:
            self.set_status(f"Bound to landmark {index}")
