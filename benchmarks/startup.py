"""Start-up of the window: `python main.py` from this checkout versus the packaged bundle. One JSON line per case.

Run: ``.venv/bin/python benchmarks/startup.py [--runs 5] [--bundle PATH/marionette-studio]``.
Each run starts the app under ``QT_QPA_PLATFORM=offscreen`` with ``MARIONETTE_STARTUP_PROBE=1`` (the app prints
``window-shown`` when its main window is first exposed, then quits) and fresh settings folders; the time is wall
clock from spawning the process to reading that line, so the bundle's unpacking and imports are included.
Cases: ``source``, ``bundle`` (when built: build/packaging/dist/marionette-studio/marionette-studio by
default), and ``ratio`` (bundle median / source median; the target is <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLE = ROOT / "build" / "packaging" / "dist" / "marionette-studio" / "marionette-studio"
MARKER = "window-shown"
TIMEOUT_S = 300.0
TARGET_RATIO = 1.5


def time_to_window(command: list[str]) -> float:
    """Seconds from spawning ``command`` to its start-up probe line."""
    with tempfile.TemporaryDirectory(prefix="marionette-startup-") as temp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MARIONETTE_STARTUP_PROBE": "1",
               "MARIONETTE_CONFIG_DIR": f"{temp}/config", "MARIONETTE_DATA_DIR": f"{temp}/data",
               "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                                   cwd=temp)
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(MARKER):
                elapsed = time.perf_counter() - started
                break
        else:
            raise RuntimeError(f"{command[0]} exited {process.wait()} without showing its window")
        process.wait(timeout=TIMEOUT_S)
    return elapsed


def measure(case: str, command: list[str], runs: int) -> dict[str, object]:
    """Run one case ``runs`` times (after one warm-up run that fills the disk cache)."""
    time_to_window(command)
    times = [time_to_window(command) for _ in range(runs)]
    return {"case": case, "median_s": round(statistics.median(times), 3), "best_s": round(min(times), 3),
            "worst_s": round(max(times), 3), "runs": runs}


def main() -> None:
    """Print the source case, the bundle case and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    args = parser.parse_args()
    source = measure("source", [sys.executable, str(ROOT / "main.py")], args.runs)
    print(json.dumps(source), flush=True)
    if not args.bundle.is_file():
        print(json.dumps({"case": "bundle", "skipped": f"no bundle at {args.bundle}: run make dist"}))
        return
    bundle = measure("bundle", [str(args.bundle)], args.runs)
    print(json.dumps(bundle), flush=True)
    ratio = bundle["median_s"] / source["median_s"]
    print(json.dumps({"case": "ratio", "bundle_over_source": round(ratio, 2), "target": TARGET_RATIO,
                      "within_target": ratio <= TARGET_RATIO}))


if __name__ == "__main__":
    main()
