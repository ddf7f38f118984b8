"""One local Ray instance for the whole session (2 CPUs, a small object store, no dashboard), stopped at the end."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def ray_cluster():
    """ray, initialised once; its temp folder (short, for Ray's socket paths) is removed after ray.shutdown()."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install -e '.[dev]'")
    temp = Path(tempfile.mkdtemp(prefix="mrt-", dir="/tmp"))
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    ray.init(num_cpus=2, object_store_memory=80 * 1024 * 1024, include_dashboard=False, _temp_dir=str(temp),
             log_to_driver=False, logging_level="ERROR", runtime_env={"env_vars": {"PYTHONPATH": path}})
    try:
        yield ray
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
