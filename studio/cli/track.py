"""``python main.py track VIDEO --tracker face -o MOTION.json``: track a video into a motion file."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from studio.core.errors import UserError

TRACKERS_HELP = "face (478 landmarks + head roll), pose (33), hands (2 x 21), flow (your --points)"


def parse_points(text: str) -> list[tuple[float, float]]:
    """Points from "x,y;x,y" (pixels on the first frame); a malformed list is a UserError."""
    points = []
    for pair in filter(None, (part.strip() for part in text.split(";"))):
        values = pair.split(",")
        try:
            x, y = (float(v) for v in values)
        except ValueError:
            raise UserError(
                f"bad --points {text!r}: write x,y pairs separated by semicolons, e.g. \"120,80;200,95\""
            ) from None
        points.append((x, y))
    if not points:
        raise UserError("--points is empty: write x,y pairs separated by semicolons, e.g. \"120,80;200,95\"")
    return points


@contextlib.contextmanager
def _native_logs_silenced() -> Iterator[TextIO]:
    """Send file descriptor 2 to the null device while mediapipe's native code logs its start-up chatter;
    yields a stream on the real stderr for the progress bar."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    real_stderr = os.fdopen(os.dup(saved), "w")
    try:
        yield real_stderr
    finally:
        real_stderr.flush()
        real_stderr.close()
        os.dup2(saved, 2)
        os.close(saved)


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``track`` command's arguments."""
    parser = subparsers.add_parser(
        "track",
        help="track a face, body, hands or points in a video into a motion file (JSON)",
        description="Track a video file or a folder of frames and write the motion as JSON "
        "(format in docs/motion-format.md).",
    )
    parser.add_argument("video", help="video file or folder of image frames")
    parser.add_argument("--tracker", default="face", help=f"what to track: {TRACKERS_HELP} (default face)")
    parser.add_argument("--points", help='flow tracker points on the first frame, in pixels: "x,y;x,y"')
    parser.add_argument("-o", "--output", required=True, help="motion file to write (.json)")
    parser.add_argument(
        "--fill", default="interpolate", choices=("interpolate", "hold", "none"),
        help="how frames where a landmark was not seen are filled (default interpolate)",
    )
    parser.add_argument(
        "--smooth", type=float, default=0.0, metavar="STRENGTH",
        help="One Euro smoothing strength from 0 (raw, default) to 1 (heavy)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Track the video and write the motion file."""
    from studio.capture.motion import save_motion
    from studio.capture.track_job import track_video
    from studio.cli._progress import ProgressBar
    from studio.plugins.discovery import default_registry

    default_registry().get("tracker", args.tracker)
    output = Path(args.output)
    if not output.parent.is_dir():
        raise UserError(f"cannot write {output}: the folder {output.parent} does not exist")
    if not Path(args.video).exists():
        raise UserError(f"video not found: {args.video}; check the path")
    points = parse_points(args.points) if args.points is not None else None
    with _native_logs_silenced() as stderr:
        motion = track_video(
            args.video,
            args.tracker,
            points=points,
            fill=None if args.fill == "none" else args.fill,
            smoothing=args.smooth,
            progress=ProgressBar(f"tracking ({args.tracker})", stream=stderr).update,
        )
    save_motion(motion, output)
    seen = int(motion.visible.any(axis=1).sum())
    print(f"tracked {motion.frame_count} frames ({seen} with landmarks seen) -> {output}")
    return 0
