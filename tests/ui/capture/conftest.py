"""Capture panel fixtures: a generated driving video, a window with its capture panel, no thread left behind."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from studio.core.project_file import load_project
from studio.plugins.api import builtin_registry
from studio.ui.capture.capture_panel import CapturePanel

ROOT = Path(__file__).resolve().parents[3]
FPS = 30
FRAMES = 40
SHIFTS = np.array([(0.5 * i, -0.25 * i) for i in range(FRAMES)])


def write_shifted_video(path: Path, shifts: np.ndarray, fps: int = FPS, faststart: bool = False) -> Path:
    """resources/sample.png moved by each (dx, dy) shift, one H.264 frame per shift (PyAV); ``faststart`` puts the
    index first, so a file cut short still opens and decodes up to the cut.
    """
    image = cv2.cvtColor(cv2.imread(str(ROOT / "resources" / "sample.png")), cv2.COLOR_BGR2RGB)
    height, width = image.shape[:2]
    with av.open(str(path), "w", options={"movflags": "faststart"} if faststart else {}) as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "12"}
        for dx, dy in shifts:
            moved = cv2.warpAffine(image, np.float32([[1, 0, dx], [0, 1, dy]]), (width, height),
                                   flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
            for packet in stream.encode(av.VideoFrame.from_ndarray(moved, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="module")
def shifted_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample portrait drifting right and up at a constant speed, 40 frames at 30 fps."""
    return write_shifted_video(tmp_path_factory.mktemp("capture") / "drift.mp4", SHIFTS)


@pytest.fixture(autouse=True)
def _no_capture_thread_left() -> Iterator[None]:
    """Fail a test that leaves a capture reader, tracker or watcher thread alive."""
    yield
    alive = [t for t in threading.enumerate() if t.name.startswith("capture-")]
    assert not alive, f"capture threads left running: {alive}"


@pytest.fixture
def open_panel(qtbot, tmp_path: Path) -> Iterator[Callable[[bool], CapturePanel]]:
    """Open the sample project in a window with the capture panel attached (started = preview worker runs)."""
    from studio.ui.main_window import MainWindow
    from tests.ui.audio.fake_sink import FakeSink, FakeTime

    opened: list[tuple[MainWindow, CapturePanel]] = []

    def make(started: bool = False, path: Path | None = None) -> CapturePanel:
        project = load_project(path or ROOT / "resources" / "sample.marionette")
        project.render = project.render.with_changes(device="cpu")
        window = MainWindow(project, tmp_path / "sample.marionette", registry_factory=builtin_registry)
        panel = window.capture_panel
        panel.countdown_seconds = 0
        window.audio.monitor.sink_factory = lambda: FakeSink(FakeTime())  # sound files are "heard" without a device
        window.show()
        qtbot.waitExposed(window)
        if started:
            window.start()
        opened.append((window, panel))
        return panel

    yield make
    for window, panel in opened:
        panel.shutdown()
        window.shutdown()
        window.hide()
        window.deleteLater()


