"""The project file's capture section: bindings round-trip; files without it still open unchanged."""

import pytest

from studio.core.errors import ProjectFileError
from studio.core.project import CaptureBindings
from studio.core.project_file import load_project, project_to_dict, save_project
from tests.core.helpers import make_project
from tests.core.test_project_file import _rewrite


def test_capture_bindings_round_trip(tmp_path):
    project = make_project(3)
    project.capture = CaptureBindings("flow", {"kp0": 1, "kp2": 0}, ((10.5, 20.0), (30.0, 40.25)))
    path = tmp_path / "shot.marionette"
    save_project(project, path)
    assert load_project(path).capture == project.capture


def test_a_file_without_a_capture_section_opens_with_the_defaults(tmp_path):
    project = make_project(2)
    path = tmp_path / "old.marionette"
    save_project(project, path)
    document = project_to_dict(project)
    del document["capture"]
    _rewrite(path, document)
    loaded = load_project(path)
    assert loaded.capture == CaptureBindings()
    assert [kp.id for kp in loaded.keypoints] == [kp.id for kp in project.keypoints]


def test_bindings_of_deleted_keypoints_are_dropped_not_refused(tmp_path):
    project = make_project(2)
    project.capture = CaptureBindings("face", {"kp0": 152, "gone": 1})
    path = tmp_path / "shot.marionette"
    save_project(project, path)
    document = project_to_dict(project)
    assert document["capture"]["bindings"] == {"kp0": 152}
    document["capture"]["bindings"]["gone"] = 4
    _rewrite(path, document)
    assert load_project(path).capture.landmarks == {"kp0": 152}


@pytest.mark.parametrize(("capture", "message"), [
    ({"tracker": "face", "bindings": {"kp0": "chin"}}, "landmark number"),
    ({"tracker": "face", "points": [[1, 2, 3]]}, r"\[x, y\] pairs"),
    ({"tracker": ""}, "capture.tracker"),
    ([], "capture must be an object"),
])
def test_a_bad_capture_section_is_refused_with_the_reason(tmp_path, capture, message):
    project = make_project(2)
    path = tmp_path / "shot.marionette"
    save_project(project, path)
    document = project_to_dict(project)
    document["capture"] = capture
    _rewrite(path, document)
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)
