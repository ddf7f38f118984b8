"""A clean start on a Linux desktop: missing xcb libraries or an absent X server give one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.ui import launch
from studio.ui.startup import system_libraries
from studio.ui.startup.system_libraries import XCB_LIBRARIES, install_hint, missing_libraries, uses_xcb, xcb_problem


@pytest.mark.parametrize(("env", "expected"), [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({}, False),
])
def test_the_check_runs_only_when_qt_will_use_xcb(env, expected) -> None:
    assert uses_xcb(env) == expected


def test_missing_libraries_are_named_with_the_apt_and_dnf_commands() -> None:
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}
    missing = missing_libraries(lambda soname: soname not in absent)
    assert set(missing) == absent
    line = install_hint(missing)
    assert "\n" not in line
    assert "libxcb-cursor.so.0" in line and "libxcb-icccm.so.4" in line
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in line
    assert "sudo dnf install xcb-util-cursor xcb-util-wm" in line


def test_an_x_server_that_does_not_answer_is_named(monkeypatch) -> None:
    monkeypatch.setenv("DISPLAY", ":42")
    assert xcb_problem(lambda _s: True, lambda: True) is None
    assert "':42'" in xcb_problem(lambda _s: True, lambda: False)


def test_launch_prints_one_line_and_exits_2_before_qt_starts(monkeypatch, capsys) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(system_libraries, "loads", lambda soname: soname != "libxcb-cursor.so.0")
    monkeypatch.setattr(launch, "start_logging", lambda: pytest.fail("went on to start the studio"))
    assert launch.launch(None) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "libxcb-cursor.so.0" in lines[0] and "libxcb-cursor0" in lines[0] and "xcb-util-cursor" in lines[0]


def test_every_library_has_both_package_names() -> None:
    assert all(apt and dnf for apt, dnf in XCB_LIBRARIES.values())


def test_the_real_probe_finds_the_c_library_and_not_a_made_up_one() -> None:
    assert system_libraries.loads("libc.so.6")
    assert not system_libraries.loads("libmarionette-does-not-exist.so.9")


def test_main_py_on_an_x_display_that_is_not_there_says_so_in_one_line(tmp_path) -> None:
    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":9999", PYTHONPATH=str(root))
    done = subprocess.run([sys.executable, str(root / "main.py")], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
