"""Real mediapipe faces: the paste-back face crop and the best-frame search on the sample portrait."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.engine.fomm.generator import FommGenerator
from studio.engine.fomm.transfer import find_best_frame

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample.png"


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    image = cv2.imread(str(SAMPLE), cv2.IMREAD_COLOR)
    if image is None:
        pytest.skip("resources/sample.png is missing")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def test_large_portrait_is_cropped_around_the_face_and_pasted_back(tiny_files: tuple[Path, Path],
                                                                    portrait: np.ndarray) -> None:
    config, checkpoint = tiny_files
    gen = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint))
    state = gen.prepare(portrait)
    x, y, w, h = state.data["box"]
    assert w == h and 120 < w < 400
    assert x < 225 < x + w and y < 110 < y + h  # the face of the sample is around (225, 110)
    kp = gen.detect_keypoints(state)
    assert ((kp.positions >= [x, y]) & (kp.positions <= [x + w, y + h])).all()
    moved = kp.positions + np.array([4, -3], np.float32)
    frame = gen.render(state, kp, type(kp)(positions=moved, jacobians=kp.jacobians))
    assert frame.shape == portrait.shape
    assert np.array_equal(frame[y + h:], portrait[y + h:])
    assert np.array_equal(frame[:, x + w:], portrait[:, x + w:])


def test_best_frame_with_real_face_landmarks(portrait: np.ndarray) -> None:
    squashed = np.zeros_like(portrait)
    squashed[:300] = cv2.resize(portrait, (512, 300), interpolation=cv2.INTER_AREA)
    turn = cv2.getRotationMatrix2D((225, 110), 25, 1.0)
    rotated = cv2.warpAffine(portrait, turn, (512, 512))
    shifted = np.roll(portrait, (30, -40), axis=(0, 1))
    assert find_best_frame(portrait, [squashed, rotated, shifted]) == 2
