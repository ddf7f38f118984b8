"""FOMM generator speed: our exact render, our draft, and the original per-frame evaluation, in one run.

vox-256 configuration, random weights (batch norms calibrated on noise so activations are realistic),
256x256, 2 CPU threads, unless --config/--checkpoint/--source give a real model and image. The three cases
alternate frame by frame, so a busy machine slows them alike; each reports the median and best wall time per
frame and the median process CPU time (less sensitive to other jobs at --threads 1), and the summary gives the
load average before and after. Prints one JSON line per case.

Run: .venv/bin/python benchmarks/fomm.py [--frames N] [--threads T] [--device cpu|cuda] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.openmp import SHORT_SPIN

os.environ["GOMP_SPINCOUNT"] = os.environ.get("GOMP_SPINCOUNT", SHORT_SPIN)  # before torch loads (studio.openmp)

import cv2
import numpy as np
import torch
import yaml

from studio.engine.contract import Motion, SourceState
from studio.engine.fomm import winograd
from studio.engine.fomm.checkpoint import build_models
from studio.engine.fomm.config import parse_config
from studio.engine.fomm.generator import FommGenerator, to_model
from studio.engine.fomm.precision import computing, to_host
from studio.engine.fomm.runtime import FommRuntime
from tests.engine.fomm.conftest import VOX256

TARGET_MS = 250


def random_checkpoint(folder: Path) -> tuple[Path, Path]:
    """Write the vox-256 config and a random-weight checkpoint with calibrated batch norms."""
    torch.manual_seed(0)
    generator, kp_detector = build_models(parse_config(VOX256))
    for model in (generator, kp_detector):
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.momentum = None
        model.train()
    with torch.no_grad():
        images = torch.rand(2, 3, 256, 256)
        generator(images, kp_driving=kp_detector(images.flip(0)), kp_source=kp_detector(images))
        kp_detector.jacobian.weight.normal_(0, 0.01)
    config = folder / "vox-256.yaml"
    config.write_text(yaml.safe_dump(VOX256))
    checkpoint = folder / "vox-random.pth.tar"
    torch.save({"generator": generator.state_dict(), "kp_detector": kp_detector.state_dict()}, checkpoint)
    return config, checkpoint


def source_image() -> np.ndarray:
    """A smooth textured 256x256 RGB image."""
    y, x = np.mgrid[0:256, 0:256].astype(np.float32)
    planes = [np.sin(x / (9 + 4 * c)) * np.cos(y / (11 + 3 * c)) for c in range(3)]
    return ((np.stack(planes, axis=2) * 0.5 + 0.5) * 255).astype(np.uint8)


def baseline_frame(runtime: FommRuntime, image: np.ndarray, kp_driving: Motion) -> np.ndarray:
    """What the original demo loop costs per frame: detect the source keypoints and run the full forward."""
    with computing(runtime.policy):
        source = runtime.to_tensor(image)
        kp_source = runtime.kp_detector(source)
        kp = {"value": torch.from_numpy(kp_driving.positions)[None].to(runtime.device),
              "jacobian": torch.from_numpy(kp_driving.jacobians)[None].to(runtime.device)}
        out = runtime.generator(source, kp_driving=kp, kp_source=kp_source)["prediction"]
        return to_host(out[0].float().permute(1, 2, 0).mul(255).round_().clamp_(0, 255).to(torch.uint8))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio of two uint8 images, in dB."""
    mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return round(10 * np.log10(255**2 / max(mse, 1e-12)), 1)


def timed(call: Callable[[], np.ndarray], device: torch.device) -> tuple[np.ndarray, float, float]:
    """(frame, wall ms, process CPU ms) of one call; the frame copy to the host ends it on every device."""
    cpu, wall = time.process_time(), time.perf_counter()
    frame = call()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return frame, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def load(args: argparse.Namespace) -> tuple[FommGenerator, np.ndarray]:
    """The generator and source image to measure: a given model, or the random-weight vox-256 one."""
    if args.config and args.checkpoint:
        generator = FommGenerator(device=args.device, config=args.config, checkpoint=args.checkpoint,
                                  paste_back=False)
        image = cv2.cvtColor(cv2.imread(args.source), cv2.COLOR_BGR2RGB) if args.source else source_image()
        return generator, image
    with tempfile.TemporaryDirectory() as folder:
        config, checkpoint = random_checkpoint(Path(folder))
        return FommGenerator(device=args.device, config=str(config), checkpoint=str(checkpoint)), source_image()


def poses(kp_source: Motion, count: int) -> list[Motion]:
    """Driving poses: every keypoint moved by a few pixels (sd 6 px at 256x256)."""
    rng = np.random.default_rng(0)
    return [Motion(positions=kp_source.positions + rng.normal(0, 6, kp_source.positions.shape).astype(np.float32),
                   jacobians=kp_source.jacobians, radii=kp_source.radii) for _ in range(count)]


