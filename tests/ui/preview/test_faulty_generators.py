"""A plugin generator that raises, returns a wrong shape or hangs: the window stays responsive and offers warp."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.core.edits import ChangeRenderSettings
from tests.ui.conftest import wait_for_frame
from tests.ui.preview.faulty_generators import HangingGenerator, faulty_registry


@pytest.fixture
def faulty_window(qtbot, project, tmp_path: Path) -> Iterator[object]:
    """A started window whose registry holds the faulty generators; a hung generator is released at teardown."""
    from studio.ui.main_window import MainWindow

    HangingGenerator.release.clear()
    HangingGenerator.entered.clear()
    project.render = project.render.with_changes(device="cpu")
    window = MainWindow(project, tmp_path / "shot.marionette", registry_factory=faulty_registry)
    window.preview_link.watchdog.setInterval(300)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    wait_for_frame(qtbot, window, window.session.current_frame)
    yield window
    HangingGenerator.release.set()
    window.shutdown()
    window.hide()
    window.deleteLater()


def choose(window, name: str) -> None:
    render = window.session.project.render
    window.session.push(ChangeRenderSettings(render, render.with_changes(generator=name)))


@pytest.mark.parametrize(("name", "expected"), [
    ("raising", "generator 'raising' from plugin 'faulty' raised while rendering: RuntimeError: boom"),
    ("wrong-shape", "generator 'wrong-shape' returned a wrong image (ndarray (7, 5) uint8, expected 512x512x3 uint8)"),
])
def test_a_failing_generator_is_reported_and_warp_is_offered(qtbot, faulty_window, name, expected) -> None:
    window = faulty_window
    messages: list[str] = []
    window.preview_link.error.connect(messages.append)
    choose(window, name)
    qtbot.waitUntil(lambda: bool(messages), timeout=30000)
    assert messages[0].startswith(expected) and "\n" not in messages[0]
    assert window.preview.message == messages[0]
    button = window.preview.action_button
    assert button.isVisible() and button.text() == "Switch to warp"
    button.click()
    assert window.session.project.render.generator == "warp"
    window.session.set_frame(4)
    wait_for_frame(qtbot, window, 4)
    assert window.preview.message == "" and not button.isVisible()


def test_a_hanging_generator_is_noticed_and_warp_takes_over(qtbot, faulty_window) -> None:
    window = faulty_window
    messages: list[str] = []
    window.preview_link.error.connect(messages.append)
    choose(window, "hanging")
    assert HangingGenerator.entered.wait(30)
    qtbot.waitUntil(lambda: window.preview_link.stalled, timeout=30000)
    assert messages == ["The generator 'hanging' is not responding (no frame for 0.3 s)."]
    window.session.set_frame(3)  # the window keeps working while the render thread is stuck
    assert window.timeline.isEnabled() and window.session.current_frame == 3
    window.preview.action_button.click()
    assert window.session.project.render.generator == "warp"
    wait_for_frame(qtbot, window, 3)
    assert window.preview.message == ""
    window.session.undo.undo()  # switching back was one undo step
    assert window.session.project.render.generator == "hanging"
