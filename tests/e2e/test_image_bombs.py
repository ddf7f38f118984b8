"""The CLI refuses a decompression bomb (a PNG claiming 40000x40000) in one line, before decoding it."""

from __future__ import annotations

from pathlib import Path

from studio.core.project_file import save_project
from tests.e2e.conftest import user_error_line
from tests.media.test_media_image_bombs import bomb_png
from tests.ui.conftest import make_project


def test_new_refuses_a_bomb(main_py, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(bomb_png())
    line = user_error_line(main_py("new", str(bomb), "-o", str(tmp_path / "shot.marionette")))
    assert "40000x40000" in line and "limit" in line
    assert not (tmp_path / "shot.marionette").exists()


def test_render_source_refuses_a_bomb(main_py, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(bomb_png())
    project = tmp_path / "shot.marionette"
    save_project(make_project(48), project)
    line = user_error_line(main_py("render", str(project), "--source", str(bomb), "-o", str(tmp_path / "out.mp4"),
                                   "--device", "cpu"))
    assert "40000x40000" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.png", "shot.marionette"]
