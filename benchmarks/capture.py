"""Capture speed: trackers on 640x480 frames, One Euro smoothing and retargeting. One JSON line per case.

Run: ``.venv/bin/python benchmarks/capture.py [--frames 150]``. The face cases need resources/sample.png.
Targets: the face and pose trackers at >= 30 fps on 640x480 with 2 cores; body retarget < 1 ms per frame; sound to
mouth pose <= 200 ms (``--sound-only`` runs just that case).
Every line carries the 1-minute load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import cv2
import numpy as np

from studio.capture.motion import TrackedMotion
from studio.capture.puppet import LivePuppet, PuppetSettings
from studio.capture.retarget import Binding, retarget
from studio.capture.smoothing import OneEuroFilter
from studio.capture.trackers.base import TrackedFrame
from studio.capture.trackers.registry import create_tracker

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample.png"
WIDTH, HEIGHT = 640, 480
TARGET_FPS = 30.0


def moving_frames(image: np.ndarray, count: int) -> list[np.ndarray]:
    """``image`` fitted into 640x480 and swayed (turns of ±8°, shifts of ±20 px)."""
    scale = min(WIDTH / image.shape[1], HEIGHT / image.shape[0])
    fitted = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)))
    canvas = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    x0, y0 = (WIDTH - fitted.shape[1]) // 2, (HEIGHT - fitted.shape[0]) // 2
    canvas[y0 : y0 + fitted.shape[0], x0 : x0 + fitted.shape[1]] = fitted
    frames = []
    for i in range(count):
        matrix = cv2.getRotationMatrix2D((WIDTH / 2, HEIGHT / 2), 8 * np.sin(i / 15), 1.0)
        matrix[:, 2] += (20 * np.sin(i / 11), 10 * np.cos(i / 13))
        frames.append(cv2.warpAffine(canvas, matrix, (WIDTH, HEIGHT), borderMode=cv2.BORDER_REPLICATE))
    return frames


def timed(label: str, frames: list[np.ndarray], step: Callable[[np.ndarray, float], object], **extra: object) -> None:
    """Run ``step`` on every frame after a short warm-up and print fps as one JSON line."""
    for i, frame in enumerate(frames[:5]):
        step(frame, i / 30)
    start, cpu = time.perf_counter(), time.process_time()
    for i, frame in enumerate(frames):
        step(frame, (i + 5) / 30)
    seconds = time.perf_counter() - start
    cpu_ms = 1000 * (time.process_time() - cpu) / len(frames)
    fps = len(frames) / seconds
    print(json.dumps({"case": label, "frames": len(frames), "fps": round(fps, 1),
                      "ms_per_frame": round(1000 * seconds / len(frames), 2), "cpu_ms_per_frame": round(cpu_ms, 2),
                      "load": round(os.getloadavg()[0], 2),
                      **extra}))


def main() -> None:
    """Run every case."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--sound-only", action="store_true", help="only the sound -> mouth latency case")
    args = parser.parse_args()
    if args.sound_only:
        sound_latency()
        return
    print(json.dumps({"case": "machine", "cpus": os.cpu_count(), "opencv_threads": cv2.getNumThreads()}))
    if SAMPLE.is_file():
        portrait = cv2.cvtColor(cv2.imread(str(SAMPLE)), cv2.COLOR_BGR2RGB)
        frames = moving_frames(portrait, args.frames)
        for options in ({"refine_landmarks": True}, {"refine_landmarks": False},
                        {"refine_landmarks": True, "max_side": 320}):
            with create_tracker("face", **options) as tracker:
                found = []
                timed(f"face 640x480 {options}", frames, lambda f, t, tr=tracker, fo=found: fo.append(
                    tr.track(f, t).visible.any()), target_fps=TARGET_FPS)
                print(json.dumps({"case": f"face found {options}", "fraction": round(float(np.mean(found)), 3)}))
        with create_tracker("pose") as tracker:
            timed("pose 640x480 (full model, the one in the wheel)", frames, tracker.track, target_fps=TARGET_FPS)
        with create_tracker("hands") as tracker:
            timed("hands 640x480 (no hands in view)", frames, tracker.track)
    else:
        print(json.dumps({"case": "face/pose/hands", "skipped": f"{SAMPLE} is missing"}))
        frames = [np.random.default_rng(i).integers(0, 255, (HEIGHT, WIDTH, 3), np.uint8) for i in range(args.frames)]
    grid = np.stack(np.meshgrid(np.linspace(200, 440, 5), np.linspace(150, 330, 4)), -1).reshape(-1, 2)
    with create_tracker("flow", points=grid) as tracker:
        timed("flow 640x480, 20 points", frames, tracker.track)

    one_euro = OneEuroFilter(1.0, 0.01)
    samples = np.random.default_rng(0).normal(300, 2, (args.frames, 478, 2))
    start = time.perf_counter()
    for i, sample in enumerate(samples):
        one_euro(sample, i / 30)
    per = (time.perf_counter() - start) / args.frames
    print(json.dumps({"case": "one euro, 478 landmarks", "ms_per_frame": round(1000 * per, 3)}))

    take = TrackedMotion("face", 30.0, np.arange(900) / 30, samples.repeat(6, 0)[:900].astype(np.float32),
                         np.ones((900, 478), bool), (WIDTH, HEIGHT), np.zeros(900))
    bindings = [Binding(k, k * 25) for k in range(19)]
    start = time.perf_counter()
    retarget(take, bindings, np.random.default_rng(1).random((19, 2)) * 500, neutral=0)
    print(json.dumps({"case": "retarget 30 s take, 19 keypoints",
                      "ms": round(1000 * (time.perf_counter() - start), 2)}))
    body_retarget(args.frames)
    head_turn_retarget(args.frames)
    sound_latency()


