"""The rig: parents carry children, sticks keep their length, every rig edit undoes, old projects are unchanged."""

import json
import math
import zipfile

import numpy as np
import pytest

from studio.core.edits import set_key
from studio.core.errors import ProjectFileError, UserError
from studio.core.keypoints import Keypoint
from studio.core.project_file import load_project, save_project
from studio.core.rig import Stick, StiffArea, apply_sticks, compose, to_local, to_world
from studio.core.rig_edits import (
    add_stick,
    add_stiff_area,
    delete_keypoints,
    local_to_world,
    remove_stick,
    remove_stiff_area,
    set_parent,
    world_to_local,
)
from studio.core.sampling import MotionSampler
from studio.core.tracks import Interpolation, Track
from studio.core.undo import UndoStack
from tests.core.helpers import make_project, tiny_png


def _face(width=200, height=160):
    """A head with two eyes and a mouth, none parented yet; the head keyed to move and turn."""
    from studio.core.project import Project

    project = Project(tiny_png(width, height), width, height)
    project.keypoints = [Keypoint("head", "head", "#ff0000", 100.0, 80.0, radius=40.0),
                         Keypoint("eye_l", "eye_l", "#00ff00", 80.0, 70.0, radius=8.0),
                         Keypoint("eye_r", "eye_r", "#00ff00", 120.0, 70.0, radius=8.0),
                         Keypoint("mouth", "mouth", "#0000ff", 100.0, 105.0, radius=8.0)]
    return project


def _key_head(project, frame=10, values=(130.0, 90.0, 0.4, 1.25)):
    set_key(project, "head", 0, (100.0, 80.0, 0.0, 1.0)).apply(project)
    set_key(project, "head", frame, values).apply(project)


def _snapshot(project):
    return ([k for k in project.keypoints], dict(project.tracks), project.sticks, project.stiff_areas)


def test_world_and_local_are_inverse_and_identity_at_rest():
    rng = np.random.default_rng(0)
    parent_rest = np.array([50.0, 40.0, 0.2, 1.5])
    parent_world = np.array([[70.0, 20.0, -0.7, 0.9]])
    local = np.column_stack([rng.uniform(0, 100, (5, 2)), rng.uniform(-1, 1, 5), rng.uniform(0.5, 2, 5)])
    np.testing.assert_allclose(to_local(parent_world, parent_rest, to_world(parent_world, parent_rest, local)),
                               local, atol=1e-9)
    np.testing.assert_allclose(to_world(parent_rest[None], parent_rest, local), local, atol=1e-12)


def test_moving_the_head_carries_its_children_exactly():
    project = _face()
    for child in ("eye_l", "eye_r", "mouth"):
        set_parent(project, [child], "head", 0).apply(project)
    _key_head(project)
    world = project.world_values([10])[0]
    turn, k = 0.4, 1.25
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    for index, kp in enumerate(project.keypoints[1:], start=1):
        expected = np.array([130.0, 90.0]) + k * rotation @ (np.array([kp.x, kp.y]) - [100.0, 80.0])
        np.testing.assert_allclose(world[index, :2], expected, atol=1e-9)
        assert world[index, 2] == pytest.approx(turn) and world[index, 3] == pytest.approx(k)
    np.testing.assert_array_equal(project.sample_values([10])[0, 1:], project.rest_values()[1:])


def test_grandchildren_compose_level_by_level():
    rest = np.array([[0.0, 0.0, 0.0, 1.0], [10.0, 0.0, 0.0, 1.0], [20.0, 0.0, 0.0, 1.0]])
    local = rest[None].copy()
    local[0, 0] = (0.0, 0.0, math.pi / 2, 1.0)
    local[0, 1, 2] = math.pi / 2
    world = compose(local, rest, np.array([-1, 0, 1]))
    np.testing.assert_allclose(world[0, 1, :2], [0.0, 10.0], atol=1e-9)
    np.testing.assert_allclose(world[0, 2, :2], [-10.0, 10.0], atol=1e-9)
    assert world[0, 2, 2] == pytest.approx(math.pi)


