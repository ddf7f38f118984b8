"""mediapipe face-mesh landmarks of a still image: none on a blank image, 478 in pixels on the sample portrait."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.core.errors import UserError
from studio.landmarks.face_mesh import detect_face_landmarks
from studio.landmarks.frames import as_rgb_uint8

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.png"


def test_blank_image_has_no_face() -> None:
    assert detect_face_landmarks(np.full((128, 128, 3), 200, dtype=np.uint8)) is None


def test_non_uint8_image_is_a_user_error() -> None:
    with pytest.raises(UserError, match="8-bit"):
        detect_face_landmarks(np.zeros((64, 64, 3), dtype=np.float32))


def test_grey_and_rgba_become_rgb() -> None:
    assert as_rgb_uint8(np.zeros((4, 5), np.uint8)).shape == (4, 5, 3)
    assert as_rgb_uint8(np.zeros((4, 5, 4), np.uint8)).shape == (4, 5, 3)
    with pytest.raises(UserError, match="grey, RGB or RGBA"):
        as_rgb_uint8(np.zeros((4, 5, 2), np.uint8))


def test_landmarks_on_the_sample_portrait_are_pixels_inside_the_image() -> None:
    bgr = cv2.imread(str(SAMPLE), cv2.IMREAD_COLOR)
    if bgr is None:
        pytest.skip("resources/sample.png is missing")
    portrait = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    landmarks = detect_face_landmarks(portrait)
    assert landmarks is not None
    assert landmarks.shape == (478, 3)
    assert landmarks.dtype == np.float32
    height, width = portrait.shape[:2]
    assert (landmarks[:, 0] >= 0).all() and (landmarks[:, 0] < width).all()
    assert (landmarks[:, 1] >= 0).all() and (landmarks[:, 1] < height).all()
