"""The Capture panel with body puppets and 3D head turns: Auto binds by the preset's names exactly as
render --driving does, face keypoints are lifted to 3D, and the head gain and limits reach the puppet.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from studio.capture.bindings import auto_bindings
from studio.capture.body_preset import POSE_NAMES
from studio.core.presets import named_keypoints
from studio.core.project import Project
from studio.core.project_file import save_project
from studio.media.image_io import encode_png
from tests.capture.stick_figure import draw_figure, skeleton


def body_project_file(tmp_path: Path) -> Path:
    rest = skeleton(0, 100.0, (260, 130))
    project = Project(encode_png(draw_figure(rest, (512, 400))), 512, 400)
    project.keypoints = named_keypoints([(name, float(x), float(y)) for name, (x, y) in zip(POSE_NAMES, rest,
                                                                                            strict=True)])
    path = tmp_path / "body.marionette"
    save_project(project, path)
    return path


def test_auto_binds_a_body_project_like_the_cli(open_panel, tmp_path: Path) -> None:
    panel = open_panel(path=body_project_file(tmp_path))
    project = panel.session.project
    panel.auto_button.click()
    cli = auto_bindings("pose", project.keypoints, (project.width, project.height), (640, 480))
    assert project.capture == cli and len(cli.landmarks) == 33
    assert panel.tracker_combo.currentText() == "pose"
    assert "Bound 33 of 33" in panel.status
    settings = panel._puppet_settings()
    assert settings.tracker == "pose" and len(settings.bindings) == 33


def test_lift_to_3d_gives_the_face_keypoints_depth_as_one_step(qtbot, open_panel) -> None:
    panel = open_panel()
    project = panel.session.project
    assert all(kp.depth is None for kp in project.keypoints)
    panel.auto_button.click()
    assert "Lift to 3D for head turns" in panel.status
    panel.lift_button.click()
    qtbot.waitUntil(lambda: all(kp.depth is not None for kp in panel.session.project.keypoints), timeout=30000)
    assert panel.session.undo.texts()[-2:] == ["Bind 19 keypoints to face landmarks", "Lift face keypoints to 3D"]
    assert "Lifted 19 keypoints to 3D" in panel.status
    assert panel._puppet_settings().depth is not None
    depth = {kp.name: kp.depth for kp in panel.session.project.keypoints}
    assert depth["nose_tip"] < depth["left_cheek"]


def test_head_gain_and_limits_reach_the_puppet_and_takes(open_panel) -> None:
    panel = open_panel()
    panel.head_gain_spin.setValue(0.5)
    panel.max_yaw_spin.setValue(15)
    panel.max_pitch_spin.setValue(10)
    limits = panel.head_limits()
    assert limits.gain == 0.5
    assert math.isclose(limits.max_yaw, math.radians(15)) and math.isclose(limits.max_pitch, math.radians(10))
    settings = panel._puppet_settings()
    assert settings.head == limits and settings.tracker == "face"
    assert settings.depth is None or np.isnan(settings.depth).all()
