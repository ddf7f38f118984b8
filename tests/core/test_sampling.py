import numpy as np
import pytest

from studio.core.keypoints import frames_from_channels
from studio.core.tracks import Interpolation, Keyframe, Track
from tests.core.helpers import make_project


def _two_keys(interp: Interpolation, **tangents) -> Track:
    return Track((Keyframe(0, (0.0, 0.0, 0.0, 1.0), interp, **tangents), Keyframe(10, (10.0, 20.0, 1.0, 2.0))))


def _sample(track: Track, frames):
    project = make_project(1)
    project.tracks["kp0"] = track
    return project.sample_values(frames)[:, 0]


def test_hold_keeps_the_value_until_the_next_key():
    values = _sample(_two_keys(Interpolation.HOLD), [0, 5, 9.99, 10])
    assert values[:3, 0].tolist() == [0, 0, 0]
    assert values[3, 0] == 10


def test_linear_is_the_straight_line():
    values = _sample(_two_keys(Interpolation.LINEAR), [0, 2.5, 5, 10])
    np.testing.assert_allclose(values[:, 0], [0, 2.5, 5, 10])
    np.testing.assert_allclose(values[:, 3], [1, 1.25, 1.5, 2])


def test_smooth_with_flat_ends_eases_in_and_out():
    values = _sample(_two_keys(Interpolation.SMOOTH), [0, 1, 5, 9, 10])[:, 0]
    assert values[0] == 0 and values[-1] == 10
    assert values[2] == pytest.approx(5)
    assert values[1] < 1  # slower than linear at the start
    assert values[3] > 9  # and at the end


def test_smooth_tangents_shape_the_curve():
    steep = _sample(_two_keys(Interpolation.SMOOTH, out_tangent=(5.0, 0.0, 0.0, 0.0)), [1])[0, 0]
    flat = _sample(_two_keys(Interpolation.SMOOTH), [1])[0, 0]
    assert steep > flat + 2


def test_auto_tangents_are_catmull_rom_in_the_middle():
    track = Track(tuple(Keyframe(f, (float(f), 0.0, 0.0, 1.0)) for f in (0, 10, 20)))
    values = _sample(track, [9.99, 10, 10.01])[:, 0]
    # The middle key's automatic slope is (20 - 0) / (20 - 0) = 1 on both sides: the curve is smooth there.
    assert values[1] == 10
    assert (values[1] - values[0]) / 0.01 == pytest.approx(1, abs=0.01)
    assert (values[2] - values[1]) / 0.01 == pytest.approx(1, abs=0.01)


def test_edges_hold_first_and_last_values():
    values = _sample(_two_keys(Interpolation.LINEAR), [-100, -1, 11, 1000])[:, 0]
    assert values.tolist() == [0, 0, 10, 10]


def test_single_key_holds_everywhere_and_unkeyed_keypoints_rest():
    project = make_project(3)
    project.tracks["kp1"] = Track((Keyframe(4, (1.0, 2.0, 0.0, 1.0)),))
    values = project.sample_values([0, 4, 50])
    assert np.all(values[:, 1, :2] == [1, 2])
    assert np.all(values[:, 0, :2] == [10, 20])
    assert np.all(values[:, 2, :2] == [20, 20])


def test_many_tracks_sample_independently():
    project = make_project(3)
    project.tracks["kp0"] = Track((Keyframe(0, (0.0, 0.0, 0.0, 1.0), Interpolation.LINEAR),
                                   Keyframe(4, (4.0, 0.0, 0.0, 1.0))))
    project.tracks["kp2"] = Track((Keyframe(100, (7.0, 0.0, 0.0, 1.0), Interpolation.HOLD),
                                   Keyframe(200, (9.0, 0.0, 0.0, 1.0))))
    values = project.sample_values([2, 150, 300])
    assert values[:, 0, 0].tolist() == [2, 4, 4]
    assert values[:, 1, 0].tolist() == [15, 15, 15]
    assert values[:, 2, 0].tolist() == [7, 7, 9]


def test_sample_shapes_and_jacobians():
    project = make_project(68)
    poses = project.sample(np.arange(10))
    assert poses.positions.shape == (10, 68, 2)
    assert poses.jacobians.shape == (10, 68, 2, 2)
    _, jac = frames_from_channels(np.array([0.0, 0.0, np.pi / 2, 2.0]))
    np.testing.assert_allclose(jac, [[0, -2], [2, 0]], atol=1e-6)


def test_cache_is_dropped_after_a_change():
    project = make_project(1)
    assert project.sample_values(0)[0, 0, 0] == 10
    project.tracks["kp0"] = Track((Keyframe(0, (3.0, 0.0, 0.0, 1.0)),))
    project.notify("tracks")
    assert project.sample_values(0)[0, 0, 0] == 3


def test_overshooting_scale_curves_stay_positive():
    track = Track((Keyframe(0, (0.0, 0.0, 0.0, 0.05), Interpolation.SMOOTH, out_tangent=(0.0, 0.0, 0.0, -1.0)),
                   Keyframe(10, (0.0, 0.0, 0.0, 0.05))))
    scales = _sample(track, np.linspace(0, 10, 41))[:, 3]
    assert scales.min() > 0