def test_set_parent_keeps_the_world_pose_at_every_key_and_undoes_exactly():
    project = _face()
    _key_head(project)
    set_key(project, "eye_l", 0, (80.0, 70.0, 0.0, 1.0)).apply(project)
    set_key(project, "eye_l", 10, (95.0, 60.0, 0.1, 1.0), Interpolation.SMOOTH).apply(project)
    track = project.track("eye_l")
    project.tracks["eye_l"] = Track((track.keys[0], track.keys[1].with_changes(in_tangent=(1.0, 0.5, 0.0, 0.0))))
    before_world = project.world_values([0, 10])
    before = _snapshot(project)
    stack = UndoStack(project)
    stack.push(set_parent(project, ["eye_l", "eye_r", "mouth"], "head", 10))
    assert stack.texts() == ["Parent 3 keypoints to head"]
    np.testing.assert_allclose(project.world_values([0, 10])[:, 1], before_world[:, 1], atol=1e-9)
    np.testing.assert_allclose(project.world_values([10]), before_world[1:], atol=1e-9)
    assert project.keypoint("eye_l").parent == "head"
    stack.undo()
    assert _snapshot(project) == before
    stack.redo()
    stack.push(set_parent(project, ["eye_l"], None, 10))
    assert stack.texts()[-1] == "Unparent eye_l"
    np.testing.assert_allclose(project.world_values([0, 10])[:, 1], before_world[:, 1], atol=1e-9)


def test_parenting_a_keyless_child_keys_it_where_the_parent_is_not_at_rest():
    project = _face()
    _key_head(project)
    before = project.world_values([10])[0, 3]
    set_parent(project, ["mouth"], "head", 10).apply(project)
    np.testing.assert_allclose(project.world_values([10])[0, 3], before, atol=1e-9)
    assert project.track("mouth").frames() == [10]
    at_rest = _face()
    set_parent(at_rest, ["mouth"], "head", 0).apply(at_rest)
    assert not len(at_rest.track("mouth"))


def test_a_loop_is_refused_with_one_clear_line():
    project = _face()
    set_parent(project, ["eye_l"], "head", 0).apply(project)
    with pytest.raises(UserError, match="eye_l already follows head.*loop"):
        set_parent(project, ["head"], "eye_l", 0)
    with pytest.raises(UserError, match="its own parent"):
        set_parent(project, ["head"], "head", 0)


def test_dragging_a_child_converts_world_to_local_at_the_frame():
    project = _face()
    set_parent(project, ["eye_l"], "head", 0).apply(project)
    _key_head(project)
    mouse = (150.0, 95.0, 0.5, 1.25)
    local = world_to_local(project, "eye_l", 10, mouse)
    set_key(project, "eye_l", 10, local).apply(project)
    np.testing.assert_allclose(project.world_values([10])[0, 1], mouse, atol=1e-9)
    np.testing.assert_allclose(local_to_world(project, "eye_l", 10, local), mouse, atol=1e-9)
    assert world_to_local(project, "head", 10, mouse) == mouse


def test_old_projects_sample_bit_identically_and_save_no_new_fields(tmp_path):
    project = make_project(3)
    set_key(project, "kp1", 0, (10.0, 20.0, 0.0, 1.0)).apply(project)
    set_key(project, "kp1", 9, (30.0, 25.0, 0.3, 1.1)).apply(project)
    frames = np.linspace(-2, 12, 57)
    direct = MotionSampler([project.track(kp.id) for kp in project.keypoints], project.rest_values()).sample(frames)
    path = tmp_path / "old.marionette"
    save_project(project, path)
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("project.json"))
    assert "rig" not in document and all("parent" not in kp for kp in document["keypoints"])
    loaded = load_project(path)
    assert np.array_equal(loaded.world_values(frames), direct)
    assert np.array_equal(loaded.sample(frames).positions, project.sample(frames).positions)


def test_parents_sticks_and_stiff_areas_round_trip_through_the_file(tmp_path):
    project = _face()
    set_parent(project, ["eye_l", "eye_r"], "head", 0).apply(project)
    add_stick(project, "eye_l", "mouth").apply(project)
    add_stiff_area(project, StiffArea(100.0, 80.0, 30.0, 0.5)).apply(project)
    path = tmp_path / "rig.marionette"
    save_project(project, path)
    loaded = load_project(path)
    assert [kp.parent for kp in loaded.keypoints] == [None, "head", "head", None]
    assert loaded.sticks == (Stick("eye_l", "mouth"),)
    assert loaded.stiff_areas == (StiffArea(100.0, 80.0, 30.0, 0.5),)


def test_a_file_whose_parents_loop_is_refused(tmp_path):
    project = _face()
    project.keypoints[0] = project.keypoints[0].with_changes(parent="eye_l")
    project.keypoints[1] = project.keypoints[1].with_changes(parent="head")
    path = tmp_path / "loop.marionette"
    save_project(project, path)
    with pytest.raises(ProjectFileError, match="loop"):
        load_project(path)


