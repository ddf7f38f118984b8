"""`region`: set a project's region from a matte, the image's alpha or a person; one-line errors; render with it."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from studio import cli
from studio.core.edits import set_key
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.project_file import load_project, save_project
from studio.engine.region import decode_region

ROOT = Path(__file__).resolve().parents[2]


def _project(tmp_path, rgba=False):
    """A 96x64 project with two keypoints on a blob; RGBA with a transparent surround when ``rgba``."""
    image = np.full((64, 96, 4 if rgba else 3), 200, np.uint8)
    image[16:48, 30:66, :3] = 60
    if rgba:
        image[..., 3] = 0
        image[16:48, 30:66, 3] = 255
    _, png = cv2.imencode(".png", image)
    project = Project(png.tobytes(), 96, 64)
    project.keypoints = [Keypoint("a", "a", "#ff0000", 40.0, 30.0, radius=8.0),
                         Keypoint("b", "b", "#00ff00", 56.0, 34.0, radius=8.0)]
    path = tmp_path / "shot.marionette"
    save_project(project, path)
    return path


def _matte(tmp_path, size=(96, 64)):
    matte = np.zeros((size[1], size[0]), np.uint8)
    matte[14:50, 28:68] = 255
    path = tmp_path / "matte.png"
    cv2.imwrite(str(path), matte)
    return path


def _error(capsys, argv):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    return err


def test_a_matte_becomes_the_region(tmp_path, capsys):
    project, out = _project(tmp_path), tmp_path / "out.marionette"
    assert cli.main(["region", str(project), "--matte", str(_matte(tmp_path)), "-o", str(out)]) == 0
    region = decode_region(load_project(out).region_png)
    assert region.shape == (64, 96) and region[30, 40] == 255 and region[2, 2] == 0
    assert "region covers" in capsys.readouterr().out
    assert cli.main(["region", str(out), "--clear", "-o", str(out)]) == 0
    assert load_project(out).region_png is None


def test_the_image_alpha_becomes_the_region(tmp_path):
    project, out = _project(tmp_path, rgba=True), tmp_path / "out.marionette"
    assert cli.main(["region", str(project), "--alpha", "-o", str(out)]) == 0
    assert decode_region(load_project(out).region_png)[30, 40] == 255


def test_bad_inputs_are_one_line_errors(tmp_path, capsys):
    project, out = str(_project(tmp_path)), str(tmp_path / "out.marionette")
    assert "does not exist" in _error(capsys, ["region", project, "--matte", "nope.png", "-o", out])
    small = _matte(tmp_path, (50, 40))
    assert "is 50x40 but the project's image is 96x64" in _error(
        capsys, ["region", project, "--matte", str(small), "-o", out])
    assert "no transparency" in _error(capsys, ["region", project, "--alpha", "-o", out])
    assert "must end in .marionette" in _error(capsys, ["region", project, "--alpha", "-o", "x.zip"])
    assert not Path(out).exists()


def test_auto_person_on_a_picture_without_anyone_says_so(tmp_path, capsys):
    project = str(_project(tmp_path))
    assert "no person found" in _error(capsys, ["region", project, "--auto", "person", "-o",
                                                str(tmp_path / "out.marionette")])


@pytest.mark.slow
def test_auto_person_finds_the_astronaut(tmp_path):
    out = tmp_path / "sample.marionette"
    assert cli.main(["region", str(ROOT / "resources" / "sample.marionette"), "--auto", "person",
                     "-o", str(out)]) == 0
    region = decode_region(load_project(out).region_png)
    assert region[150, 230] > 200 and region[20, 20] < 50


def test_render_with_the_mesh_keeps_the_background_outside_the_region(tmp_path):
    project_path, out = _project(tmp_path), tmp_path / "out.marionette"
    assert cli.main(["region", str(project_path), "--matte", str(_matte(tmp_path)), "-o", str(out)]) == 0
    project = load_project(out)
    for frame, dx in ((0, 0.0), (3, 6.0)):
        for kp in project.keypoints:
            set_key(project, kp.id, frame, (kp.x + dx, kp.y, 0.0, 1.0)).apply(project)
    project.render = project.render.with_changes(generator="mesh")
    save_project(project, out)
    frames = tmp_path / "frames"
    frames.mkdir()
    assert cli.main(["render", str(out), "-o", str(frames / "%02d.png"), "--frames", "0:3"]) == 0
    first, last = (cv2.imread(str(frames / f"{i:02d}.png")) for i in (0, 3))
    source = cv2.imdecode(np.frombuffer(project.source_png, np.uint8), cv2.IMREAD_COLOR)
    np.testing.assert_array_equal(last[:8], source[:8])
    assert np.abs(first.astype(int) - source).max() <= 3
    assert not np.array_equal(last[16:48, 30:75], source[16:48, 30:75])
