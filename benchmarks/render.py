"""End-to-end render and export of the bundled sample project, one JSON line per case.

Cases:
- cli-mp4: `python main.py render resources/sample.marionette -o out.mp4` as a user runs it, wall clock
  including interpreter start-up and imports (target: under 4 s for the 120-frame 512x512 sample).
- export-mp4 / export-gif / export-sprite-sheet: render + encode in-process through render_project
  (the code path the CLI, the dialog and batch share); frames per second end to end (targets: MP4 >= 60,
  GIF and sprite sheet within 2x of MP4).

Run: .venv/bin/python benchmarks/render.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample.marionette"


def cli_case(folder: Path, repeat: int) -> dict:
    """Wall-clock seconds of the render command, start-up included."""
    times = []
    for i in range(repeat):
        out = folder / f"cli-{i}.mp4"
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "main.py"), "render", str(SAMPLE), "-o", str(out)],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return {"case": "cli-mp4", "frames": 120, "size": "512x512", "seconds_median": round(statistics.median(times), 3),
            "seconds_best": round(min(times), 3), "target_seconds": 4.0}


def export_case(name: str, target: str, sprite: bool, folder: Path, repeat: int) -> dict:
    """Frames per second of render + encode in-process (imports and model set-up excluded)."""
    from studio.core.project_file import load_project
    from studio.jobs.render_job import render_project
    from studio.jobs.render_plan import RenderOptions, plan_render
    from studio.media.output_spec import OutputSpec
    from studio.plugins.discovery import default_registry

    project = load_project(SAMPLE)
    registry = default_registry()
    plan = plan_render(project, RenderOptions())
    rates = []
    for i in range(repeat):
        spec = OutputSpec(str(folder / f"{i}-{target}"), plan.fps, plan.width, plan.height, sprite_sheet=sprite)
        start = time.perf_counter()
        render_project(project, plan, spec, registry, device="cpu")
        rates.append(plan.frame_count / (time.perf_counter() - start))
    return {"case": name, "frames": plan.frame_count, "size": f"{plan.width}x{plan.height}",
            "fps_median": round(statistics.median(rates), 1), "fps_best": round(max(rates), 1)}


def main() -> None:
    """Print one JSON line per case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(json.dumps(cli_case(folder, args.repeat)), flush=True)
        for name, target, sprite in (("export-mp4", "out.mp4", False), ("export-gif", "out.gif", False),
                                     ("export-sprite-sheet", "sheet.png", True)):
            print(json.dumps(export_case(name, target, sprite, folder, args.repeat)), flush=True)


if __name__ == "__main__":
    main()
