"""studio.entry: the same entry for `python main.py` and the bundle's launcher."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from studio import entry
from studio.version import app_version

ROOT = Path(__file__).resolve().parents[1]


def test_version_flag_prints_the_version(capsys):
    assert entry.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"Marionette Studio {app_version()}"


def test_main_py_and_the_launcher_run_the_same_entry():
    for script in (ROOT / "main.py", ROOT / "packaging" / "launcher.py"):
        done = subprocess.run([sys.executable, str(script), "--version"], capture_output=True, text=True,
                              cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
        assert (done.returncode, done.stdout.strip()) == (0, f"Marionette Studio {app_version()}")


def test_only_no_arguments_or_one_project_open_the_window():
    assert entry.opens_window([]) and entry.opens_window(["shot.marionette"])
    assert not entry.opens_window(["render", "shot.marionette"]) and not entry.opens_window(["--help"])
