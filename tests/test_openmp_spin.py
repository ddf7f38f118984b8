"""Importing studio sets how long torch's idle OpenMP threads spin, before torch loads, unless the user set it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = "import studio, os; print(os.environ['GOMP_SPINCOUNT'])"


def spin_count(environment: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=60, check=True)
    return result.stdout.strip()


def test_studio_shortens_the_openmp_spin_by_default() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}
    assert spin_count(environment) == "1000"


def test_a_users_own_spin_count_wins() -> None:
    assert spin_count({**os.environ, "GOMP_SPINCOUNT": "250000"}) == "250000"
