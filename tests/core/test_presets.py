"""Placed keypoints join a project as one undo step, numbering names already taken."""

from __future__ import annotations

from studio.core.presets import add_keypoints_edit, named_keypoints
from tests.core.helpers import make_project


def test_placed_keypoints_keep_free_names_and_number_taken_ones_in_one_undoable_edit() -> None:
    project = make_project(keypoints=2)
    placed = named_keypoints([("point 0", 1.0, 2.0), ("chin", 3.0, 4.0), ("point 0", 5.0, 6.0)])
    edit = add_keypoints_edit(project, placed, "Auto-place face keypoints")
    edit.apply(project)
    assert [kp.name for kp in project.keypoints] == ["point 0", "point 1", "point 0 2", "chin", "point 0 3"]
    assert edit.text == "Auto-place face keypoints"
    edit.revert(project)
    assert [kp.name for kp in project.keypoints] == ["point 0", "point 1"]