def test_a_stick_keeps_its_rest_length_while_its_ends_are_pulled():
    project = _face()
    add_stick(project, "eye_l", "mouth").apply(project)
    set_key(project, "mouth", 5, (100.0, 150.0, 0.0, 1.0)).apply(project)
    world = project.world_values([5])[0]
    rest = project.rest_values()
    length = np.linalg.norm(rest[1, :2] - rest[3, :2])
    assert np.linalg.norm(world[1, :2] - world[3, :2]) == pytest.approx(length, rel=1e-9)
    assert world[1, 1] > 70.0, "both ends give way"


def test_a_chain_of_sticks_holds_each_length_within_one_percent():
    rest = np.array([[0.0, 0.0, 0.0, 1.0], [30.0, 0.0, 0.0, 1.0], [60.0, 0.0, 0.0, 1.0]])
    world = rest[None].copy()
    world[0, 2, :2] = (100.0, 20.0)
    out = apply_sticks(world, rest, np.array([[0, 1], [1, 2]]), np.full(3, -1))[0]
    for a, b in ((0, 1), (1, 2)):
        assert np.linalg.norm(out[a, :2] - out[b, :2]) == pytest.approx(30.0, rel=0.01)


def test_a_stick_to_an_ancestor_moves_only_the_descendant():
    rest = np.array([[0.0, 0.0, 0.0, 1.0], [40.0, 0.0, 0.0, 1.0], [50.0, 0.0, 0.0, 1.0]])
    world = rest[None].copy()
    world[0, 1, :2] = (60.0, 0.0)
    world[0, 2, :2] = (70.0, 0.0)
    out = apply_sticks(world, rest, np.array([[0, 1]]), np.array([-1, 0, 1]))[0]
    np.testing.assert_allclose(out[0, :2], [0.0, 0.0])
    np.testing.assert_allclose(out[1, :2], [40.0, 0.0])
    np.testing.assert_allclose(out[2, :2], [50.0, 0.0], err_msg="the stick end's child moves with it")


def test_stick_and_stiff_area_edits_undo():
    project = _face()
    stack = UndoStack(project)
    stack.push(add_stiff_area(project, StiffArea(10.0, 10.0, 5.0)))
    stack.push(add_stiff_area(project, StiffArea(20.0, 10.0, 5.0, 0.3)))
    stack.push(remove_stiff_area(project, 0))
    stack.push(add_stick(project, "eye_l", "eye_r"))
    with pytest.raises(UserError, match="already joined"):
        add_stick(project, "eye_r", "eye_l")
    stack.push(remove_stick(project, "eye_r", "eye_l"))
    assert stack.texts() == ["Add stiff area", "Add stiff area", "Remove stiff area", "Stick eye_l to eye_r",
                             "Remove stick eye_r-eye_l"]
    assert project.stiff_areas == (StiffArea(20.0, 10.0, 5.0, 0.3),) and project.sticks == ()
    stack.set_index(0)
    assert project.stiff_areas == () and project.sticks == ()
    stack.set_index(4)
    assert project.sticks == (Stick("eye_l", "eye_r"),)


def test_deleting_a_parent_keeps_its_children_where_they_stand_and_undoes():
    project = _face()
    set_parent(project, ["eye_l", "mouth"], "head", 0).apply(project)
    add_stick(project, "head", "eye_r").apply(project)
    _key_head(project)
    world = project.world_values([10])[0]
    before = _snapshot(project)
    stack = UndoStack(project)
    stack.push(delete_keypoints(project, ["head"], 10))
    assert [kp.parent for kp in project.keypoints] == [None, None, None] and project.sticks == ()
    np.testing.assert_allclose(project.world_values([10])[0], world[1:], atol=1e-9)
    stack.undo()
    assert _snapshot(project) == before


def test_baking_a_take_respects_the_hierarchy():
    from studio.capture.takes import bake_edit
    from studio.core.takes import Take

    project = _face()
    set_parent(project, ["eye_l"], "head", 0).apply(project)
    project.timing = project.timing.__class__(10.0, 0, 20)
    times = np.arange(11) / 10.0
    head = np.column_stack([100.0 + 3 * np.arange(11), 80.0 + np.arange(11), 0.05 * np.arange(11), np.ones(11)])
    eye = np.column_stack([80.0 + 2 * np.arange(11), 70.0 - np.arange(11), np.zeros(11), np.ones(11)])
    take = Take("Take 1", ("head", "eye_l"), times, np.stack([head, eye], axis=1), np.ones((11, 2), bool))
    bake_edit(project, take, 0, 20, replace_keys=True, tolerance=0.05).apply(project)
    world = project.world_values(np.arange(11))
    np.testing.assert_allclose(world[:, 0], head, atol=0.05)
    np.testing.assert_allclose(world[:, 1], eye, atol=0.05)
    local = project.sample_values([10])[0, 1]
    assert not np.allclose(local[:2], eye[10, :2]), "the child's own keys are relative to the head"
