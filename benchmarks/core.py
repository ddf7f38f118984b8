"""Document speed: sampling every track at once, one JSON line per case.

Target: sampling 10,000 frames x 68 keypoints takes well under a second; one frame (what the preview asks for
on every change) takes well under a millisecond.

Run: .venv/bin/python benchmarks/core.py
"""

from __future__ import annotations

import json
import statistics
import time

import numpy as np

from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.tracks import Keyframe, Track


def animated_project(keypoints: int, keys: int, frames: int) -> Project:
    """A project with ``keypoints`` keypoints, each with ``keys`` random smooth keys over ``frames`` frames."""
    rng = np.random.default_rng(0)
    project = Project(b"", 512, 512)
    for k in range(keypoints):
        kp = Keypoint(f"kp{k}", f"kp{k}", "#ff0000", float(rng.uniform(0, 512)), float(rng.uniform(0, 512)))
        project.keypoints.append(kp)
        key_frames = np.sort(rng.choice(frames, keys, replace=False))
        project.tracks[kp.id] = Track(tuple(
            Keyframe(int(f), (kp.x + float(rng.normal(0, 5)), kp.y + float(rng.normal(0, 5)),
                              float(rng.normal(0, 0.1)), 1.0)) for f in key_frames))
    return project


def timed(function, repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    """Print one JSON line per case."""
    project = animated_project(68, 50, 10_000)
    project.sampler()
    frames = np.arange(10_000)
    bulk = timed(lambda: project.sample(frames), 5)
    print(json.dumps({"case": "sample-10000-frames-68-keypoints", "ms_median": round(statistics.median(bulk), 1),
                      "target_ms": 1000}))
    single = timed(lambda: project.sample([4321]), 2000)
    print(json.dumps({"case": "sample-1-frame-68-keypoints", "ms_median": round(statistics.median(single), 3),
                      "ms_p95": round(float(np.percentile(single, 95)), 3)}))

    def rebuild() -> None:
        project.notify("tracks")
        project.sampler()

    rebuilds = timed(rebuild, 50)
    print(json.dumps({"case": "rebuild-sampler-68x50-keys", "ms_median": round(statistics.median(rebuilds), 2)}))


if __name__ == "__main__":
    main()
