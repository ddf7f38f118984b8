"""Project.snapshot carries the whole document: a save or export from the window loses nothing."""

from __future__ import annotations

from studio.core.project_file import project_to_dict
from studio.core.rig import Stick, StiffArea
from tests.core.helpers import make_project


def full_project():
    """A project with every optional part set: region, stiff areas, sticks, capture bindings."""
    project = make_project()
    project.region_png = b"\x89PNG fake matte"
    project.stiff_areas = (StiffArea(10.0, 12.0, 5.0, 0.5),)
    ids = [kp.id for kp in project.keypoints]
    project.sticks = (Stick(ids[0], ids[1]),)
    project.capture = project.capture.__class__("face", {ids[0]: 4}, ())
    return project


def test_snapshot_keeps_every_field_of_the_document():
    project = full_project()
    copied = project.snapshot()
    skipped = {"changed", "_sampler"}
    for name, value in vars(project).items():
        if name not in skipped:
            assert getattr(copied, name) == value, name
    assert project_to_dict(copied) == project_to_dict(project)


def test_later_edits_do_not_reach_the_snapshot():
    project = full_project()
    copied = project.snapshot()
    project.keypoints.pop()
    project.tracks.clear()
    project.render.options["extra"] = 1
    assert len(copied.keypoints) == len(full_project().keypoints)
    assert copied.tracks == full_project().tracks
    assert "extra" not in copied.render.options
