"""kill -9 at random moments of a save, 50 times: the project file on disk always opens, old or new, never a mix."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from studio.core.project import Project
from studio.core.project_file import load_project, project_to_dict, save_project
from tests.ui.conftest import make_project

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50

SAVING_LOOP = textwrap.dedent("""
    import sys
    from studio.core.project_file import load_project, save_project

    path, versions = sys.argv[1], [load_project(p) for p in sys.argv[2:]]
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        save_project(versions[n % 2], path)
""")


def version(which: int) -> Project:
    """One of two different projects (image size, names and keys differ), so a mix of both cannot pass."""
    project = make_project(256 if which else 200)
    project.keypoints[1] = project.keypoints[1].with_changes(name=f"version {which}")
    return project


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_kill_9_during_saves_never_leaves_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "shot.marionette"
    save_project(version(0), path)
    versions = [str(tmp_path / f"v{i}.marionette") for i in (0, 1)]
    for i, name in enumerate(versions):
        save_project(version(i), name)
    expected = [project_to_dict(version(0)), project_to_dict(version(1))]
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    rng = random.Random(12)
    seen = set()
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", SAVING_LOOP, str(path), *versions], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        document = project_to_dict(load_project(path))
        assert document in expected
        seen.add(expected.index(document))
    assert seen == {0, 1}  # the kills landed at different moments of the saves
