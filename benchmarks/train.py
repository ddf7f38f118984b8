"""Training speed and memory at 64x64, batch 8, on 2 CPU threads; one JSON line per case.

Cases (each in its own process, so peak memory is its own):
- default: the default --size 64 config (L1 pyramid + equivariance losses).
- adversarial: plus the multi-scale patch discriminator (generator GAN + feature matching).
- motion: plus the optical-flow motion loss (2 driving frames per sample, Farneback in the loader).
Steps per second (median and best single step, after a warm-up) are measured with the data loader in the
main process (num_workers 0) so the figure is the model's; peak memory is ru_maxrss of the process. The
machine's load average is printed too: on a shared machine the median suffers first.

Run: .venv/bin/python benchmarks/train.py [--steps 12] [--case default]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "default": {},
    "adversarial": {"generator_gan": 1.0, "feature_matching": [10.0, 10.0, 10.0, 10.0]},
    "motion": {"motion": 10.0},
}


def run_case(name: str, steps: int, warmup: int = 2) -> dict:
    """Train ``steps`` steps of case ``name`` in this process and measure it."""
    sys.path.insert(0, str(ROOT))
    import torch
    from torch.utils.data import DataLoader

    from studio.training.data import Clip
    from studio.training.pairs import PairDataset
    from studio.training.settings import default_document, parse_training_config
    from studio.training.trainer import Trainer
    from tests.training.synthetic_clips import make_clip

    torch.set_num_threads(2)
    document = default_document(64)
    document["train_params"].update(batch_size=8, num_workers=0)
    document["train_params"]["loss_weights"].update(CASES[name])
    config = parse_training_config(document)
    clips = [Clip(f"c{i}", make_clip(i, frames=30, size=64)) for i in range(4)]
    data = PairDataset(clips, (steps + warmup) * 8, 0, config.clip_length(), config.dataset.augmentation,
                       with_flow=config.train.loss_weights.motion > 0)
    trainer = Trainer(config, torch.device("cpu"))
    batches = iter(DataLoader(data, batch_size=8, num_workers=0))
    for _ in range(warmup):
        trainer.step_once(next(batches))
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        trainer.step_once(next(batches))
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median, best = statistics.median(times), min(times)
    return {"case": name, "size": 64, "batch": 8, "threads": torch.get_num_threads(), "steps": steps,
            "steps_per_second_median": round(1 / median, 3), "steps_per_second_best": round(1 / best, 3),
            "samples_per_second_median": round(8 / median, 2), "peak_rss_mb": round(peak_mb, 1),
            "load_average": round(os.getloadavg()[0], 2)}


def main() -> None:
    """Run every case (or one) in a fresh process and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--inline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inline:
        print(json.dumps(run_case(args.case, args.steps)))
        return
    with tempfile.TemporaryDirectory():
        for name in [args.case] if args.case else list(CASES):
            out = subprocess.run([sys.executable, __file__, "--inline", "--case", name, "--steps", str(args.steps)],
                                 check=True, capture_output=True, text=True)
            print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
