"""Playback: real-time frame stepping at project fps, looping, stopping at the end, dropped frames."""

from __future__ import annotations

import itertools
import time

import pytest

from studio.core.edits import ChangeTiming
from studio.core.keypoints import Keypoint
from studio.core.project import Project, Timing
from studio.ui.session import Session
from studio.ui.timeline.playback import PlaybackController


def make_session(timing: Timing) -> Session:
    project = Project(b"", 64, 64)
    project.keypoints.append(Keypoint("a", "a", "#4dabf7", 10.0, 20.0))
    project.timing = timing
    return Session(project)


@pytest.fixture
def make_controller():
    made: list[PlaybackController] = []

    def make(timing: Timing) -> PlaybackController:
        controller = PlaybackController(make_session(timing))
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.pause()


def test_playback_advances_at_project_fps(make_controller, qtbot):
    controller = make_controller(Timing(fps=30.0, start=0, end=1000))
    seen: list[int] = []
    controller.session.frame_changed.connect(seen.append)
    started = time.perf_counter()
    with qtbot.waitSignal(controller.playing_changed) as blocker:
        controller.play()
    assert blocker.args == [True]
    qtbot.wait(600)
    elapsed = time.perf_counter() - started
    controller.pause()
    frame = controller.session.current_frame
    assert elapsed * 30.0 - 6 <= frame <= elapsed * 30.0 + 1
    assert len(seen) + controller.dropped_frames == frame
    assert seen == sorted(seen)


def test_playback_keeps_real_time_when_the_gui_is_late(make_controller, qtbot):
    controller = make_controller(Timing(fps=50.0, start=0, end=1000))
    started = time.perf_counter()
    controller.play()
    qtbot.wait(60)
    time.sleep(0.25)
    qtbot.wait(60)
    elapsed = time.perf_counter() - started
    controller.pause()
    assert controller.dropped_frames >= 8
    assert elapsed * 50.0 - 6 <= controller.session.current_frame <= elapsed * 50.0 + 1


def test_playback_loops_over_the_range(make_controller, qtbot):
    controller = make_controller(Timing(fps=60.0, start=5, end=12))
    seen: list[int] = []
    controller.session.frame_changed.connect(seen.append)
    controller.play()
    qtbot.wait(400)
    assert controller.is_playing
    controller.pause()
    assert min(seen) >= 5
    assert max(seen) <= 12
    wraps = sum(1 for a, b in itertools.pairwise(seen) if b < a)
    assert wraps >= 2


def test_playback_without_loop_stops_at_the_end(make_controller, qtbot):
    controller = make_controller(Timing(fps=60.0, start=0, end=6))
    controller.set_loop(False)
    controller.play()
    qtbot.waitUntil(lambda: not controller.is_playing, timeout=2000)
    assert controller.session.current_frame == 6
    controller.play()
    assert controller.session.current_frame == 0
    controller.pause()


def test_toggle_stop_and_step(make_controller):
    controller = make_controller(Timing(fps=24.0, start=0, end=10))
    session = controller.session
    controller.toggle()
    assert controller.is_playing
    controller.toggle()
    assert not controller.is_playing
    controller.step(3)
    assert session.current_frame == 3
    controller.step(-10)
    assert session.current_frame == 0
    controller.step(100)
    assert session.current_frame == 10
    controller.play()
    controller.stop()
    assert not controller.is_playing
    assert session.current_frame == 0


def test_scrubbing_while_playing_continues_from_the_new_frame(make_controller, qtbot):
    controller = make_controller(Timing(fps=30.0, start=0, end=1000))
    controller.play()
    qtbot.wait(50)
    controller.session.set_frame(500)
    qtbot.wait(200)
    controller.pause()
    assert 500 < controller.session.current_frame <= 510


def test_fps_change_while_playing_is_followed(make_controller, qtbot):
    controller = make_controller(Timing(fps=10.0, start=0, end=1000))
    session = controller.session
    controller.play()
    qtbot.wait(30)
    session.push(ChangeTiming(session.project.timing, Timing(fps=100.0, start=0, end=1000)))
    frame = session.current_frame
    qtbot.wait(300)
    controller.pause()
    assert session.current_frame - frame >= 20


def test_a_new_project_stops_playback(make_controller):
    controller = make_controller(Timing())
    controller.play()
    controller.session.replace_project(Project(b"", 8, 8), None)
    assert not controller.is_playing


def test_with_a_clock_the_frame_comes_from_the_clock(make_controller, qtbot):
    controller = make_controller(Timing(fps=30.0, start=0, end=1000))
    heard = {"frame": 500.4}
    controller.set_clock(lambda: heard["frame"])
    controller.play()
    qtbot.waitUntil(lambda: controller.session.current_frame == 500, timeout=2000)
    heard["frame"] = 620.9  # the sound ran on (or the GUI thread was late): the picture jumps to it
    qtbot.waitUntil(lambda: controller.session.current_frame == 620, timeout=2000)
    heard["frame"] = None  # the sound ended: counting on from there
    qtbot.waitUntil(lambda: controller.session.current_frame > 621, timeout=2000)
    controller.pause()