def write_tones(path: Path, starts: tuple[float, ...], length: float, seconds: float) -> Path:
    """Silence with a loud 300 Hz tone of ``length`` s at each start, 16 kHz mono 16-bit WAV."""
    import wave

    rate = 16_000
    t = np.arange(round(seconds * rate)) / rate
    on = np.zeros(len(t), bool)
    for start in starts:
        on |= (t >= start) & (t < start + length)
    samples = np.where(on, 0.5 * np.sin(2 * np.pi * 300 * t), 0.0)
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


def sound_latency() -> None:
    """Sound -> mouth pose latency through the dock's path: a sound file paced to real time in MIC_BUFFER chunks (as
    a microphone's buffer hands them over) -> the capture-sound thread -> a queued signal to the GUI thread -> the
    mouth pose -> the live preview feed -> the pose sink (a stand-in for the preview worker's request). Per tone:
    from the moment its first sample was heard to the first open mouth reaching the sink. Target <= 200 ms.
    """
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from studio.capture.live_sound import MIC_BUFFER, PacedSoundSource
    from studio.capture.sound_puppet import MouthDriver
    from studio.core.project_file import load_project
    from studio.lipsync.live_mouth import FileSoundSource
    from studio.ui.capture.capture_preview import LivePreviewFeed
    from studio.ui.capture.capture_sound import SoundRunner
    from studio.ui.capture.capture_source import SoundChoice
    from studio.ui.session import Session

    app = QCoreApplication.instance() or QCoreApplication([])
    project = load_project(SAMPLE.with_suffix(".marionette"))
    driver = MouthDriver(project)
    chin = [kp.name for kp in project.keypoints].index("chin")
    rest_chin = float(project.rest_pose().positions[0, chin, 1])
    arrivals: list[tuple[float, bool]] = []

    class Sink:
        """The preview worker's request, timed."""

        def request(self, frame: int, rest: object, driving: object) -> int:
            arrivals.append((time.monotonic(), float(driving.positions[0, chin, 1]) > rest_chin + 0.5))
            return len(arrivals)

    class Target:
        paused = False
        worker = Sink()

        def request(self) -> int:
            return 0

    session = Session(project)
    feed = LivePreviewFeed(session, Target())
    feed.start()
    paced: list[PacedSoundSource] = []

    def opener(choice: SoundChoice) -> PacedSoundSource:
        paced.append(PacedSoundSource(FileSoundSource(choice.path), MIC_BUFFER))
        return paced[-1]

    starts = (0.5, 1.5, 2.5, 3.5, 4.5)
    with tempfile.TemporaryDirectory() as folder:
        runner = SoundRunner(file_opener=opener)
        runner.shape_ready.connect(lambda seconds, shape: feed.offer(driver.pose(shape), seconds))
        loop = QEventLoop()
        runner.ended.connect(loop.quit)
        runner.failed.connect(loop.quit)
        QTimer.singleShot(20_000, loop.quit)
        runner.start(SoundChoice(path=write_tones(Path(folder) / "tones.wav", starts, 0.4, 5.2)))
        loop.exec()
        runner.stop()
    feed.stop()
    origin = paced[0].origin
    latencies = []
    for start in starts:
        heard = origin + start
        opened = next((t for t, is_open in arrivals if is_open and t >= heard), None)
        if opened is not None:
            latencies.append(1000 * (opened - heard))
    print(json.dumps({"case": "sound -> mouth pose latency (paced file, dock path)", "buffer_ms": 1000 * MIC_BUFFER,
                      "tones": len(starts), "opened": len(latencies),
                      "median_ms": round(float(np.median(latencies)), 1) if latencies else None,
                      "max_ms": round(max(latencies), 1) if latencies else None, "target_ms": 200,
                      "load": round(os.getloadavg()[0], 2)}))
    del app


