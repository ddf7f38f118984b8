import numpy as np

from studio.core.edits import replace_tracks
from studio.core.key_reduction import reduce_keys
from studio.core.takes import Take, bake_take
from studio.core.tracks import Keyframe, Track
from studio.core.undo import UndoStack
from tests.core.helpers import make_project


def _take():
    times = np.arange(0, 2.0001, 1 / 60)  # 60 Hz for 2 s
    values = np.zeros((len(times), 1, 4))
    values[:, 0, 0] = np.where(times < 1, times * 30, 30)  # a ramp then a plateau, in pixels
    values[:, 0, 3] = 1
    return Take("t", ("kp0",), times, values, np.ones((len(times), 1), bool))


def test_reduce_keys_keeps_the_corners_of_a_piecewise_line():
    t = np.arange(21, dtype=float)
    v = np.where(t < 10, t, 10 + (t - 10) * -2)
    assert reduce_keys(t, v, 0.01) == [0, 10, 20]


def test_resample_and_bake_follow_the_take():
    take = _take()
    values, valid = take.resampled(30)
    assert values.shape == (61, 1, 4) and valid.all()
    np.testing.assert_allclose(values[15, 0, 0], 15, atol=1e-9)
    tracks = bake_take(take, 30, 10, 200, tolerance=0.1)
    frames = tracks["kp0"].frames()
    assert frames[0] == 10 and len(frames) <= 5
    project = make_project(1)
    project.tracks.update(tracks)
    project.notify("tracks")
    sampled = project.sample_values(np.arange(10, 71))[:, 0, 0]
    np.testing.assert_allclose(sampled, values[:, 0, 0], atol=0.1)


def test_baking_replaces_keys_only_in_range_and_undoes_as_one_step():
    project = make_project(1)
    project.tracks["kp0"] = Track((Keyframe(0, (1.0, 1.0, 0.0, 1.0)), Keyframe(100, (2.0, 1.0, 0.0, 1.0))))
    stack = UndoStack(project)
    stack.push(replace_tracks(project, bake_take(_take(), 30, 10, 70), 10, 70))
    assert project.track("kp0").frames()[0] == 0 and project.track("kp0").frames()[-1] == 100
    stack.undo()
    assert project.track("kp0").frames() == [0, 100]


def test_take_serialises_round_trip():
    take = _take()
    again = Take.from_bytes("t", take.to_bytes())
    np.testing.assert_array_equal(again.values, take.values)
    assert again.keypoint_ids == ("kp0",)
