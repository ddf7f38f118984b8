"""The entry points set how long torch's idle OpenMP threads spin, before torch loads: short for the window and
the commands, libgomp's default for training, and never over the user's own value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = ("import os, sys; from studio.cli import main; sys.argv = ['marionette', {command!r}, '--help']\n"
        "try: main()\nexcept SystemExit: pass\nprint(os.environ.get('GOMP_SPINCOUNT', 'default'))")


def spin_count(command: str, environment: dict[str, str]) -> str:
    """The spin count a headless ``command`` (run up to its --help) leaves in its process."""
    result = subprocess.run([sys.executable, "-c", SHOW.format(command=command)], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.strip().splitlines()[-1]


def without_spin() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}


def test_commands_get_the_short_spin_and_training_keeps_the_default() -> None:
    assert spin_count("render", without_spin()) == "1000"
    assert spin_count("train", without_spin()) == "default"


def test_a_users_own_spin_count_wins() -> None:
    assert spin_count("render", {**os.environ, "GOMP_SPINCOUNT": "250000"}) == "250000"


def test_the_window_and_its_commands_choose_before_anything_else(monkeypatch) -> None:
    from studio import entry

    chosen: list[str | None] = []
    monkeypatch.setattr("studio.openmp.choose_spin", chosen.append)
    assert entry.main(["--version"]) == 0
    assert chosen == ["--version"]  # made before the first early return
