"""Long renders hold memory flat: the sample project rendered to a 10,000-frame MP4 at 256 px, one JSON line.

The RSS after the first WARM_UP frames is the baseline; the line gives the peak RSS above it for the rest of the
render (sampled every 20 ms from /proc/self/statm) and the RSS at the end. Linux only (reads /proc).

Run: .venv/bin/python benchmarks/soak.py [--frames 10000] [--size 256]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "resources" / "sample.marionette"
WARM_UP = 500


def rss_mb() -> float:
    """Resident set size of this process in MB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakSampler:
    """Samples RSS on a thread; ``peak`` is the highest seen since ``baseline`` was taken."""

    def __init__(self) -> None:
        self.baseline: float | None = None
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            if self.baseline is not None:
                self.peak = max(self.peak, rss_mb())

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=256)
    args = parser.parse_args()

    from studio.core.project import Timing
    from studio.core.project_file import load_project
    from studio.jobs.render_job import render_project
    from studio.jobs.render_plan import RenderOptions, plan_render
    from studio.media.output_spec import OutputSpec
    from studio.plugins.discovery import default_registry

    project = load_project(SAMPLE)
    project.timing = Timing(project.timing.fps, 0, args.frames - 1)
    plan = plan_render(project, RenderOptions(size=(args.size, None)))
    sampler = PeakSampler()

    def progress(done: int, _total: int) -> None:
        if sampler.baseline is None and done >= WARM_UP:
            sampler.baseline = sampler.peak = rss_mb()

    with tempfile.TemporaryDirectory(prefix="soak-bench-") as folder:
        spec = OutputSpec(str(Path(folder) / "long.mp4"), plan.fps, plan.width, plan.height)
        start = time.perf_counter()
        outputs = render_project(project, plan, spec, default_registry(), device="cpu", progress=progress)
        seconds = time.perf_counter() - start
        end_rss = rss_mb()
        sampler.stop()
        size = sum(path.stat().st_size for path in outputs)
    baseline = sampler.baseline or end_rss
    print(json.dumps({"case": "render-mp4-long", "frames": plan.frame_count, "size": f"{plan.width}x{plan.height}",
                      "seconds": round(seconds, 1), "fps": round(plan.frame_count / seconds, 1),
                      "rss_after_warm_up_mb": round(baseline, 1),
                      "peak_rss_growth_mb": round(max(sampler.peak, end_rss) - baseline, 1),
                      "end_rss_growth_mb": round(end_rss - baseline, 1), "output_bytes": size}), flush=True)


if __name__ == "__main__":
    main()
