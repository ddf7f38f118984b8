"""`rig`: parents, sticks and stiff areas from the command line; listing; one-line errors; `new --keypoints face`."""

from pathlib import Path

import pytest

from studio import cli
from studio.core.keypoints import Keypoint
from studio.core.project_file import load_project, save_project
from studio.core.rig import Stick, StiffArea
from tests.core.helpers import make_project

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.png"


def _project(tmp_path):
    project = make_project(3)
    project.keypoints.append(Keypoint("kp9", "point 1", "#ff0000", 30.0, 30.0))
    path = tmp_path / "shot.marionette"
    save_project(project, path)
    return path


def _error(capsys, argv):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    return err


def test_rig_sets_parents_sticks_and_stiff_areas(tmp_path, capsys):
    path = _project(tmp_path)
    out = tmp_path / "rigged.marionette"
    assert cli.main(["rig", str(path), "--parent", "kp1,kp2:point 0", "--stick", "kp1:kp9",
                     "--stiff", "20,20,8", "--stiff", "40,20,6,0.5", "-o", str(out)]) == 0
    assert "2 of 4 keypoints follow a parent, 1 stick(s), 2 stiff area(s)" in capsys.readouterr().out
    project = load_project(out)
    assert [kp.parent for kp in project.keypoints] == [None, "kp0", "kp0", None]
    assert project.sticks == (Stick("kp1", "kp9"),)
    assert project.stiff_areas == (StiffArea(20.0, 20.0, 8.0), StiffArea(40.0, 20.0, 6.0, 0.5))
    assert cli.main(["rig", str(out)]) == 0
    listing = capsys.readouterr().out
    assert "  point 0 (kp0)\n    point 1 (kp1)" in listing and "stick point 1 - point 1" in listing
    assert cli.main(["rig", str(out), "--unparent", "kp1", "--clear-stiff", "--unstick", "kp9:kp1",
                     "-o", str(out)]) == 0
    project = load_project(out)
    assert [kp.parent for kp in project.keypoints] == [None, None, "kp0", None]
    assert project.sticks == () and project.stiff_areas == ()


@pytest.mark.parametrize(("argv", "message"), [
    (["--parent", "kp0:kp0"], "its own parent"),
    (["--parent", "nobody:kp0"], "no keypoint named 'nobody'"),
    (["--parent", "point 1:kp0"], "2 keypoints are named 'point 1'"),
    (["--stick", "kp0"], "must look like A:B"),
    (["--stiff", "1,2"], "must be X,Y,RADIUS"),
    (["--stiff", "1,2,3,7"], "strength"),
])
def test_rig_mistakes_are_one_line(tmp_path, capsys, argv, message):
    path = _project(tmp_path)
    err = _error(capsys, ["rig", str(path), *argv, "-o", str(tmp_path / "o.marionette")])
    assert message in err


def test_rig_changes_need_an_output(tmp_path, capsys):
    assert "give -o" in _error(capsys, ["rig", str(_project(tmp_path)), "--stick", "kp0:kp1"])


def test_new_with_the_face_preset_creates_a_head_parent(tmp_path, capsys):
    if not SAMPLE.is_file():
        pytest.skip("resources/sample.png is not in the tree")
    out = tmp_path / "face.marionette"
    assert cli.main(["new", str(SAMPLE), "-o", str(out), "--keypoints", "face"]) == 0
    project = load_project(out)
    head = project.keypoints[0]
    assert head.name == "head" and head.parent is None
    assert len(project.keypoints) == 20 and all(kp.parent == head.id for kp in project.keypoints[1:])
