"""Playback > Cache Shot for Playback in the window: the menu caches the shot, playing shows the cached frames."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu, QProgressDialog

from studio.core.project import Project, Timing
from tests.ui.conftest import make_project, wait_for_frame


@pytest.fixture
def project() -> Project:
    """The test project with a 10-frame range (caching stays quick)."""
    project = make_project()
    project.timing = Timing(30.0, 0, 9)
    return project


def test_the_playback_menu_caches_the_shot_and_playback_shows_it(qtbot, window) -> None:
    wait_for_frame(qtbot, window, 0)
    playback_menu = next(menu for menu in window.findChildren(QMenu) if menu.title() == "&Playback")
    assert window.cache_shot_action in playback_menu.actions()
    with qtbot.waitSignal(window.preview_link.cacher.finished, timeout=60000) as outcome:
        window.cache_shot_action.trigger()
        assert window.findChild(QProgressDialog) is not None
    assert outcome.args[0].startswith("Cached 10 frames")
    window.playback.play()
    qtbot.waitUntil(lambda: window.session.current_frame >= 4, timeout=30000)
    assert window.preview.shown_cached and window.preview.shown_frame == window.session.current_frame
    window.playback.pause()
