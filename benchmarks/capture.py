"""Capture speed: trackers on 640x480 frames, One Euro smoothing and retargeting. One JSON line per case.

Run: ``.venv/bin/python benchmarks/capture.py [--frames 150]``. The face cases need resources/sample.png.
Target: the face tracker at >= 30 fps on 640x480 with 2 cores.
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
from studio.capture.retarget import Binding, retarget
from studio.capture.smoothing import OneEuroFilter
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
    start = time.perf_counter()
    for i, frame in enumerate(frames):
        step(frame, (i + 5) / 30)
    seconds = time.perf_counter() - start
    fps = len(frames) / seconds
    print(json.dumps({"case": label, "frames": len(frames), "fps": round(fps, 1),
                      "ms_per_frame": round(1000 * seconds / len(frames), 2), **extra}))


def main() -> None:
    """Run every case."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args()
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
            timed("pose 640x480", frames, tracker.track)
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


if __name__ == "__main__":
    main()