def per_frame(label: str, count: int, step: Callable[[int], object], **extra: object) -> None:
    """Time ``step(i)`` for i < count after a warm-up; one JSON line with wall and CPU ms per frame (CPU time is what
    the work costs when the shared machine makes it wait) and the load average.
    """
    for i in range(5):
        step(i)
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        step(i)
    ms = 1000 * (time.perf_counter() - start) / count
    cpu_ms = 1000 * (time.process_time() - cpu) / count
    print(json.dumps({"case": label, "ms_per_frame": round(ms, 3), "cpu_ms_per_frame": round(cpu_ms, 3),
                      "load": round(os.getloadavg()[0], 2), **extra}))


def body_retarget(count: int) -> None:
    """Body retarget per frame: the live puppet (33 bound keypoints, limb frames) and a 30 s take."""
    rng = np.random.default_rng(2)
    rest = np.column_stack([rng.uniform(50, 450, (33, 2)), np.zeros(33), np.ones(33)])
    skeleton = rng.uniform(100, 500, (33, 2)).astype(np.float32)
    puppet = LivePuppet(PuppetSettings(tuple(Binding(k, k) for k in range(33)), rest, np.full(33, 40.0, np.float32),
                                       tracker="pose", strength=0.3))
    frames = [TrackedFrame(skeleton + rng.normal(0, 3, (33, 2)).astype(np.float32), np.ones(33, bool))
              for _ in range(count + 5)]
    per_frame("body retarget, live puppet, 33 keypoints", count, lambda i: puppet.pose(frames[i], i / 30),
              target_ms=1.0)
    take = TrackedMotion("pose", 30.0, np.arange(900) / 30, np.stack([f.landmarks for f in frames] * 7)[:900],
                         np.ones((900, 33), bool), (WIDTH, HEIGHT))
    start = time.perf_counter()
    retarget(take, [Binding(k, k) for k in range(33)], rest[:, :2], neutral=0)
    ms = 1000 * (time.perf_counter() - start)
    print(json.dumps({"case": "body retarget, 30 s take, 33 keypoints", "ms": round(ms, 2),
                      "ms_per_frame": round(ms / 900, 4), "load": round(os.getloadavg()[0], 2), "target_ms": 1.0}))


def head_turn_retarget(count: int) -> None:
    """3D head turn per frame in the live puppet: 468 landmarks with head pose and depth, 19 keypoints with depth."""
    rng = np.random.default_rng(3)
    face = rng.uniform(200, 400, (468, 3))
    rest = np.column_stack([rng.uniform(100, 400, (19, 2)), np.zeros(19), np.ones(19)])
    puppet = LivePuppet(PuppetSettings(tuple(Binding(k, k * 20) for k in range(19)), rest,
                                       np.full(19, 40.0, np.float32), tracker="face", depth=rng.uniform(-20, 20, 19)))
    frames = [TrackedFrame(face[:, :2].astype(np.float32), np.ones(468, bool),
                           {"head_pose": tuple(rng.normal(0, 0.1, 3)), "depth": face[:, 2].astype(np.float32)})
              for _ in range(count + 5)]
    per_frame("head turn retarget, live puppet, 19 keypoints", count, lambda i: puppet.pose(frames[i], i / 30))


if __name__ == "__main__":
    main()
