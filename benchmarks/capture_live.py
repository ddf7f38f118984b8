"""Live puppet latency in the studio window (offscreen Qt): one JSON line per case.

Run: ``.venv/bin/python benchmarks/capture_live.py [--frames 150]``.
Case live_puppet_latency: the sample project in the main window with the Capture panel; the source is a generated
video of resources/sample.png swaying, delivered at its own frame rate like a camera (30 fps, 512x512); face
tracker, face preset bindings, live puppet on, warp generator on CPU at a 512x512 preview. Latency per frame =
the source handing the frame over -> the preview widget painting the frame rendered from it (target p95 <= 100 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GLOG_minloglevel", "2")

import av
import cv2
import numpy as np
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio.media.video_reader import FrameSource  # noqa: E402
from studio.ui.capture.capture_open import open_choice  # noqa: E402
from studio.ui.capture.capture_source import SourceChoice  # noqa: E402

SAMPLE_PROJECT = ROOT / "resources" / "sample.marionette"
SAMPLE_IMAGE = ROOT / "resources" / "sample.png"
FPS = 30
TARGET_MS = 100.0
WARM_UP = 10


def write_swaying_video(path: Path, frames: int) -> Path:
    """The sample portrait turned by up to ±6° and shifted by up to ±12 px, ``frames`` frames at 30 fps."""
    image = cv2.cvtColor(cv2.imread(str(SAMPLE_IMAGE)), cv2.COLOR_BGR2RGB)
    height, width = image.shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(frames):
            matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 6 * np.sin(i / 12), 1.0)
            matrix[:, 2] += (12 * np.sin(i / 9), 6 * np.cos(i / 11))
            moved = cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)
            for packet in stream.encode(av.VideoFrame.from_ndarray(moved, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


class StampedSource(FrameSource):
    """Wraps a paced source and notes when each frame was handed over (as a camera delivering it)."""

    def __init__(self, inner: FrameSource, handed_over: dict[float, float]) -> None:
        self.inner = inner
        self.info = inner.info
        self.handed_over = handed_over

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        for timestamp, frame in self.inner:
            self.handed_over[timestamp] = time.perf_counter()
            yield timestamp, frame

    def close(self) -> None:
        """Close the wrapped source."""
        self.inner.close()


def wait(app: QApplication, condition: Callable[[], bool], timeout: float) -> None:
    """Run the event loop until ``condition()`` holds (TimeoutError after ``timeout`` s)."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark step timed out")
        app.processEvents()
        time.sleep(0.001)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, rounded to 0.1."""
    return round(float(np.percentile(values, q)), 1)


def live_puppet_latency(app: QApplication, video: Path) -> dict[str, object]:
    """Play ``video`` as the live source with live puppet on; latency from frame handed over to preview painted."""
    from studio.core.project_file import load_project
    from studio.plugins.api import builtin_registry
    from studio.ui.main_window import MainWindow

    project = load_project(SAMPLE_PROJECT)
    project.render = project.render.with_changes(device="cpu")
    window = MainWindow(project, None, registry_factory=builtin_registry)
    panel = window.capture_panel
    window.show()
    window.start()
    wait(app, lambda: window.preview.shown_seq >= 1, 120.0)
    handed_over: dict[float, float] = {}
    panel.runner.source_opener = lambda choice: StampedSource(open_choice(choice), handed_over)
    frame_of_seq: dict[int, tuple[float, float]] = {}
    latencies: list[float] = []
    to_request: list[float] = []
    to_paint: list[float] = []
    render_ms: list[float] = []

    def on_sent(seq: int, timestamp: float) -> None:
        frame_of_seq[seq] = (timestamp, time.perf_counter())

    def on_painted(seq: int) -> None:
        sent = frame_of_seq.pop(seq, None)
        if sent is not None:
            now = time.perf_counter()
            latencies.append((now - handed_over[sent[0]]) * 1000.0)
            to_request.append((sent[1] - handed_over[sent[0]]) * 1000.0)
            to_paint.append((now - sent[1]) * 1000.0)

    panel.live_pose_sent.connect(on_sent)
    window.preview.painted.connect(on_painted)
    window.worker.result_ready.connect(lambda result: render_ms.append(result.render_ms))
    try:
        panel.auto_bind()
        panel.set_source(SourceChoice(path=video))
        panel.set_live(True)
        wait(app, lambda: panel.runner.running, 30.0)
        wait(app, lambda: not panel.runner.running, 120.0)
        app.processEvents()
        measured = latencies[WARM_UP:]
        if not measured:
            return {"case": "live_puppet_latency", "error": panel.status}
        return {"case": "live_puppet_latency", "source": "generated video 512x512 at 30 fps (paced)",
                "tracker": "face", "preview": "512x512", "generator": "warp", "device": "cpu",
                "frames": len(handed_over), "previews_painted": len(latencies),
                "latency_ms_p50": percentile(measured, 50), "latency_ms_p95": percentile(measured, 95),
                "latency_ms_max": round(max(measured), 1), "frame_to_request_ms_p50": percentile(to_request, 50),
                "request_to_paint_ms_p50": percentile(to_paint, 50), "render_ms_p50": percentile(render_ms, 50),
                "target_ms": TARGET_MS}
    finally:
        panel.shutdown()
        window.shutdown()


def main() -> int:
    """Run every case and print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
    os.environ.setdefault("MARIONETTE_CONFIG_DIR", str(Path(tempfile.gettempdir()) / "marionette-bench" / "config"))
    os.environ.setdefault("MARIONETTE_DATA_DIR", str(Path(tempfile.gettempdir()) / "marionette-bench" / "data"))
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        video = write_swaying_video(Path(folder) / "sway.mp4", args.frames)
        print(json.dumps(live_puppet_latency(app, video)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
