"""`render P1 P2 --source GLOB --ray local`: 6 portraits x 2 motions on the session's Ray instance.

One run, with a worker killed (SIGKILL) mid-run, checks what a cluster run promises: the killed worker is replaced
and its pairs re-run (12 complete outputs, no temp files), and the outputs are the local run's, file names and
frames. Then --resume renders only what is missing, and a run without shared storage writes the same bytes.
"""

from __future__ import annotations

import os
import shutil
import signal
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
import pytest

from studio import cli
from studio.scale import ray_batch
from tests.jobs.batch_data import write_batch_inputs

PAIRS = 12
FRAMES = 6


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> tuple[list[Path], str]:
    """Two projects and six portraits, shared by this module's tests."""
    return write_batch_inputs(tmp_path_factory.mktemp("batch"))


@dataclass
class _Kill:
    """The actors' process ids when they started, and the one killed at the first result."""

    pids: list[int] = field(default_factory=list)
    killed: list[int] = field(default_factory=list)


def _killing_one_worker(kill: _Kill, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next --ray run note its actors' pids and SIGKILL the first actor when the first pair finishes."""
    start_actors, run_on_ray = ray_batch._start_actors, ray_batch.run_on_ray

    def start_and_note_pids(ray, *args):
        actors = start_actors(ray, *args)
        kill.pids.extend(ray.get([actor.pid.remote() for actor in actors]))
        return actors

    def run_and_kill(job, pairs, on_result, config):
        def kill_at_first_result(result):
            if not kill.killed:
                os.kill(kill.pids[0], signal.SIGKILL)  # that actor still holds at least one of the 11 other pairs
                kill.killed.append(kill.pids[0])
            on_result(result)

        run_on_ray(job, pairs, kill_at_first_result, config)

    monkeypatch.setattr(ray_batch, "_start_actors", start_and_note_pids)
    monkeypatch.setattr(ray_batch, "run_on_ray", run_and_kill)


@pytest.fixture(scope="module")
def killed_run(ray_cluster, inputs, tmp_path_factory) -> tuple[Path, _Kill]:
    """One --ray local run of the 12 pairs during which a worker is killed: (its output folder, the kill)."""
    out = tmp_path_factory.mktemp("ray-run")
    kill = _Kill()
    with pytest.MonkeyPatch.context() as monkeypatch:
        _killing_one_worker(kill, monkeypatch)
        assert _render(*inputs, out, "--ray", "local") == 0
    return out, kill


@pytest.fixture
def ray_outputs(killed_run) -> Path:
    """The killed run's output folder."""
    return killed_run[0]


def _render(projects: list[Path], source: str, out: Path, *extra: str) -> int:
    args = ["render", *map(str, projects), "--source", source, "-o", str(out / "{project}" / "{name}.mp4"), *extra]
    return cli.main(args)


def _outputs(folder: Path) -> list[str]:
    """Every file under ``folder`` (hidden ones too: temp files would show), relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _frames(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        return np.stack([frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)])


def _videos(folder: Path) -> list[str]:
    return [name for name in _outputs(folder) if name.endswith(".mp4")]


def test_ray_run_gives_the_local_run_s_files_and_frames(ray_outputs, inputs, tmp_path):
    assert _render(*inputs, tmp_path) == 0
    assert _outputs(ray_outputs) == _outputs(tmp_path)
    assert len(_videos(ray_outputs)) == PAIRS
    for name in _videos(tmp_path):
        local, remote = _frames(tmp_path / name), _frames(ray_outputs / name)
        assert local.shape[0] == FRAMES
        np.testing.assert_array_equal(local, remote)


def test_a_worker_killed_mid_run_is_replaced_and_its_pairs_re_run(killed_run):
    out, kill = killed_run
    assert len(kill.pids) == 2 and kill.killed == kill.pids[:1]
    assert len(_videos(out)) == PAIRS
    assert not [name for name in _outputs(out) if ".part-" in name]
    for name in _videos(out):
        assert _frames(out / name).shape[0] == FRAMES


def test_resume_renders_only_the_missing_outputs(ray_outputs, inputs, tmp_path, capsys):
    shutil.copytree(ray_outputs, tmp_path, dirs_exist_ok=True)
    (tmp_path / "wave" / "p1.mp4").unlink()
    (tmp_path / "nod" / "p4.mp4").unlink()
    stray = tmp_path / "nod" / ".p4.mp4.part-1a2b3c"
    stray.write_bytes(b"half a file from a killed run")
    kept = {name: (tmp_path / name).stat().st_mtime_ns for name in _videos(tmp_path)}
    capsys.readouterr()
    assert _render(*inputs, tmp_path, "--ray", "local", "--resume") == 0
    assert "rendered 2, skipped 10 (complete), failed 0 of 12 pairs" in capsys.readouterr().out
    assert len(_videos(tmp_path)) == PAIRS and not stray.exists()
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in kept} == kept


def test_without_shared_storage_workers_send_the_bytes_and_the_driver_writes_them(ray_outputs, inputs, tmp_path):
    projects, source = inputs
    flags = ("--ray", "local", "--ray-workers", "1", "--ray-shared-storage", "no")
    assert _render([projects[0]], source, tmp_path, *flags) == 0
    videos = _videos(tmp_path)
    assert len(videos) == PAIRS // 2
    for name in videos:
        assert (tmp_path / name).read_bytes() == (ray_outputs / name).read_bytes()
