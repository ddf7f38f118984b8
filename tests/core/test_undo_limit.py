"""The undo history is bounded: the oldest steps drop off, the newest stay exact."""

from __future__ import annotations

import pytest

from studio.core import edits
from studio.core.undo import DEFAULT_UNDO_LIMIT, UndoStack, default_undo_limit
from tests.core.helpers import make_project


def rename(stack: UndoStack, name: str) -> None:
    kp = stack.project.keypoints[0]
    stack.push(edits.ChangeKeypoint(kp, kp.with_changes(name=name)))


def test_old_steps_drop_beyond_the_limit_and_the_newest_undo_exactly() -> None:
    stack = UndoStack(make_project(1), limit=5)
    for i in range(12):
        rename(stack, f"n{i}")
    assert len(stack.texts()) == 5
    assert stack.index == 5
    assert stack.dropped == 7
    while stack.can_undo():
        stack.undo()
    assert stack.project.keypoints[0].name == "n6", "five undos lead back to the state after edit 7"
    stack.set_index(5)
    assert stack.project.keypoints[0].name == "n11"


def test_a_macro_counts_as_one_step_and_is_trimmed_too() -> None:
    stack = UndoStack(make_project(1), limit=2)
    for i in range(3):
        stack.begin_macro("two renames")
        rename(stack, f"a{i}")
        rename(stack, f"b{i}")
        stack.end_macro()
    assert stack.texts() == ["two renames", "two renames"]
    stack.undo()
    stack.undo()
    assert stack.project.keypoints[0].name == "b0"


def test_a_saved_state_that_drops_off_can_no_longer_be_reached() -> None:
    stack = UndoStack(make_project(1), limit=3)
    rename(stack, "saved")
    stack.set_clean()
    rename(stack, "x")
    rename(stack, "y")
    stack.undo()
    stack.undo()
    assert stack.is_clean()
    stack.redo()
    stack.redo()
    rename(stack, "z")
    stack.set_index(0)
    assert stack.project.keypoints[0].name == "saved" and stack.is_clean()
    stack.set_index(3)
    rename(stack, "w")
    stack.set_index(0)
    assert stack.project.keypoints[0].name == "x"
    assert not stack.is_clean()


@pytest.mark.parametrize(("value", "expected"), [("", DEFAULT_UNDO_LIMIT), ("40", 40), ("0", DEFAULT_UNDO_LIMIT),
                                                 ("lots", DEFAULT_UNDO_LIMIT)])
def test_the_limit_comes_from_the_setting(monkeypatch, value, expected) -> None:
    monkeypatch.setenv("MARIONETTE_UNDO_LIMIT", value)
    assert default_undo_limit() == expected
    assert UndoStack(make_project(1)).limit == expected
