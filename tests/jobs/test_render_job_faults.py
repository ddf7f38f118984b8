"""Export faults: disk full or the output folder removed mid-export leaves no partial file, one clear line."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main as cli_main
from studio.core.errors import UserError
from studio.core.project_file import save_project
from studio.jobs.render_job import render_project
from studio.jobs.render_plan import RenderOptions, plan_render
from studio.media import png_sequence_writer, video_writer
from studio.media.output_spec import OutputSpec
from studio.plugins.api import builtin_registry
from tests.ui.conftest import make_project

TARGETS = ["out/clip.mp4", "out/clip.webm", "out/clip.gif", "out/seq/%03d.png"]


def _disk_full(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _render(tmp_path: Path, name: str, motion: object = None) -> list[Path]:
    project = make_project(48)
    project.timing = project.timing.__class__(project.timing.fps, 0, 7)
    plan = plan_render(project, RenderOptions())
    spec = OutputSpec(str(tmp_path / name), plan.fps, plan.width, plan.height)
    return render_project(project, plan, spec, builtin_registry(), device="cpu", motion=motion)


class _RemovesFolder:
    """Project motion that deletes the output folder when the 4th frame is sampled."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.calls = 0
        self.project = make_project(48)

    def sample(self, frames: np.ndarray) -> object:
        self.calls += 1
        while self.calls == 4 and self.folder.exists():  # the encoder thread may be adding a file meanwhile
            shutil.rmtree(self.folder, ignore_errors=True)
        return self.project.sample(frames)


@pytest.mark.parametrize("name", TARGETS)
def test_output_folder_removed_mid_export_leaves_nothing(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(UserError, match=r"could not write .*: No such file or directory") as caught:
        _render(tmp_path, name, _RemovesFolder(folder))
    assert "\n" not in str(caught.value)
    assert _files(tmp_path) == []


@pytest.mark.parametrize("name", TARGETS)
def test_disk_full_at_the_final_rename_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      name: str) -> None:
    monkeypatch.setattr(os, "replace", _disk_full)
    with pytest.raises(UserError, match=r"could not write .*: No space left on device"):
        _render(tmp_path, name)
    monkeypatch.undo()
    assert _files(tmp_path) == []


def test_disk_full_while_encoding_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(video_writer.VideoFileWriter, "_write", _disk_full)
    with pytest.raises(UserError, match=r"clip\.mp4: No space left on device"):
        _render(tmp_path, "out/clip.mp4")
    monkeypatch.setattr(png_sequence_writer, "encode_png", _disk_full)
    with pytest.raises(UserError, match=r"No space left on device"):
        _render(tmp_path, "out/seq/%03d.png")
    monkeypatch.undo()
    assert _files(tmp_path) == []


def test_cli_render_on_a_full_disk_is_one_line_exit_2_and_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "shot.marionette"
    save_project(make_project(48), project)
    monkeypatch.setattr(video_writer, "replace_atomically", _disk_full)
    code = cli_main(["render", str(project), "-o", str(tmp_path / "clip.mp4"), "--frames", "0:5",
                     "--device", "cpu"])
    monkeypatch.undo()
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    assert code == 2
    assert errors == [f"error: could not write {tmp_path / 'clip.mp4'}: No space left on device"]
    assert _files(tmp_path) == ["shot.marionette"]
