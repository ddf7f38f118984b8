"""The render job end to end: planning, motion blur, batch sources; frames read back from PNG sequences."""

import cv2
import numpy as np
import pytest

from studio.core.errors import UserError
from studio.core.keypoints import Keypoint
from studio.core.project import Project, Timing
from studio.core.tracks import Interpolation, Keyframe, Track
from studio.jobs.render_job import render_project
from studio.jobs.render_plan import RenderOptions, fit_size, parse_frames, parse_size, plan_render
from studio.media.image_io import encode_png
from studio.media.output_spec import OutputSpec
from studio.plugins.api import builtin_registry


def _edge_project(moving: bool) -> Project:
    """A hard vertical edge; with ``moving``, one wide keypoint slides everything 12 px right per frame."""
    image = np.zeros((48, 96, 3), np.uint8)
    image[:, 48:] = 255
    project = Project(encode_png(image), 96, 48)
    project.timing = Timing(10.0, 0, 3)
    project.keypoints.append(Keypoint("k", "all", "#ff0000", 48.0, 24.0, radius=400.0))
    if moving:
        project.tracks["k"] = Track(tuple(Keyframe(f, (48.0 + 12 * f, 24.0, 0.0, 1.0), Interpolation.LINEAR)
                                          for f in range(4)))
    return project


def _render(project: Project, tmp_path, name: str, **options) -> list[np.ndarray]:
    plan = plan_render(project, RenderOptions(**options))
    spec = OutputSpec(str(tmp_path / name / "%03d.png"), plan.fps, plan.width, plan.height)
    written = render_project(project, plan, spec, builtin_registry(), device="cpu")
    return [cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) for path in sorted(written)]


def _edge_width(frame: np.ndarray) -> int:
    """How many pixels of the middle row are neither black nor white."""
    row = frame[24].astype(int)
    return int(((row > 8) & (row < 247)).sum())


def test_motion_blur_smears_a_moving_edge(tmp_path):
    project = _edge_project(moving=True)
    sharp = _render(project, tmp_path, "sharp")
    blurred = _render(project, tmp_path, "blurred", motion_blur=8, shutter=360.0)
    assert len(sharp) == len(blurred) == 4
    assert _edge_width(sharp[1]) <= 2
    assert _edge_width(blurred[1]) >= 8


def test_motion_blur_leaves_a_still_image_unchanged(tmp_path):
    project = _edge_project(moving=False)
    sharp = _render(project, tmp_path, "sharp")
    blurred = _render(project, tmp_path, "blurred", motion_blur=8, shutter=360.0)
    for a, b in zip(sharp, blurred, strict=True):
        np.testing.assert_array_equal(a, b)


def test_batch_source_scales_the_keypoints_onto_another_image(tmp_path):
    project = _edge_project(moving=True)
    bigger = cv2.resize(cv2.imdecode(np.frombuffer(project.source_png, np.uint8), cv2.IMREAD_COLOR), (192, 96),
                        interpolation=cv2.INTER_NEAREST)
    plan = plan_render(project, RenderOptions(), (192, 96))
    spec = OutputSpec(str(tmp_path / "big" / "%03d.png"), plan.fps, plan.width, plan.height)
    written = render_project(project, plan, spec, builtin_registry(), source=bigger, device="cpu")
    frame = cv2.imread(str(sorted(written)[2]), cv2.IMREAD_GRAYSCALE)
    assert frame.shape == (96, 192)
    edge = int(np.argmax(frame[48] > 127))
    assert abs(edge - 2 * (48 + 24)) <= 2  # moved 24 px in project pixels = 48 px on the doubled image


def test_plans_follow_range_rate_and_size():
    project = _edge_project(moving=False)
    project.timing = Timing(30.0, 0, 119)
    assert plan_render(project, RenderOptions()).frame_count == 120
    plan = plan_render(project, RenderOptions(frames=(10, 69), fps=15.0, size=(48, None)))
    assert plan.frame_count == 30 and plan.times[1] - plan.times[0] == 2.0
    assert (plan.width, plan.height) == (48, 24)
    assert fit_size(96, 48, (None, 12)) == (24, 12)
    assert parse_frames("3:9") == (3, 9)
    assert parse_size("512x") == (512, None)
    for bad in ("9:3", "a:b", "5"):
        with pytest.raises(UserError):
            parse_frames(bad)
    for bad in ("x", "0x10", "bigxsmall", "100000x"):
        with pytest.raises(UserError):
            parse_size(bad)
