"""Autosave a few seconds after edits settle (not on a clock from launch); stale crash markers of killed processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.core.edits import ChangeRenderSettings
from studio.core.paths import autosave_dir
from studio.ui.files import project_files
from studio.ui.files.crash_recovery import find_crashed_sessions, process_alive, process_start_time
from tests.ui.files.test_project_files import boxes, close_window, edit, open_window  # noqa: F401


def test_autosave_waits_for_an_edit_and_restarts_on_each_change(qtbot, window) -> None:
    files = window.files
    files.autosave_timer.setInterval(10_000)
    files.autosave_timer.setTimerType(Qt.TimerType.PreciseTimer)
    assert not files.autosave_timer.isActive()  # nothing to save: no clock runs from launch
    edit(window)
    assert files.autosave_timer.isActive()
    qtbot.wait(400)
    waited = files.autosave_timer.remainingTime()
    edit(window)
    assert files.autosave_timer.remainingTime() > waited  # the change restarted the settle time
    window.session.undo.set_clean()
    window.session.undo_changed.emit()
    assert not files.autosave_timer.isActive()


def test_edits_that_never_settle_are_still_autosaved(qtbot, window, monkeypatch) -> None:
    monkeypatch.setattr(project_files, "AUTOSAVE_MAX_WAIT_S", 0.0)
    files = window.files
    files.autosave_timer.setInterval(10_000)
    files.autosave_timer.setTimerType(Qt.TimerType.PreciseTimer)
    edit(window)
    qtbot.wait(400)
    waited = files.autosave_timer.remainingTime()
    edit(window)
    assert files.autosave_timer.remainingTime() <= waited  # past the longest wait: not restarted


def test_autosave_interval_comes_from_the_environment(qtbot, monkeypatch) -> None:
    monkeypatch.setenv("MARIONETTE_AUTOSAVE_SECONDS", "0.05")
    assert project_files.autosave_settle_ms() == 50
    window = open_window(qtbot)
    try:
        render = window.session.project.render
        window.session.push(ChangeRenderSettings(render, render.with_changes(relative=False)))
        qtbot.waitUntil(window.files.marker.autosave.is_file, timeout=10_000)
        assert window.files.wait_for_saves()
    finally:
        close_window(window)
    monkeypatch.setenv("MARIONETTE_AUTOSAVE_SECONDS", "soon")
    assert project_files.autosave_settle_ms() == 3_000


def _zombie() -> subprocess.Popen:
    """A child killed with SIGKILL and not yet reaped: what a crashed studio looks like right after kill -9."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(child.pid, signal.SIGKILL)
    stat = Path(f"/proc/{child.pid}/stat")
    while stat.read_text().rpartition(")")[2].split()[0] != "Z":
        pass
    return child


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_unreaped_process_counts_as_gone() -> None:
    child = _zombie()
    try:
        assert not process_alive(child.pid)
    finally:
        child.wait()
    assert process_alive(os.getpid(), process_start_time(os.getpid()))
    assert not process_alive(os.getpid(), "0")  # the id was reused by another process
    assert not process_alive(2**40)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_recovery_is_offered_right_after_a_kill_9() -> None:
    child = _zombie()
    try:
        marker = autosave_dir() / f"session-{child.pid}.json"
        autosave = autosave_dir() / f"autosave-{child.pid}.marionette"
        autosave.write_bytes(b"autosaved")
        marker.write_text(json.dumps({"pid": child.pid, "autosave": autosave.name, "project_path": None}))
        assert [c.marker for c in find_crashed_sessions()] == [marker]
    finally:
        child.wait()
