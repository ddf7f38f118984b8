import copy

import pytest

from studio.core import edits
from studio.core.keypoints import Keypoint
from studio.core.project import RenderSettings, Timing
from studio.core.project_file import project_to_dict
from studio.core.tracks import Interpolation, Keyframe, Track
from studio.core.undo import UndoStack
from tests.core.helpers import make_project


def _state(project):
    return copy.deepcopy(project_to_dict(project))


@pytest.fixture
def stack():
    project = make_project(3)
    project.tracks["kp0"] = Track((Keyframe(0, (1.0, 2.0, 0.0, 1.0)), Keyframe(10, (5.0, 2.0, 0.0, 1.0))))
    return UndoStack(project)


def _round_trip(stack, edit):
    before = _state(stack.project)
    stack.push(edit)
    after = _state(stack.project)
    assert after != before
    stack.undo()
    assert _state(stack.project) == before
    stack.redo()
    assert _state(stack.project) == after


def test_add_keypoint_round_trip(stack):
    _round_trip(stack, edits.AddKeypoint(Keypoint("new", "new", "#00ff00", 3, 4)))


def test_delete_keypoints_restores_order_and_tracks(stack):
    _round_trip(stack, edits.DeleteKeypoints(("kp2", "kp0")))
    assert [k.id for k in stack.project.keypoints] == ["kp1"]
    stack.undo()
    assert [k.id for k in stack.project.keypoints] == ["kp0", "kp1", "kp2"]
    assert len(stack.project.tracks["kp0"]) == 2


def test_move_keypoint_round_trip(stack):
    kp = stack.project.keypoint("kp1")
    _round_trip(stack, edits.ChangeKeypoint(kp, kp.with_changes(x=30.0, y=31.0)))


def test_set_delete_move_keys_round_trip(stack):
    _round_trip(stack, edits.set_key(stack.project, "kp1", 5, (1, 1, 0, 1)))
    _round_trip(stack, edits.delete_keys(stack.project, {"kp0": [10]}))
    _round_trip(stack, edits.move_keys(stack.project, {"kp0": [0]}, 3))
    assert stack.project.track("kp0").frames() == [3]


def test_interpolation_and_timing_round_trip(stack):
    _round_trip(stack, edits.set_interpolation(stack.project, {"kp0": [0]}, Interpolation.HOLD))
    assert stack.project.track("kp0").keys[0].interpolation is Interpolation.HOLD
    _round_trip(stack, edits.ChangeTiming(stack.project.timing, Timing(24.0, 0, 47)))
    _round_trip(stack, edits.ChangeRenderSettings(stack.project.render, RenderSettings("tps")))


def test_paste_keys_relative_to_the_first_copied_key(stack):
    clipboard = {"kp0": stack.project.track("kp0").keys}
    _round_trip(stack, edits.paste_keys(stack.project, clipboard, 20))
    assert stack.project.track("kp0").frames() == [0, 10, 20, 30]


def test_merged_drag_is_one_undo_step(stack):
    kp = stack.project.keypoint("kp1")
    before = _state(stack.project)
    for i in range(5):
        current = stack.project.keypoint("kp1")
        stack.push(edits.ChangeKeypoint(current, kp.with_changes(x=20.0 + i), merge_key="drag"))
    stack.close_merge()
    current = stack.project.keypoint("kp1")
    stack.push(edits.ChangeKeypoint(current, current.with_changes(y=1.0), merge_key="drag"))
    assert stack.index == 2
    stack.undo()
    assert stack.project.keypoint("kp1").x == 24.0
    stack.undo()
    assert _state(stack.project) == before


def test_keyframe_drag_merges_tracks(stack):
    for value in (1.0, 2.0, 3.0):
        stack.push(edits.set_key(stack.project, "kp1", 5, (value, 0, 0, 1), merge_key="key-drag"))
    assert stack.index == 1
    stack.undo()
    assert "kp1" not in stack.project.tracks


def test_macro_and_set_index(stack):
    stack.begin_macro("Auto-place")
    stack.push(edits.AddKeypoint(Keypoint("a", "a", "#00ff00", 1, 1)))
    stack.push(edits.AddKeypoint(Keypoint("b", "b", "#00ff00", 2, 2)))
    stack.end_macro()
    assert stack.texts() == ["Auto-place"]
    stack.undo()
    assert len(stack.project.keypoints) == 3
    stack.set_index(1)
    assert len(stack.project.keypoints) == 5


