"""Per-keypoint depth (3D head turns): saved only when set, read back, old files open unchanged, bad values refused."""

import json
import zipfile

import pytest

from studio.core.errors import ProjectFileError
from studio.core.keypoints import Keypoint
from studio.core.project_file import load_project, project_to_dict, save_project
from tests.core.helpers import make_project


def test_depth_round_trips_and_is_absent_when_flat(tmp_path) -> None:
    project = make_project(2)
    project.keypoints[0] = project.keypoints[0].with_changes(depth=-12.5)
    document = project_to_dict(project)
    assert document["keypoints"][0]["depth"] == -12.5 and "depth" not in document["keypoints"][1]
    save_project(project, tmp_path / "a.marionette")
    loaded = load_project(tmp_path / "a.marionette")
    assert [kp.depth for kp in loaded.keypoints] == [-12.5, None]


def test_a_bad_depth_is_refused_with_its_field(tmp_path) -> None:
    path = tmp_path / "a.marionette"
    save_project(make_project(1), path)
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    document = json.loads(entries["project.json"])
    document["keypoints"][0]["depth"] = "deep"
    entries["project.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(ProjectFileError, match=r"keypoints\[0\]\.depth must be a finite number"):
        load_project(path)
    with pytest.raises(ValueError, match="depth"):
        Keypoint("a", "a", "#ff6b6b", 1.0, 1.0, depth=float("nan"))
