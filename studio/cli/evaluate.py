"""`evaluate --model NAME [--config C --checkpoint K] DATA_DIR -o REPORT_DIR`: measure a generator on your videos.

Each held-out video (the same split as ``train``) is reconstructed from its first frame; L1, PSNR, SSIM,
AKD (faces only) and temporal consistency go to REPORT_DIR/report.json with PNG plots.
"""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("evaluate", help="measure a generator by reconstructing your held-out videos")
    parser.add_argument("data", metavar="DATA_DIR", help="a folder of videos and/or folders of frames")
    parser.add_argument("-o", "--output", required=True, metavar="REPORT_DIR", help="folder for report.json and plots")
    parser.add_argument("--model", required=True, help="generator name: warp, tps, fomm or a plugin's")
    parser.add_argument("--config", help="model config (.yaml); for a trained run, its config.yaml")
    parser.add_argument("--checkpoint", help="model weights (.pth.tar)")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | mps")
    parser.add_argument("--size", type=int, help="square frame side to evaluate at (default: the model's)")
    parser.add_argument("--max-frames", type=int, default=100, help="frames per video, spread evenly (default 100)")
    parser.add_argument("--all", action="store_true", help="evaluate every video, not only the held-out ones")
    parser.add_argument("--no-akd", action="store_true", help="skip the face-landmark distance (faster)")
    return parser


def _number(value: float | str | None, digits: int = 4) -> str:
    """A metric for the summary line."""
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value:.{digits}f}"


def run(args: argparse.Namespace) -> int:
    """Evaluate with a progress bar and print the overall figures."""
    from studio.cli._progress import ProgressBar
    from studio.evaluation.evaluate import REPORT_NAME, evaluate

    report = evaluate(args.model, args.data, args.output, config=args.config, checkpoint=args.checkpoint,
                      device=args.device, size=args.size, max_frames=args.max_frames, all_clips=args.all,
                      akd=not args.no_akd, progress=ProgressBar("evaluating").update)
    overall = report["overall"]
    print(f"{args.model} on {overall['videos']} video(s) ({report['split']}), {overall['frames']} frames at "
          f"{report['size']} px: L1 {_number(overall['l1'])}  PSNR {_number(overall['psnr'], 2)} dB  "
          f"SSIM {_number(overall['ssim'])}  AKD {_number(overall['akd'], 2)} px  "
          f"temporal {_number(overall['temporal'])} (ground truth {_number(overall['temporal_reference'])})")
    print(f"report: {args.output}/{REPORT_NAME}")
    return 0
