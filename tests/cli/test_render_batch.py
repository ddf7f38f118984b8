"""`render P1 P2 --source GLOB -o "out/{project}/{name}.mp4"` on this machine: pairs, resume, failures, no Ray."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from studio import cli
from studio.media import video_writer
from tests.jobs.batch_data import write_batch_inputs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def inputs(tmp_path) -> tuple[list[Path], str]:
    """Two projects (wave, nod) and two portraits (p0, p1)."""
    return write_batch_inputs(tmp_path / "in", portraits=2)


def _render(inputs, out: Path, *extra: str, output: str = "{project}/{name}.mp4") -> int:
    projects, source = inputs
    return cli.main(["render", *map(str, projects), "--source", source, "-o", str(out / output), *extra])


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_every_pair_gets_its_output_and_a_manifest_line(inputs, tmp_path, capsys):
    assert _render(inputs, tmp_path / "out") == 0
    assert _files(tmp_path / "out") == [f"{project}/{name}" for project in ("nod", "wave")
                                        for name in (".marionette-batch.jsonl", "p0.mp4", "p1.mp4")]
    assert "rendered 4, skipped 0 (complete), failed 0 of 4 pairs" in capsys.readouterr().out


def test_resume_skips_complete_outputs_and_removes_stray_temp_files(inputs, tmp_path, capsys):
    out = tmp_path / "out"
    assert _render(inputs, out) == 0
    (out / "wave" / "p1.mp4").unlink()
    (out / "nod" / "p0.mp4").write_bytes(b"changed after the run")  # its sha256 no longer matches: re-rendered
    stray = out / "wave" / ".p1.mp4.part-a1b2c3"
    stray.write_bytes(b"partial")
    capsys.readouterr()
    assert _render(inputs, out, "--resume") == 0
    assert "rendered 2, skipped 2 (complete), failed 0 of 4 pairs" in capsys.readouterr().out
    assert not stray.exists() and (out / "nod" / "p0.mp4").stat().st_size > 100


def test_an_existing_output_needs_resume_or_overwrite(inputs, tmp_path, capsys):
    assert _render(inputs, tmp_path) == 0
    capsys.readouterr()
    assert _render(inputs, tmp_path) == 2
    assert "exists: pass --overwrite" in capsys.readouterr().err
    assert _render(inputs, tmp_path, "--overwrite") == 0


def test_failed_pairs_are_listed_with_their_reason_and_the_exit_code_is_1(inputs, tmp_path, capsys):
    (Path(inputs[1]).parent / "broken.png").write_bytes(b"not an image")
    assert _render(inputs, tmp_path) == 1
    captured = capsys.readouterr()
    assert "rendered 4, skipped 0 (complete), failed 2 of 6 pairs" in captured.out
    assert "failed wave/broken:" in captured.err and "failed nod/broken:" in captured.err
    assert (tmp_path / "wave" / "p1.mp4").is_file() and not (tmp_path / "wave" / "broken.mp4").exists()


def test_several_projects_need_project_in_the_output(inputs, tmp_path, capsys):
    assert _render(inputs, tmp_path, output="{name}.mp4") == 2
    assert "put {project} in the output" in capsys.readouterr().err


def test_the_encoded_bits_do_not_depend_on_the_machine_s_core_count(inputs, tmp_path, monkeypatch):
    monkeypatch.setattr(video_writer.os, "cpu_count", lambda: 1)
    assert _render(inputs, tmp_path / "one", "--size", "256x") == 0  # big enough for x264 to use 8 threads
    monkeypatch.setattr(video_writer.os, "cpu_count", lambda: 8)
    assert _render(inputs, tmp_path / "eight", "--size", "256x") == 0
    for name in ("wave/p0.mp4", "nod/p1.mp4"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "eight" / name).read_bytes()


def test_ray_without_ray_installed_is_one_clear_line(inputs, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    assert _render(inputs, tmp_path, "--ray", "local") == 2
    assert capsys.readouterr().err == ("error: --ray needs Ray, which is not installed: "
                                       "pip install 'marionette-studio[ray]'\n")


def test_a_local_batch_imports_no_ray(inputs, tmp_path):
    projects, source = inputs
    code = ("import sys\nfrom studio import cli\n"
            f"code = cli.main(['render', {str(projects[0])!r}, {str(projects[1])!r}, '--source', {source!r}, "
            f"'-o', {str(tmp_path / '{project}' / '{name}.mp4')!r}])\n"
            "print(code, 'ray' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.split()[-2:] == ["0", "False"]