def test_clean_state_and_new_edit_drops_redo(stack):
    assert stack.is_clean()
    stack.push(edits.set_key(stack.project, "kp1", 5, (1, 1, 0, 1)))
    assert not stack.is_clean()
    stack.set_clean()
    stack.undo()
    assert not stack.is_clean()
    stack.push(edits.set_key(stack.project, "kp2", 5, (1, 1, 0, 1)))
    assert not stack.can_redo()
    assert not stack.is_clean()


def test_change_events_are_announced(stack):
    seen = []
    stack.project.changed.connect(seen.append)
    stack.push(edits.set_key(stack.project, "kp1", 5, (1, 1, 0, 1)))
    stack.undo()
    assert seen == ["tracks", "tracks"]


def test_set_keys_from_current_keys_the_sampled_pose(stack):
    stack.push(edits.set_keys_from_current(stack.project, ["kp0", "kp1"], 5))
    assert stack.project.track("kp0").key_at(5).values == (3.0, 2.0, 0.0, 1.0)
    assert stack.project.track("kp1").key_at(5).values == (15.0, 20.0, 0.0, 1.0)


def test_keypoint_validation():
    with pytest.raises(ValueError, match="colour"):
        Keypoint("x", "x", "red", 0, 0)
    with pytest.raises(ValueError, match="radius"):
        Keypoint("x", "x", "#ff0000", 0, 0, radius=0)


def test_first_key_away_from_the_start_also_keys_the_rest_pose_at_the_start(stack):
    project = stack.project
    rest = tuple(project.keypoint("kp1").rest_values)
    stack.push(edits.set_key(project, "kp1", 80, (30.0, 25.0, 0.0, 1.0)))
    assert project.track("kp1").frames() == [0, 80]
    assert project.track("kp1").key_at(0).values == rest
    assert tuple(project.sample_values(0)[0][1]) == rest
    assert stack.texts() == ["Key point 1 at 80"]
    stack.push(edits.set_key(project, "kp1", 40, (1.0, 1.0, 0.0, 1.0)))
    assert project.track("kp1").frames() == [0, 40, 80]
    stack.undo()
    stack.undo()
    assert "kp1" not in project.tracks


def test_first_key_at_the_start_is_the_only_key(stack):
    stack.project.timing = Timing(30.0, 5, 50)
    stack.push(edits.set_key(stack.project, "kp1", 5, (30.0, 25.0, 0.0, 1.0)))
    assert stack.project.track("kp1").frames() == [5]
    stack.push(edits.set_keys_from_current(stack.project, ["kp2"], 20))
    assert stack.project.track("kp2").frames() == [5, 20]


def test_keying_posed_values_keys_those_instead_of_the_sampled_pose(stack):
    posed = {"kp0": (9.0, 9.0, 0.5, 2.0)}
    stack.push(edits.set_keys_from_current(stack.project, ["kp0", "kp1"], 5, posed))
    assert stack.project.track("kp0").key_at(5).values == (9.0, 9.0, 0.5, 2.0)
    assert stack.texts() == ["Key 2 keypoints at 5"]


def test_every_edit_names_what_changed(stack):
    project = stack.project
    kp = project.keypoint("kp1")
    stack.push(edits.ChangeKeypoint(kp, kp.with_changes(name="chin")))
    chin = project.keypoint("kp1")
    stack.push(edits.ChangeKeypoint(chin, chin.with_changes(radius=3.0)))
    stack.push(edits.ChangeKeypoint(project.keypoint("kp1"), project.keypoint("kp1").with_changes(x=1.0)))
    stack.push(edits.move_keys(project, {"kp0": [0, 10]}, 2))
    stack.push(edits.delete_keys(project, {"kp0": [2]}))
    stack.push(edits.DeleteKeypoints(("kp2",)))
    stack.push(edits.AddKeypoint(Keypoint("n", "nose", "#00ff00", 3, 4)))
    stack.push(edits.ChangeTiming(project.timing, Timing(24.0, 0, 47)))
    stack.push(edits.ChangeRenderSettings(project.render, project.render.with_changes(device="cpu")))
    assert stack.texts() == ["Rename point 1 to chin", "Radius of chin", "Move chin", "Retime 2 keys",
                             "Delete 1 key", "Delete point 2", "Add nose", "Frames 0–47 at 24 fps",
                             "Device: cpu"]


def test_a_merged_drag_is_named_by_its_last_step(stack):
    for frame in (5, 6, 7):
        stack.push(edits.replace_key(stack.project, "kp0", frame - 1 if frame > 5 else 10,
                                     Keyframe(frame, (5.0, 2.0, 0.0, 1.0)), merge_key="drag"))
    assert stack.texts() == ["Edit key of point 0 at 7"]
