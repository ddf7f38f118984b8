"""Capture bindings live in the project: each change is an undo step, and a saved project restores them in the dock."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.capture.face_preset import FACE_PRESET
from studio.core.project import CaptureBindings
from studio.core.project_file import save_project


def test_binding_changes_are_undo_steps_that_mark_the_project_modified(open_panel) -> None:
    panel = open_panel()
    session = panel.session
    assert not session.is_modified
    panel.auto_bind()
    assert session.is_modified and session.undo.texts() == ["Bind 19 keypoints to face landmarks"]
    assert session.project.capture.landmarks == panel.bindings.landmarks() and len(panel.bindings.bindings()) == 19
    panel.bindings.item(0, 1).setText("")
    assert len(session.project.capture.landmarks) == 18 and session.undo.index == 2
    session.undo.undo()
    assert len(panel.bindings.bindings()) == 19
    session.undo.undo()
    assert panel.bindings.bindings() == [] and session.project.capture == CaptureBindings()
    session.undo.redo()
    assert len(panel.bindings.bindings()) == 19


def test_saved_bindings_are_restored_in_the_dock(open_panel, tmp_path: Path) -> None:
    panel = open_panel()
    panel.auto_bind()
    path = tmp_path / "bound.marionette"
    save_project(panel.session.project, path)
    reopened = open_panel(path=path)
    expected = dict(FACE_PRESET)
    project = reopened.session.project
    assert reopened.tracker_combo.currentText() == "face"
    assert reopened.bindings.landmarks() == {kp.id: expected[kp.name] for kp in project.keypoints}
    assert not reopened.session.is_modified


def test_saved_flow_points_are_restored_with_the_flow_tracker(open_panel, tmp_path: Path) -> None:
    panel = open_panel()
    project = panel.session.project
    points = ((12.0, 30.0), (40.5, 60.0))
    project.capture = CaptureBindings("flow", {project.keypoints[0].id: 0, project.keypoints[3].id: 1}, points)
    path = tmp_path / "flow.marionette"
    save_project(project, path)
    reopened = open_panel(path=path)
    assert reopened.tracker_combo.currentText() == "flow"
    assert reopened.bindings.landmarks() == {project.keypoints[0].id: 0, project.keypoints[3].id: 1}
    np.testing.assert_allclose(reopened.source_view.points, points)
    assert [b.landmark for b in reopened.bindings.bindings()] == [0, 1]
