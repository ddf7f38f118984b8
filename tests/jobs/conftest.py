"""One local Ray instance for the session's Ray tests (2 CPUs, a small object store, no dashboard).

Package scope: it starts at the first test that asks for it and ray.shutdown() runs once tests/jobs is done, so no
Ray thread is alive (or appears) while later packages run (tests/ui fails a test that leaves a thread running).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="package")
def ray_cluster():
    """ray, initialised once; its temp folder (short, for Ray's socket paths) is removed after ray.shutdown()."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install -e '.[dev]'")
    temp = Path(tempfile.mkdtemp(prefix="mrt-", dir="/tmp"))
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    auth_mode = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"  # else Ray writes a token into the user's ~/.ray for this instance
    ray.init(num_cpus=2, object_store_memory=80 * 1024 * 1024, include_dashboard=False, _temp_dir=str(temp),
             log_to_driver=False, logging_level="ERROR", runtime_env={"env_vars": {"PYTHONPATH": path}})
    try:
        yield ray
    finally:
        ray.shutdown()
        shutil.rmtree(temp, ignore_errors=True)
        if auth_mode is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = auth_mode
