"""Fixtures for training tests: one torch thread (fast and stable on a shared 2-core machine), tiny data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.training.synthetic_clips import make_dataset, tiny_config


@pytest.fixture(autouse=True)
def _one_torch_thread(one_torch_thread) -> None:
    """Every test here runs on one torch thread."""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Four 8-frame 32 px clips: three frame folders and one MP4."""
    return make_dataset(tmp_path / "data", clips=4, frames=8, size=32, video=True)


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a tiny config (with train_params overrides) and return its path."""

    def write(name: str = "tiny.yaml", steps: int = 10, **train: object) -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(tiny_config(steps=steps, **train)))
        return path

    return write
