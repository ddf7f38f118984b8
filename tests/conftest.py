"""Test-wide settings: Qt offscreen, isolated user directories, fixed thread counts."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_NUM_THREADS", "2")

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every test fresh config and data directories so settings and plugins never leak."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("MARIONETTE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("MARIONETTE_DATA_DIR", str(home / "data"))


@pytest.fixture
def one_torch_thread():
    """Run a test on one torch thread (tiny models are fastest so, and a busy machine cannot stall a thread
    team); the previous count comes back afterwards."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
