"""`main.py new` + `render` end to end, and every bad input a user can cause."""

import zipfile

import av
import cv2
import numpy as np
import pytest

from tests.e2e.conftest import ROOT, user_error_line


@pytest.fixture(scope="module")
def image_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("img") / "pattern.png"
    yy, xx = np.mgrid[0:96, 0:128]
    image = np.stack([(xx * 2) % 256, (yy * 3) % 256, ((xx + yy) * 5) % 256], axis=2).astype(np.uint8)
    cv2.imwrite(str(path), image)
    return path


def _animated_project(main_py, image_path, tmp_path):
    project = tmp_path / "shot.marionette"
    result = main_py("new", str(image_path), "-o", str(project), "--keypoints", "grid", "--frames", "12")
    assert result.returncode == 0, result.stderr
    from studio.core.edits import set_key
    from studio.core.project_file import load_project, save_project
    from studio.core.undo import UndoStack

    loaded = load_project(project)
    stack = UndoStack(loaded)
    centre = loaded.keypoints[4]
    stack.push(set_key(loaded, centre.id, 0, (centre.x, centre.y, 0, 1)))
    stack.push(set_key(loaded, centre.id, 11, (centre.x + 12, centre.y - 6, 0.3, 1.1)))
    save_project(loaded, project)
    return project


def test_new_then_render_mp4(main_py, image_path, tmp_path):
    project = _animated_project(main_py, image_path, tmp_path)
    info = main_py("info", str(project))
    assert "keypoints: 9 " in info.stdout and "128x96" in info.stdout
    out = tmp_path / "clip.mp4"
    result = main_py("render", str(project), "-o", str(out))
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        assert stream.codec_context.name == "h264"
    assert len(frames) == 12
    assert frames[0].shape == (96, 128, 3)
    assert np.abs(frames[0].astype(int) - frames[-1].astype(int)).mean() > 1.0


def test_render_png_sequence_range_and_size(main_py, image_path, tmp_path):
    project = _animated_project(main_py, image_path, tmp_path)
    result = main_py("render", str(project), "-o", str(tmp_path / "seq" / "%04d.png"),
                     "--frames", "2:5", "--size", "64x")
    assert result.returncode == 0, result.stderr
    files = sorted((tmp_path / "seq").glob("*.png"))
    assert len(files) == 4
    assert cv2.imread(str(files[0])).shape == (48, 64, 3)


def test_render_never_overwrites_without_asking(main_py, image_path, tmp_path):
    project = _animated_project(main_py, image_path, tmp_path)
    out = tmp_path / "clip.mp4"
    out.write_bytes(b"precious")
    line = user_error_line(main_py("render", str(project), "-o", str(out)))
    assert "--overwrite" in line
    assert out.read_bytes() == b"precious"


def test_sample_project_ships_and_loads(main_py):
    result = main_py("info", str(ROOT / "resources" / "sample.marionette"))
    assert result.returncode == 0
    assert "keypoints: 19 " in result.stdout


@pytest.mark.parametrize("case", ["missing image", "corrupt image", "too large", "bad project", "not a zip",
                                  "unwritable output", "unknown device", "bad frames", "bad size",
                                  "unknown model", "bad extension"])
def test_bad_inputs_exit_2_with_one_line(main_py, image_path, tmp_path, case):
    project = tmp_path / "ok.marionette"
    assert main_py("new", str(image_path), "-o", str(project)).returncode == 0
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    broken = tmp_path / "broken.marionette"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.json", "{")
    junk = tmp_path / "junk.marionette"
    junk.write_text("hello")
    out = str(tmp_path / "out.mp4")
    commands = {
        "missing image": ("new", str(tmp_path / "nope.png"), "-o", str(tmp_path / "a.marionette")),
        "corrupt image": ("new", str(corrupt), "-o", str(tmp_path / "b.marionette")),
        "too large": ("new", str(ROOT / "resources" / "sample.png"), "-o", str(tmp_path / "c.marionette"),
                      "--max-pixels", "1000"),
        "bad project": ("render", str(broken), "-o", out),
        "not a zip": ("info", str(junk)),
        "unwritable output": ("render", str(project), "-o", "/proc/forbidden/out.mp4"),
        "unknown device": ("render", str(project), "-o", out, "--device", "tpu"),
        "bad frames": ("render", str(project), "-o", out, "--frames", "9-3"),
        "bad size": ("render", str(project), "-o", out, "--size", "big"),
        "unknown model": ("render", str(project), "-o", out, "--model", "nonesuch"),
        "bad extension": ("render", str(project), "-o", str(tmp_path / "out.xyz")),
    }
    line = user_error_line(main_py(*commands[case]))
    assert len(line) < 300
