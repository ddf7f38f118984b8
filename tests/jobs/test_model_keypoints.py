import math

import numpy as np
import pytest

from studio.core.keypoints import frames_from_channels
from studio.jobs.model_keypoints import similarity_of


@pytest.mark.parametrize(("rotation", "scale"), [(0.0, 1.0), (0.7, 1.5), (-2.5, 0.4)])
def test_similarity_of_recovers_rotation_and_scale(rotation, scale):
    _, jacobian = frames_from_channels(np.array([0.0, 0.0, rotation, scale]))
    got_rotation, got_scale = similarity_of(jacobian)
    assert got_rotation == pytest.approx(rotation, abs=1e-5)
    assert got_scale == pytest.approx(scale, rel=1e-5)


def test_similarity_of_a_shear_keeps_its_area_and_mean_turn():
    rotation, scale = similarity_of(np.array([[1.0, 0.5], [0.0, 1.0]]))
    assert scale == pytest.approx(1.0)
    assert rotation == pytest.approx(math.atan2(-0.5, 2.0))
