"""The curve editor inside the main window: long selections never widen the window; a usable height."""

from __future__ import annotations

import pytest

from studio.core.keypoints import Keypoint
from studio.core.project import Project
from tests.ui.conftest import make_project


@pytest.fixture
def project() -> Project:
    """The test project with 50 more keypoints with long names (the window fixture uses this one)."""
    project = make_project()
    for i in range(50):
        project.keypoints.append(Keypoint(f"k{i}", f"left eyebrow outer corner {i}", "#4dabf7", 10.0 + i, 20.0))
    return project


def raise_dock_of(window, widget) -> None:
    for dock in window.docks:
        if dock.widget() is widget:
            dock.raise_()


@pytest.mark.parametrize("tab", ["timeline", "curve_editor"])
def test_selecting_many_keypoints_keeps_the_window_width(window, qtbot, tab) -> None:
    raise_dock_of(window, getattr(window, tab))
    qtbot.wait(50)
    width = window.width()
    window.session.set_selection([kp.id for kp in window.session.project.keypoints])
    qtbot.wait(50)
    raise_dock_of(window, window.curve_editor)
    qtbot.wait(50)
    assert window.width() == width


def test_the_curve_editor_opens_tall_enough_to_read_curves(window, qtbot) -> None:
    raise_dock_of(window, window.curve_editor)
    qtbot.waitUntil(window.curve_editor.isVisible, timeout=2000)
    assert window.curve_editor.plot.height() >= 260
