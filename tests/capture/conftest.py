"""Shared fixtures for capture tests: the shipped sample portrait, when present."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

SAMPLE_PORTRAIT = Path(__file__).resolve().parents[2] / "resources" / "sample.png"


@pytest.fixture(scope="session")
def sample_portrait() -> np.ndarray:
    """resources/sample.png as RGB uint8; skips the test when the file is not shipped yet."""
    if not SAMPLE_PORTRAIT.is_file():
        pytest.skip("resources/sample.png is not in the tree")
    bgr = cv2.imread(str(SAMPLE_PORTRAIT), cv2.IMREAD_COLOR)
    assert bgr is not None, f"cannot read {SAMPLE_PORTRAIT}"
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
