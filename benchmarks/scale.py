"""Batch render here and on Ray: per-pair cost after start-up, start-up, throughput; one JSON line per case.

Cases (2 projects x 6 portraits = 12 pairs, 256x256, 48 frames each, --threads 1):
- local: the local batch (one slot, in the case's process).
- ray-local-1: --ray local with one actor: the same parallelism as local, so the per-pair difference is Ray's
  overhead (target: at most 10% of the local per-pair time). Start-up (ray.init, the actor's process and imports)
  is reported separately.
- ray-local-N: --ray local with one actor per core: the throughput this machine gives.

Per-pair time after start-up = (last result - first result) / (pairs - 1) x slots; start-up = time to the first
result minus one pair. local and ray-local-1 run alternately --repeat times; their lines give the median run,
the best (least disturbed) per-pair time and every run's figures; the overhead is given for both. Each case
runs in a process and session of its own (see _case_in_own_session). Every line
carries the load average: the machine may be shared.

Run: .venv/bin/python benchmarks/scale.py [--frames 48] [--size 256] [--portraits 6] [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _inputs(folder: Path, portraits: int, size: int, frames: int) -> tuple[list[Path], str]:
    """Two projects (different motions) and ``portraits`` portraits of ``size`` px."""
    import cv2

    from tests.jobs import batch_data

    projects = [batch_data.write_project(folder / "wave.marionette", 1.5, frames),
                batch_data.write_project(folder / "nod.marionette", -1.0, frames)]
    (folder / "portraits").mkdir()
    for i in range(portraits):
        image = cv2.resize(batch_data.portrait(100 + i), (size, size), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(folder / "portraits" / f"p{i}.png"), image)
    return projects, str(folder / "portraits" / "*.png")


def _run(case: str, inputs: tuple[list[Path], str], out: Path, extra: list[str], slots: int) -> dict:
    """One batch through the CLI, with the time of every result noted."""
    from studio import cli
    from studio.cli import _batch

    times: list[float] = []
    add = _batch._Tally.add

    def noting_add(self, result, manifest):
        times.append(time.perf_counter())
        add(self, result, manifest)

    _batch._Tally.add = noting_add
    projects, source = inputs
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(sys.stderr):  # the command's summary line: stdout keeps only JSON
            code = cli.main(["render", *map(str, projects), "--source", source, "-o",
                             str(out / "{project}/{name}.mp4"), "--threads", "1", *extra])
    finally:
        _batch._Tally.add = add
    total = time.perf_counter() - start
    pairs = len(times)
    per_pair = (times[-1] - times[0]) / (pairs - 1) * slots
    return {"case": case, "exit": code, "pairs": pairs, "slots": slots, "seconds_total": round(total, 2),
            "seconds_per_pair": round(per_pair, 3), "seconds_startup": round(times[0] - start - per_pair, 2),
            "pairs_per_second": round((pairs - 1) / (times[-1] - times[0]), 3),
            "load_average_1min": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}


def _median_case(runs: list[dict]) -> dict:
    """The run with the median per-pair time, with every run's per-pair time and start-up beside it."""
    ordered = sorted(runs, key=lambda r: r["seconds_per_pair"])
    case = dict(ordered[len(ordered) // 2])
    case["runs_seconds_per_pair"] = [r["seconds_per_pair"] for r in runs]
    case["seconds_per_pair_best"] = ordered[0]["seconds_per_pair"]
    case["runs_seconds_startup"] = [r["seconds_startup"] for r in runs]
    return case


def _case_in_own_session(case: str, folder: Path, out: str, extra: list[str], slots: int) -> dict:
    """One case in a fresh process and session: Linux's autogroup scheduler shares a loaded machine's CPUs per
    session, and Ray starts its workers in sessions of their own, so the local case needs one too to compare."""
    command = [sys.executable, __file__, "--one", json.dumps([case, str(folder), out, extra, slots])]
    result = subprocess.run(command, capture_output=True, text=True, check=True, start_new_session=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _one(spec: str) -> None:
    """Run one case (the --one argument) on the inputs in its folder and print its JSON line."""
    case, folder, out, extra, slots = json.loads(spec)
    base = Path(folder)
    inputs = ([base / "wave.marionette", base / "nod.marionette"], str(base / "portraits" / "*.png"))
    print(json.dumps(_run(case, inputs, base / out, extra, slots)), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--portraits", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3, help="local and ray-local-1 run alternately this often")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one)
        return
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        _inputs(base, args.portraits, args.size, args.frames)
        local_runs, one_runs = [], []
        for i in range(args.repeat):
            local_runs.append(_case_in_own_session("local", base, f"local{i}", [], 1))
            one_flags = ["--ray", "local", "--ray-workers", "1"]
            one_runs.append(_case_in_own_session("ray-local-1", base, f"ray1-{i}", one_flags, 1))
        local, one = _median_case(local_runs), _median_case(one_runs)
        print(json.dumps(local), flush=True)
        one["overhead_vs_local"] = round(one["seconds_per_pair"] / local["seconds_per_pair"] - 1, 3)
        one["overhead_vs_local_best"] = round(one["seconds_per_pair_best"] / local["seconds_per_pair_best"] - 1, 3)
        one["target_overhead"] = 0.10
        print(json.dumps(one), flush=True)
        many = _case_in_own_session(f"ray-local-{cores}", base, "rayn", ["--ray", "local"], cores)
        many["speedup_vs_local"] = round(many["pairs_per_second"] * local["seconds_per_pair"], 2)
        print(json.dumps(many), flush=True)


if __name__ == "__main__":
    main()
