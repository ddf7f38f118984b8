"""Fixtures for evaluation tests: one torch thread and a small synthetic data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.training.synthetic_clips import make_dataset


@pytest.fixture(autouse=True)
def _one_torch_thread(one_torch_thread) -> None:
    """Every test here runs on one torch thread."""


@pytest.fixture
def eval_data(tmp_path: Path) -> Path:
    """Three 6-frame 48 px clips."""
    return make_dataset(tmp_path / "data", clips=3, frames=6, size=48)
