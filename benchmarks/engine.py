"""Speed of the built-in warp and mesh generators: one JSON line per case (size, keypoint count).

Run: ``.venv/bin/python benchmarks/engine.py [--threads 2] [--device cpu] [--frames 200] [--only warp|mesh]``.
Mesh cases also report prepare_ms (triangulation, layers, pixel lookup: once per source and region) and
repin_ms (the first frame after a pin is added or removed: binding, both factorisations and the frame).
Each frame gets new random (seeded, reproducible) keypoint motion; prepare() and the generation of the
motion are not timed; every case is warmed up first. ms_min and the 1-minute load average are printed
too: on a machine shared with other work the median measures the neighbours as much as the engine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.engine.contract import Motion
from studio.engine.device import configure_cpu_threads, resolve_device
from studio.engine.mesh.generator import MeshGenerator
from studio.engine.warp import WarpGenerator

CASES = (("512px-10kp", 512, 10), ("512px-68kp", 512, 68), ("1024px-10kp", 1024, 10))
MESH_CASES = (("mesh-512px-19kp", 512, 19, False), ("mesh-512px-19kp-region", 512, 19, True),
              ("mesh-1024px-19kp-region", 1024, 19, True))


def synthetic_image(size: int, channels: int, rng: np.random.Generator) -> np.ndarray:
    """A smooth colour gradient with noise and a few hard edges: something like a real picture."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) / size
    image = np.stack([xs, ys, 1.0 - xs * ys, np.ones_like(xs)][:channels], axis=-1) * 200.0
    image += rng.normal(0.0, 20.0, image.shape)
    image[size // 4 : size // 2, size // 3 : 2 * size // 3] = 240.0
    return np.clip(image, 0, 255).astype(np.uint8)


def random_motions(size: int, count: int, frames: int, rng: np.random.Generator) -> tuple[Motion, list[Motion]]:
    """A rest pose and `frames` driving poses: keypoints jiggled, rotated and scaled at random."""
    positions = rng.uniform(0.1 * size, 0.9 * size, (count, 2)).astype(np.float32)
    radii = np.full(count, size * 0.5 / np.sqrt(count), np.float32)
    rest = Motion(positions, np.tile(np.eye(2, dtype=np.float32), (count, 1, 1)), radii)
    driving = []
    for _ in range(frames):
        angle = rng.uniform(-0.4, 0.4, count)
        scale = rng.uniform(0.8, 1.25, count)
        cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
        jacobians = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], 1).astype(np.float32)
        moved = positions + rng.normal(0.0, 0.03 * size, (count, 2)).astype(np.float32)
        driving.append(Motion(moved, jacobians, radii))
    return rest, driving


def run_case(
    generator: WarpGenerator, name: str, size: int, count: int, frames: int, warmup: int, channels: int
) -> dict:
    """Time render() over `frames` random poses after `warmup` untimed ones; return the JSON record."""
    rng = np.random.default_rng(size * 1000 + count)
    state = generator.prepare(synthetic_image(size, channels, rng))
    rest, driving = random_motions(size, count, frames + warmup, rng)
    for pose in driving[:warmup]:
        generator.render(state, rest, pose)
    times = []
    for pose in driving[warmup:]:
        start = time.perf_counter()
        generator.render(state, rest, pose)
        times.append((time.perf_counter() - start) * 1000.0)
    return {
        "case": name if channels == 3 else f"{name}-rgba",
        "size": size,
        "keypoints": count,
        "ms_median": round(float(np.median(times)), 2),
        "ms_p95": round(float(np.percentile(times, 95)), 2),
        "ms_min": round(float(np.min(times)), 2),
    }


def blob_region(size: int) -> np.ndarray:
    """A character-sized region: an ellipse over the middle of the image (about 30% of it)."""
    region = np.zeros((size, size), np.uint8)
    cv2.ellipse(region, (size // 2, size // 2), (size // 4, size * 3 // 8), 0, 0, 360, 255, -1)
    return region


def run_mesh_case(name: str, size: int, count: int, with_region: bool, frames: int, warmup: int) -> dict:
    """Time the mesh generator: prepare, frames after the first, and re-pinning (one pin added, then removed)."""
    rng = np.random.default_rng(size * 1000 + count)
    generator = MeshGenerator("cpu")
    region = blob_region(size) if with_region else None
    start = time.perf_counter()
    state = generator.prepare(synthetic_image(size, 3, rng), region)
    prepare_ms = (time.perf_counter() - start) * 1000.0
    rest, driving = random_motions(size, count, frames + warmup, rng)
    if with_region:
        rest = Motion(size / 2 + (rest.positions - size / 2) * 0.45, rest.jacobians, rest.radii)
        driving = [Motion(size / 2 + (d.positions - size / 2) * 0.45, d.jacobians, d.radii) for d in driving]
    for pose in driving[:warmup]:
        generator.render(state, rest, pose)
    times = []
    for pose in driving[warmup:]:
        start = time.perf_counter()
        generator.render(state, rest, pose)
        times.append((time.perf_counter() - start) * 1000.0)
    repin = []
    for keep in (count - 1, count):
        fewer, pose = (Motion(m.positions[:keep], m.jacobians[:keep], m.radii[:keep]) for m in (rest, driving[-1]))
        start = time.perf_counter()
        generator.render(state, fewer, pose)
        repin.append((time.perf_counter() - start) * 1000.0)
    return {"case": name, "size": size, "keypoints": count, "vertices": len(state.data["mesh"].vertices),
            "ms_median": round(float(np.median(times)), 2), "ms_p95": round(float(np.percentile(times, 95)), 2),
            "ms_min": round(float(np.min(times)), 2), "prepare_ms": round(prepare_ms, 1),
            "repin_ms": round(float(np.max(repin)), 1)}


def main() -> int:
    """Parse options, run every case, print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu", help="auto, cpu, cuda or mps (default cpu)")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    parser.add_argument("--frames", type=int, default=200, help="timed frames per case (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed frames first (default 20)")
    parser.add_argument("--flow-scale", type=float, default=0.25, help="flow resolution (default 0.25)")
    parser.add_argument("--rgba", action="store_true", help="also time 4-channel (RGBA) sources")
    parser.add_argument("--only", choices=("warp", "mesh"), help="run one generator's cases")
    args = parser.parse_args()
    threads = configure_cpu_threads(args.threads)
    cv2.setNumThreads(threads)
    device = resolve_device(args.device)
    generator = WarpGenerator(args.device, flow_scale=args.flow_scale)
    for name, size, count, with_region in MESH_CASES if args.only != "warp" else ():
        record = run_mesh_case(name, size, count, with_region, args.frames, args.warmup)
        record.update(device="cpu", threads=threads, load_average=round(os.getloadavg()[0], 2))
        print(json.dumps(record), flush=True)
    for channels in ((3, 4) if args.rgba else (3,)) if args.only != "mesh" else ():
        for name, size, count in CASES:
            record = run_case(generator, name, size, count, args.frames, args.warmup, channels)
            record.update(device=device.type, threads=threads, load_average=round(os.getloadavg()[0], 2))
            print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
