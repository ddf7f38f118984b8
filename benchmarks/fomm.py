"""FOMM generator speed: our cached render against the straightforward per-frame evaluation.

vox-256 configuration, random weights (batch norms calibrated on noise so activations are realistic),
256x256, 2 CPU threads. Frames of the two paths alternate, so a busy machine slows both alike; "best_ms" is
the fastest frame of each. Prints one JSON line per case. Run: .venv/bin/python benchmarks/fomm.py [--frames N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio.engine.contract import Motion
from studio.engine.fomm.checkpoint import build_models
from studio.engine.fomm.config import parse_config
from studio.engine.fomm.generator import FommGenerator, to_model
from studio.engine.fomm.runtime import FommRuntime
from tests.engine.fomm.conftest import VOX256


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
    with torch.inference_mode():
        source = runtime.to_tensor(image)
        kp_source = runtime.kp_detector(source)
        kp = {"value": torch.from_numpy(kp_driving.positions)[None],
              "jacobian": torch.from_numpy(kp_driving.jacobians)[None]}
        out = runtime.generator(source, kp_driving=kp, kp_source=kp_source)["prediction"]
        return out[0].permute(1, 2, 0).mul(255).round_().clamp_(0, 255).to(torch.uint8).numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as folder:
        config, checkpoint = random_checkpoint(Path(folder))
        generator = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint))
    runtime = generator.runtime
    image = source_image()
    started = time.perf_counter()
    state = generator.prepare(image)
    prepare_ms = (time.perf_counter() - started) * 1000
    kp_source = generator.detect_keypoints(state)
    box = state.data["box"]
    rng = np.random.default_rng(0)
    ours, theirs, diffs = [], [], []
    for index in range(args.frames + 1):
        shift = rng.normal(0, 6, kp_source.positions.shape).astype(np.float32)
        kp_driving = Motion(positions=kp_source.positions + shift, jacobians=kp_source.jacobians)
        started = time.perf_counter()
        fast = generator.render(state, kp_source, kp_driving)
        middle = time.perf_counter()
        full = baseline_frame(runtime, image, to_model(kp_driving, box))
        ended = time.perf_counter()
        if index > 0:  # the first frame warms up both paths
            ours.append((middle - started) * 1000)
            theirs.append((ended - middle) * 1000)
        diffs.append(int(np.abs(fast.astype(int) - full).max()))
    common = {"config": "vox-256", "size": 256, "threads": args.threads, "frames": args.frames}
    print(json.dumps({"case": "fomm_prepare_once", **common, "ms": round(prepare_ms, 1)}))
    for case, times in (("fomm_cached_render", ours), ("fomm_per_frame_full_forward", theirs)):
        print(json.dumps({"case": case, **common, "ms_per_frame": round(statistics.median(times), 1),
                          "best_ms": round(min(times), 1)}))
    print(json.dumps({"case": "fomm_speedup", **common,
                      "speedup_median": round(statistics.median(theirs) / statistics.median(ours), 2),
                      "speedup_best": round(min(theirs) / min(ours), 2),
                      "max_abs_diff_of_255": max(diffs), "target": 1.5}))

if __name__ == "__main__":
    main()
