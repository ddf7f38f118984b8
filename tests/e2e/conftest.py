"""Run main.py as a user does: a subprocess in the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_main(*args: str, cwd: Path | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run ``python main.py ARGS`` and capture its output as text."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=timeout, env=env)


@pytest.fixture
def main_py():
    """The run_main function."""
    return run_main


def user_error_line(result: subprocess.CompletedProcess) -> str:
    """The one 'error: ...' line of a failed command (library noise on stderr is ignored)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    return lines[0]
