"""`self-test`: check that this installation works, and print what a bug report needs.

Renders a few frames of the bundled sample headless, tracks the face in a rendered frame, loads each
bundled plugin, opens the window offscreen in a child process (the start-up probe), and prints the
versions, the device and each step's time. Exit 0 when every step passed, else 1 naming what failed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import studio

RESOURCES = Path(studio.__file__).resolve().parent.parent / "resources"
SAMPLE = RESOURCES / "sample.marionette"
RENDER_FRAMES = 4
WINDOW_TIMEOUT_S = 180.0
PROBE_VARIABLE = "MARIONETTE_STARTUP_PROBE"  # as in studio.ui.startup.startup_probe (cli may not import ui)
PROBE_MARKER = "window-shown"


@dataclass(frozen=True)
class StepResult:
    """One step's outcome: passed or not, what it found (or why it failed), and how long it took."""

    name: str
    ok: bool
    detail: str
    seconds: float


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("self-test", help="check this installation and print versions and the device")
    parser.add_argument("--no-window", action="store_true", help="skip opening the window offscreen")
    return parser


def run_step(name: str, step: Callable[[], str]) -> StepResult:
    """Run one step, timing it; any exception is that step's failure, never the command's crash."""
    started = time.perf_counter()
    try:
        detail, ok = step(), True
    except Exception as error:  # a failed step is reported by name and the next one still runs
        detail, ok = f"{type(error).__name__}: {error}", False
    return StepResult(name, ok, detail, time.perf_counter() - started)


def versions_line() -> str:
    """App, Python, Qt, torch, mediapipe, numpy, OpenCV and PyAV versions on one line."""
    from studio.version import APP_TITLE, library_versions

    versions = library_versions()
    versions = {APP_TITLE: versions.pop(APP_TITLE), "Python": platform.python_version(), **versions}
    return " · ".join(f"{name} {version}" for name, version in versions.items())


def check_device() -> str:
    """The device the engine picks on this machine."""
    from studio.engine.device import describe_device, resolve_device

    return describe_device(resolve_device("auto"))


def check_render(folder: Path) -> str:
    """Render the first frames of the bundled sample as PNGs through the render command itself."""
    from studio.cli import main as cli_main

    output = folder / "frames" / "%04d.png"
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(["render", str(SAMPLE), "-o", str(output), "--frames", f"0:{RENDER_FRAMES - 1}",
                         "--background", "#808080", "--overwrite"])
    frames = sorted(output.parent.glob("*.png"))
    if code != 0 or len(frames) != RENDER_FRAMES:
        raise RuntimeError(f"render exited {code} and wrote {len(frames)} of {RENDER_FRAMES} frames")
    return f"{len(frames)} frames of {SAMPLE.name}"


def check_face(folder: Path) -> str:
    """Track the face (mediapipe face mesh) in the last rendered frame."""
    from studio.landmarks.face_mesh import detect_face_landmarks
    from studio.media.image_io import load_image

    frames = sorted((folder / "frames").glob("*.png"))
    if not frames:
        raise RuntimeError("no rendered frame to track (the render step failed)")
    landmarks = detect_face_landmarks(load_image(frames[-1]))
    if landmarks is None:
        raise RuntimeError(f"no face found in {frames[-1].name}")
    return f"{len(landmarks)} face landmarks in rendered frame {frames[-1].stem}"


def check_plugins() -> str:
    """Discover the bundled plugins and import every contribution of each."""
    from studio.plugins.discovery import build_registry, discover_plugins

    bundled = [info for info in discover_plugins(distributions=False) if info.source == "bundled"]
    if not bundled:
        raise RuntimeError("no bundled plugins found")
    registry = build_registry(bundled)
    problems = [f"{info.name}: {info.error}" for info in bundled if info.error]
    for info in bundled:
        for contribution in info.contributions if not info.error else ():
            try:
                registry.load(contribution.kind, contribution.name)
            except Exception as error:  # name every plugin that fails, not just the first
                problems.append(f"{info.name}: {error}")
    if problems:
        raise RuntimeError("; ".join(problems))
    return ", ".join(f"{info.name} {info.version}" for info in bundled)


def app_command() -> list[str]:
    """How to start this app again: the bundle's executable, or python with main.py in a checkout."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, str(Path(studio.__file__).resolve().parent.parent / "main.py")]


def check_window(folder: Path) -> str:
    """Open the window offscreen in a child process, with fresh settings, until it is first shown."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", PROBE_VARIABLE: "1",
           "MARIONETTE_CONFIG_DIR": str(folder / "config"), "MARIONETTE_DATA_DIR": str(folder / "data")}
    done = subprocess.run(app_command(), env=env, capture_output=True, text=True, timeout=WINDOW_TIMEOUT_S,
                          check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(PROBE_MARKER)), None)
    if done.returncode != 0 or line is None:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the window did not open (exit {done.returncode}): {last}")
    return line.removeprefix(PROBE_MARKER).strip()


def _report(results: list[StepResult]) -> None:
    """One line per step: ok/FAIL, name, what it found, seconds."""
    for result in results:
        status = "ok  " if result.ok else "FAIL"
        print(f"  {status} {result.name:<8} {result.detail}  ({result.seconds:.1f} s)")


def run(args: argparse.Namespace) -> int:
    """Run every step, print the report; exit 1 naming the failed steps."""
    from studio.version import APP_TITLE, app_version

    started = time.perf_counter()
    print(f"{APP_TITLE} {app_version()} self-test")
    print(f"  {versions_line()}")
    with tempfile.TemporaryDirectory(prefix="marionette-self-test-") as temp:
        folder = Path(temp)
        steps: list[tuple[str, Callable[[], str]]] = [
            ("device", check_device), ("render", lambda: check_render(folder)),
            ("face", lambda: check_face(folder)), ("plugins", check_plugins)]
        if not args.no_window:
            steps.append(("window", lambda: check_window(folder)))
        results = [run_step(name, step) for name, step in steps]
    _report(results)
    failed = [result.name for result in results if not result.ok]
    total = time.perf_counter() - started
    if failed:
        print(f"self-test FAILED: {', '.join(failed)} ({total:.1f} s)")
        return 1
    print(f"self-test passed ({total:.1f} s)")
    return 0
