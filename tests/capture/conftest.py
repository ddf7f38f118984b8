"""Shared fixtures for capture tests: the shipped sample portrait, when present."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.landmarks.face_mesh import detect_face_landmarks

SAMPLE_PORTRAIT = Path(__file__).resolve().parents[2] / "resources" / "sample.png"


@pytest.fixture(scope="session")
def sample_portrait() -> np.ndarray:
    """resources/sample.png as RGB uint8; skips the test when the file is not shipped yet."""
    if not SAMPLE_PORTRAIT.is_file():
        pytest.skip("resources/sample.png is not in the tree")
    bgr = cv2.imread(str(SAMPLE_PORTRAIT), cv2.IMREAD_COLOR)
    assert bgr is not None, f"cannot read {SAMPLE_PORTRAIT}"
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


@pytest.fixture(scope="session")
def face_crop(sample_portrait: np.ndarray) -> np.ndarray:
    """A 256x256 crop of the sample portrait around the face (RGB uint8)."""
    landmarks = detect_face_landmarks(sample_portrait)
    assert landmarks is not None, "the sample portrait must show a face"
    center = landmarks[:, :2].mean(axis=0)
    half = 1.1 * float(np.ptp(landmarks[:, 1]))
    height, width = sample_portrait.shape[:2]
    x0 = int(np.clip(center[0] - half, 0, width - 2 * half))
    y0 = int(np.clip(center[1] - half, 0, height - 2 * half))
    side = int(2 * half)
    return cv2.resize(sample_portrait[y0 : y0 + side, x0 : x0 + side], (256, 256), interpolation=cv2.INTER_AREA)
