"""`train DATA_DIR -o RUN_DIR [--config FILE] [--size PX] [--steps N] [--resume]`: train a motion model.

RUN_DIR receives config.yaml, checkpoint.pth.tar, samples/, loss.png and train.log; the result renders
with ``render --model fomm --config RUN_DIR/config.yaml --checkpoint RUN_DIR/checkpoint.pth.tar``.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from typing import TextIO


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("train", help="train a first-order motion model on your own videos")
    parser.add_argument("data", metavar="DATA_DIR", help="a folder of videos and/or folders of frames")
    parser.add_argument("-o", "--output", required=True, metavar="RUN_DIR", help="folder for the run's files")
    parser.add_argument("--config", help="a first-order-model YAML config (default: a small one for --size)")
    parser.add_argument("--size", type=int, help="frame side in pixels, a multiple of 16 (default 64)")
    parser.add_argument("--steps", type=int, help="train until this many optimiser steps (default: the config's)")
    parser.add_argument("--resume", action="store_true", help="continue the run in RUN_DIR from its checkpoint")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | mps")
    parser.add_argument("--workers", type=int, help="data loader worker processes (default: the config's)")
    parser.add_argument("--threads", type=int, help="CPU threads for torch (default: physical cores)")
    return parser


class LossBar:
    """The progress bar with the latest losses on a terminal; a line per loss report otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        from studio.cli._progress import ProgressBar

        self.stream = stream or sys.stderr
        self.bar = ProgressBar("train", self.stream)

    def update(self, done: int, total: int) -> None:
        """Move the bar (terminal only)."""
        self.bar.update(done, total)

    def report(self, step: int, total: int, losses: dict[str, float]) -> None:
        """Show the latest mean losses (printed as a line when not on a terminal)."""
        text = " ".join(f"{name} {value:.4f}" for name, value in losses.items())
        if self.bar.enabled:
            self.bar.describe(text)
        else:
            self.stream.write(f"step {step}/{total} {text}\n")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """Train with a progress bar; warnings about skipped files go to stderr and train.log."""
    from studio.core.errors import UserError
    from studio.engine.device import configure_cpu_threads, resolve_device
    from studio.training.trainer import train

    if args.workers is not None and args.workers < 0:
        raise UserError(f"--workers {args.workers}: give 0 or more worker processes")
    if resolve_device(args.device).type == "cpu":
        configure_cpu_threads(args.threads)
    warnings = logging.StreamHandler(sys.stderr)
    warnings.setLevel(logging.WARNING)
    warnings.setFormatter(logging.Formatter("warning: %(message)s"))
    logger = logging.getLogger("studio.training")
    logger.addHandler(warnings)
    bar = LossBar()
    cancel = threading.Event()
    owner = os.getpid()

    def interrupt(signum: int, frame: object) -> None:
        """First Ctrl-C: finish the step, save the checkpoint, stop. Second: abort at once.
        Data loader workers (forked with this handler) ignore it; the loader shuts them down."""
        if os.getpid() != owner:
            return
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("\nstopping after this step; the checkpoint will be saved (Ctrl-C again to abort)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        result = train(args.data, args.output, config=args.config, size=args.size, steps=args.steps,
                       resume=args.resume, device=args.device, num_workers=args.workers,
                       progress=bar.update, report=bar.report, cancel=cancel)
    finally:
        signal.signal(signal.SIGINT, previous)
        logger.removeHandler(warnings)
    print(f"trained to step {result.step}: {result.checkpoint}")
    if result.held_out:
        print(f"held out for evaluation: {', '.join(result.held_out)}")
    print(f"render with: python main.py render --model fomm --config {result.run_dir / 'config.yaml'} "
          f"--checkpoint {result.checkpoint} ...")
    return 0
