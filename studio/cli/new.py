"""`new IMAGE -o PROJECT.marionette [--keypoints none|grid|face|body|hands|model]`: start a project from an image."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import UserError

if TYPE_CHECKING:
    from studio.core.audio import Sound


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("new", help="create a project from an image")
    parser.add_argument("image", help="source image (PNG, JPEG, ...)")
    parser.add_argument("-o", "--output", required=True, help="project file to write (.marionette)")
    parser.add_argument("--keypoints", choices=("none", "grid", "face", "body", "hands", "model"), default="grid",
                        help="initial keypoints: none, an even 3x3 grid, placed on a detected face (with depth for "
                             "3D head turns), body (pose landmarks) or hands, or detected by the model "
                             "(--model fomm --config C --checkpoint K)")
    parser.add_argument("--model", default="warp", help="the project's generator (default warp; fomm, tps, ...)")
    parser.add_argument("--config", help="--model fomm: the model's YAML config")
    parser.add_argument("--checkpoint", help="--model fomm: the model's checkpoint")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | mps, for --keypoints model")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    parser.add_argument("--frames", type=int, default=120, help="number of frames (default 120)")
    parser.add_argument("--max-pixels", type=int, default=None,
                        help="refuse images with more pixels than this (default 50 million)")
    parser.add_argument("--audio", metavar="FILE",
                        help="store this sound in the project (WAV, MP3, AAC/M4A, FLAC, OGG, or a video's sound)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing project file")
    return parser


def run(args: argparse.Namespace) -> int:
    """Create and save the project."""
    from studio.core.presets import grid_keypoints
    from studio.core.project import Project, Timing
    from studio.core.project_file import save_project
    from studio.media.image_io import DEFAULT_MAX_PIXELS, encode_png, load_image

    output = Path(args.output)
    if output.suffix != ".marionette":
        raise UserError(f"project file {output.name} must end in .marionette")
    if output.exists() and not args.overwrite:
        raise UserError(f"{output} exists: pass --overwrite or choose another name")
    if not output.parent.is_dir():
        raise UserError(f"folder {output.parent} does not exist")
    if args.frames < 1:
        raise UserError("--frames must be at least 1")
    sound = _read_sound(args.audio) if args.audio else None
    image = load_image(args.image, max_pixels=args.max_pixels or DEFAULT_MAX_PIXELS)
    height, width = image.shape[:2]
    project = Project(encode_png(image), width, height)
    try:
        project.timing = Timing(args.fps, 0, args.frames - 1)
    except ValueError as error:
        raise UserError(str(error)) from None
    options = {k: str(Path(v).resolve()) for k, v in (("config", args.config), ("checkpoint", args.checkpoint)) if v}
    project.render = project.render.with_changes(generator=args.model, options=options)
    project.sound = sound
    if args.keypoints == "grid":
        project.keypoints = grid_keypoints(width, height)
    elif args.keypoints in ("face", "body", "hands"):
        from studio.capture.keypoint_presets import preset_keypoints

        project.keypoints = preset_keypoints(args.keypoints, image)
        if args.keypoints == "face":
            from studio.capture.face_preset import with_head_parent

            project.keypoints = with_head_parent(project.keypoints)
    elif args.keypoints == "model":
        from studio.jobs.model_keypoints import model_keypoints
        from studio.plugins.discovery import default_registry

        project.keypoints = model_keypoints(default_registry(), args.model, image, args.device, options)
    save_project(project, output)
    print(f"wrote {output}: {width}x{height}, {len(project.keypoints)} keypoints, "
          f"{project.timing.frame_count} frames at {project.timing.fps:g} fps"
          + (f", sound {sound.name} ({sound.suffix[1:].upper()})" if sound else ""))
    return 0


def _read_sound(path: str) -> Sound:
    """The sound to store, read before the image so a bad file fails fast; says when a video's sound was
    re-encoded."""
    from studio.core.audio import Sound
    from studio.media.sound_file import read_sound_file

    read = read_sound_file(path)
    if read.reencoded:
        print(f"note: stored the sound of {read.name} re-encoded as FLAC (lossless)", file=sys.stderr)
    return Sound(read.data, read.name, read.suffix)