def measure(generator: FommGenerator, state: SourceState, image: np.ndarray, frames: int) -> dict[str, list]:
    """Interleaved timings of the three cases, plus frame differences (the first frame warms up and is dropped)."""
    kp_source = generator.detect_keypoints(state)
    box = state.data["box"]
    device = generator.runtime.device
    results: dict[str, list] = {"exact": [], "draft": [], "original": [], "diff": [], "psnr": []}
    for index, kp_driving in enumerate(poses(kp_source, frames + 1)):
        exact, *exact_ms = timed(lambda d=kp_driving: generator.render(state, kp_source, d), device)
        draft, *draft_ms = timed(lambda d=kp_driving: generator.render_draft(state, kp_source, d), device)
        original, *original_ms = timed(lambda d=kp_driving: baseline_frame(generator.runtime, image,
                                                                          to_model(d, box)), device)
        if index > 0:
            results["exact"].append(exact_ms)
            results["draft"].append(draft_ms)
            results["original"].append(original_ms)
        if state.data["source"] is None and exact.shape == original.shape:
            results["diff"].append(int(np.abs(exact.astype(int) - original).max()))
        results["psnr"].append(psnr(draft, exact))
    return results


def profile(generator: FommGenerator, state: SourceState) -> None:
    """One JSON line per stage of our exact render and per op type, from torch.profiler over a few frames."""
    kp_source = generator.detect_keypoints(state)
    driving = poses(kp_source, 3)
    generator.render(state, kp_source, driving[0])
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for kp_driving in driving:
            generator.render(state, kp_source, kp_driving)
    events = prof.key_averages()
    stages = {e.key: e.cpu_time_total for e in events if e.key.startswith("fomm.")}
    ops = sorted((e for e in events if e.key.startswith("aten::")), key=lambda e: -e.self_cpu_time_total)
    total = sum(e.self_cpu_time_total for e in ops)
    for name, micros in stages.items():
        print(json.dumps({"case": "fomm_profile_stage", "stage": name, "ms_per_frame": round(micros / 3000, 1),
                          "share": round(micros / total, 3)}))
    for event in ops[:8]:
        print(json.dumps({"case": "fomm_profile_op", "op": event.key,
                          "ms_per_frame": round(event.self_cpu_time_total / 3000, 1),
                          "share": round(event.self_cpu_time_total / total, 3)}))


def summary(name: str, times: list[tuple[float, float]], common: dict) -> dict:
    """The JSON line of one case: median and best wall ms per frame, median process CPU ms."""
    walls, cpus = [t[0] for t in times], [t[1] for t in times]
    return {"case": name, **common, "ms_per_frame": round(statistics.median(walls), 1),
            "best_ms": round(min(walls), 1), "cpu_ms": round(statistics.median(cpus), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--profile", action="store_true", help="also print where the exact render's time goes")
    parser.add_argument("--config", help="a real model's .yaml (with --checkpoint) instead of random weights")
    parser.add_argument("--checkpoint", help="its .pth.tar")
    parser.add_argument("--source", help="a source image for the real model (default: a texture)")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(json.dumps({"case": "fomm_cuda", "skipped": "no CUDA device on this machine; run --device cuda "
                          "on a machine with an NVIDIA GPU and a CUDA build of torch"}))
        return
    torch.set_num_threads(args.threads)
    load_before = os.getloadavg()
    generator, image = load(args)
    state, prepare_ms, _ = timed(lambda: generator.prepare(image), generator.runtime.device)
    results = measure(generator, state, image, args.frames)
    common = {"config": "given" if args.config else "vox-256 random", "size": generator.runtime.frame_size[0],
              "device": args.device, "precision": str(generator.runtime.policy.compute).removeprefix("torch."),
              "threads": args.threads, "frames": args.frames, "native_transforms": winograd.native is not None,
              "gomp_spincount": os.environ.get("GOMP_SPINCOUNT")}
    print(json.dumps({"case": "fomm_prepare_once", **common, "ms": round(prepare_ms, 1)}))
    lines = [summary(f"fomm_{name}", results[name], common) for name in ("exact", "draft", "original")]
    for line in lines:
        print(json.dumps(line))
    exact, draft, original = lines
    print(json.dumps({"case": "fomm_summary", **common,
                      "exact_vs_original": round(original["ms_per_frame"] / exact["ms_per_frame"], 2),
                      "exact_vs_original_cpu": round(original["cpu_ms"] / exact["cpu_ms"], 2),
                      "draft_vs_exact": round(exact["ms_per_frame"] / draft["ms_per_frame"], 1),
                      "max_abs_diff_of_255": max(results["diff"], default=None),
                      "draft_psnr_db": statistics.median(results["psnr"]), "target_ms": TARGET_MS,
                      "loadavg_before": load_before[0], "loadavg_after": os.getloadavg()[0]}))
    if args.profile:
        profile(generator, state)


if __name__ == "__main__":
    main()
