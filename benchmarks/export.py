"""Export writer throughput: 120 synthetic 512x512 frames per format, one JSON line per case.

Run: .venv/bin/python benchmarks/export.py [--frames 120] [--size 512] [--only mp4,gif]
Frames are precomputed, so this measures the writer alone (encode + mux + palette + disk), pipelined
through write_frames exactly as an export runs it. End-to-end render cases are added by the render job.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.media.output_spec import OutputSpec
from studio.media.writers import write_frames
from tests.media.conftest import write_sine

CASES = {
    "write-mp4": ("out.mp4", {}),
    "write-mp4-audio": ("out.mp4", {"audio": True}),
    "write-webm": ("out.webm", {}),
    "write-mov-alpha": ("out.mov", {"alpha": True}),
    "write-gif": ("out.gif", {}),
    "write-png-sequence": ("seq/%04d.png", {"alpha": True}),
    "write-sprite-sheet": ("sheet.png", {"alpha": True, "sprite_sheet": True}),
}


def synthetic_frames(count: int, size: int, alpha: bool) -> list[np.ndarray]:
    """Smooth moving gradients with a moving disc: compressible but not trivial, like rendered animation."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    frames = []
    for index in range(count):
        phase = index / count * 2 * np.pi
        frame = np.empty((size, size, 4 if alpha else 3), dtype=np.uint8)
        frame[:, :, 0] = (127 + 127 * np.sin(xs / 40 + phase)).astype(np.uint8)
        frame[:, :, 1] = (127 + 127 * np.cos(ys / 55 - phase)).astype(np.uint8)
        frame[:, :, 2] = ((xs + ys + index * 4) % 256).astype(np.uint8)
        cx, cy = size / 2 + size / 4 * np.cos(phase), size / 2 + size / 4 * np.sin(phase)
        disc = (xs - cx) ** 2 + (ys - cy) ** 2 < (size / 8) ** 2
        frame[disc, :3] = (250, 240, 30)
        if alpha:
            frame[:, :, 3] = np.where((xs - size / 2) ** 2 + (ys - size / 2) ** 2 < (size / 2.2) ** 2, 255, 0)
        frames.append(frame)
    return frames



def run_case(name: str, frames: list[np.ndarray], size: int, folder: Path, tone: Path) -> dict:
    """Time one export of ``frames`` and describe the result."""
    target, options = CASES[name]
    spec = OutputSpec(
        path=str(folder / name / target),
        fps=24,
        width=size,
        height=size,
        alpha=bool(options.get("alpha")),
        sprite_sheet=bool(options.get("sprite_sheet")),
        audio=str(tone) if options.get("audio") else None,
    )
    start = time.perf_counter()
    outputs = write_frames(iter(frames), spec, total=len(frames))
    seconds = time.perf_counter() - start
    return {
        "case": name,
        "frames": len(frames),
        "size": size,
        "seconds": round(seconds, 3),
        "fps_end_to_end": round(len(frames) / seconds, 1),
        "output_bytes": sum(path.stat().st_size for path in outputs),
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--only", default="", help="comma-separated case names or suffixes (mp4,gif,...)")
    args = parser.parse_args()
    wanted = [name for name in CASES if not args.only or any(name.endswith(w) for w in args.only.split(","))]
    rgb = synthetic_frames(args.frames, args.size, alpha=False)
    rgba = synthetic_frames(args.frames, args.size, alpha=True)
    with tempfile.TemporaryDirectory(prefix="export-bench-") as temp:
        folder = Path(temp)
        tone = write_sine(folder / "tone.wav", args.frames / 24 + 1)
        for name in wanted:
            frames = rgba if CASES[name][1].get("alpha") else rgb
            print(json.dumps(run_case(name, frames, args.size, folder, tone)), flush=True)


if __name__ == "__main__":
    main()
