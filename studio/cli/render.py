"""`render PROJECT -o OUT [options]`: render a project to a clip, an image sequence or a sprite sheet.

The output's extension picks the format (see studio.media.output_spec). With ``--source`` the same
motion is rendered onto another image; several projects or a glob of images make a batch (studio.cli._batch:
one output per (project, image) pair, ``{project}`` and ``{name}`` in OUT, locally or with ``--ray`` on Ray).
"""

from __future__ import annotations

import argparse
import glob
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from studio.cli._batch import add_batch_arguments, is_batch
from studio.core.errors import UserError

if TYPE_CHECKING:
    from studio.capture.head_turn import HeadLimits
    from studio.core.pose_table import PoseTable
    from studio.core.project import Project
    from studio.jobs.render_plan import RenderOptions
    from studio.plugins.api import Registry

_COLOUR = re.compile(r"^#([0-9a-fA-F]{6})$")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the command."""
    parser = subparsers.add_parser("render", help="render a project to video, PNG frames or a sprite sheet")
    parser.add_argument("project", nargs="*", help="a .marionette file (several: a batch, one per motion)")
    parser.add_argument("-o", "--output", required=True,
                        help="out.mp4 | out.webm | out.gif | out.mov (ProRes 4444) | frames/%%04d.png | "
                             "sheet.png with --sprite-sheet; in a batch, {project} and {name} are the project's "
                             "and the image's names")
    parser.add_argument("--frames", metavar="A:B", help="inclusive frame range (default: the project's)")
    parser.add_argument("--size", metavar="WxH", help="output size, aspect kept: 512x512, 512x or x512")
    parser.add_argument("--fps", type=float, help="output frame rate (default: the project's)")
    parser.add_argument("--device", default=None, help="auto | cpu | cuda | mps (default: the project's)")
    parser.add_argument("--model", default=None, help="generator name (default: the project's, e.g. warp)")
    parser.add_argument("--background", default="transparent", help="transparent | #RRGGBB")
    parser.add_argument("--motion-blur", type=int, default=1, metavar="SUBFRAMES",
                        help="render this many sub-frames per frame and average them")
    parser.add_argument("--shutter", type=float, default=180.0, metavar="DEGREES", help="shutter angle (0-360)")
    sound = parser.add_mutually_exclusive_group()
    sound.add_argument("--audio", help="a video or audio file whose audio is muxed in, aligned to the first frame "
                       "(default: the project's sound, at its offset and volume, unless muted)")
    sound.add_argument("--no-audio", action="store_true", help="export without sound")
    parser.add_argument("--crf", type=int, default=18, help="quality for MP4/WebM (lower is better, default 18)")
    parser.add_argument("--sprite-sheet", action="store_true", help="write a PNG atlas plus a JSON frame map")
    parser.add_argument("--source", help="render the motion onto another image, or a glob of images (batch)")
    parser.add_argument("--overwrite", action="store_true", help="replace existing output files")
    driving = parser.add_argument_group("driving video", "drive the keypoints from a performance instead of keys")
    driving.add_argument("--driving", metavar="VIDEO", help="a video file or a folder of frames")
    driving.add_argument("--tracker", default="face",
                         help="face, pose or hands (keypoints named after the face, body or hands preset) or flow")
    mode = driving.add_mutually_exclusive_group()
    mode.add_argument("--relative", dest="absolute", action="store_false", help="move by the performer's "
                      "displacement from the first frame, scaled to the image (default)")
    mode.add_argument("--absolute", dest="absolute", action="store_true", help="copy the performer's positions")
    driving.add_argument("--smooth", type=float, default=0.3, help="jitter smoothing 0 (raw) .. 1 (heavy)")
    driving.add_argument("--head-gain", type=float, default=1.0,
                         help="face: scale the performer's head rotation (0 = keep the head still, default 1)")
    driving.add_argument("--max-yaw", type=float, default=30.0, metavar="DEGREES",
                         help="face: turn the head left/right by at most this much (default 30)")
    driving.add_argument("--max-pitch", type=float, default=20.0, metavar="DEGREES",
                         help="face: nod the head up/down by at most this much (default 20)")
    fomm = parser.add_argument_group("first-order motion model", "--model fomm: run a released FOMM checkpoint")
    fomm.add_argument("--config", help="the model's YAML config (e.g. vox-256.yaml)")
    fomm.add_argument("--checkpoint", help="the model's checkpoint (e.g. vox-cpk.pth.tar)")
    fomm.add_argument("--no-adapt-scale", action="store_true",
                      help="relative mode: do not scale the movement by the ratio of the keypoints' hull areas")
    fomm.add_argument("--find-best-frame", action="store_true",
                      help="start from the driving frame whose face is closest to the source's")
    add_batch_arguments(parser)
    return parser


def _run_fomm_demo(args: argparse.Namespace) -> int:
    """The classic demo: --source IMAGE --driving VIDEO with --config and --checkpoint, no project."""
    from studio.cli._progress import ProgressBar
    from studio.jobs.fomm_demo import animate_to_file
    from studio.media.output_spec import OutputSpec
    from studio.media.writers import check_not_existing

    missing = [flag for flag, value in (("--config", args.config), ("--checkpoint", args.checkpoint),
                                        ("--source", args.source), ("--driving", args.driving)) if not value]
    if missing:
        raise UserError(f"--model fomm without a project needs {', '.join(missing)}: "
                        "render --model fomm --config C --checkpoint K --source IMAGE --driving VIDEO -o OUT")
    for flag, value in (("--config", args.config), ("--checkpoint", args.checkpoint), ("--source", args.source),
                        ("--driving", args.driving)):
        if not Path(value).exists():
            raise UserError(f"{flag} {value} does not exist")
    spec = OutputSpec(args.output, args.fps or 0.0, 1, 1, crf=args.crf, background=parse_background(args.background),
                      sprite_sheet=args.sprite_sheet, overwrite=args.overwrite,
                      audio=None if args.no_audio else args.audio or _audio_of(args.driving))
    check_not_existing(spec)
    written = animate_to_file(args.config, args.checkpoint, args.source, args.driving, spec,
                              relative=not args.absolute, adapt_scale=not args.no_adapt_scale,
                              find_best=args.find_best_frame, device=args.device or "auto",
                              progress=ProgressBar(f"render {Path(args.output).name}").update)
    print(f"wrote {', '.join(str(p) for p in written[:3])}{' ...' if len(written) > 3 else ''}")
    return 0


def _audio_of(video: str) -> str | None:
    """The driving video itself when it is a file with sound (its audio is kept), else None."""
    from studio.media.video_reader import audio_stream_info

    return video if Path(video).is_file() and audio_stream_info(video) else None


def parse_background(text: str) -> tuple[int, int, int] | None:
    """'transparent' -> None; '#RRGGBB' -> (r, g, b)."""
    if text.lower() == "transparent":
        return None
    match = _COLOUR.match(text)
    if not match:
        raise UserError(f"--background {text!r} must be 'transparent' or a colour like #20242a")
    value = int(match.group(1), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def batch_targets(source: str, output: str) -> list[tuple[Path, str]]:
    """(image, output path) pairs for --source: a file or a glob; several images need {name} in OUT."""
    paths = sorted(Path(p) for p in glob.glob(source)) if glob.has_magic(source) else [Path(source)]
    if not paths:
        raise UserError(f"--source {source!r} matches no files")
    if len(paths) > 1 and "{name}" not in output:
        raise UserError(f"--source matches {len(paths)} images: put {{name}} in the output, e.g. out/{{name}}.mp4")
    return [(p, output.replace("{name}", p.stem)) for p in paths]


@dataclass(frozen=True)
class _Settings:
    """The render command's choices, read once from the arguments (and the driving video, when there is one)."""

    options: RenderOptions
    background: tuple[int, int, int] | None
    audio: str | None
    audio_start: float
    project_sound: bool
    crf: int
    sprite_sheet: bool
    overwrite: bool


def run(args: argparse.Namespace) -> int:
    """Render the project (or a batch of sources) with a progress bar."""
    from studio.media.output_spec import OutputSpec
    from studio.media.writers import check_not_existing
    from studio.plugins.discovery import default_registry

    if not args.project and args.model == "fomm":
        return _run_fomm_demo(args)
    if not args.project:
        raise UserError("give a project file to render, e.g. python main.py render shot.marionette -o shot.mp4")
    if is_batch(args):
        return _run_batch(args)
    project = _load_project(args.project[0], args)
    jobs = batch_targets(args.source, args.output) if args.source else [(None, args.output)]
    for _, output in jobs:
        check_not_existing(OutputSpec(output, 1, 1, 1, sprite_sheet=args.sprite_sheet, overwrite=args.overwrite))
    registry = default_registry()
    motion = _driving_motion(project, args, registry) if args.driving else None
    settings = _settings(args, project, motion)
    for image_path, output in jobs:
        _render_one(project, settings, image_path, output, registry, motion)
    return 0


def _load_project(path: str, args: argparse.Namespace) -> Project:
    """The project, with --config and --checkpoint (made absolute) replacing its generator's files."""
    from studio.core.project_file import load_project

    project = load_project(path)
    overrides = {k: str(Path(v).resolve()) for k, v in (("config", args.config), ("checkpoint", args.checkpoint)) if v}
    if overrides:
        project.render = project.render.with_changes(options={**project.render.options, **overrides})
    return project


def _run_batch(args: argparse.Namespace) -> int:
    """Every (project, image) pair: the projects and their driving motions load once, here, then the batch runs."""
    from studio.cli._batch import batch_pairs, pair_settings, run_batch
    from studio.jobs.batch import BatchJob
    from studio.plugins.discovery import default_registry

    named, pairs = batch_pairs(args)
    projects = {name: _load_project(str(path), args) for name, path in named}
    registry = default_registry() if args.driving else None
    motions = {name: _driving_motion(project, args, registry) if registry else None
               for name, project in projects.items()}
    settings = {name: _settings(args, project, motions[name]) for name, project in projects.items()}
    first = settings[named[0][0]]
    job = BatchJob(projects, motions, pair_settings(args, first.options, first.background, first.audio),
                   {name: s.audio_start for name, s in settings.items()})
    return run_batch(args, job, pairs)


def _driving_motion(project: Project, args: argparse.Namespace, registry: Registry) -> PoseTable:
    """The poses of the performer in --driving, retargeted onto the project's keypoints."""
    from studio.cli._progress import ProgressBar
    from studio.jobs.drive import driven_pose_table

    if not Path(args.driving).exists():
        raise UserError(f"driving video {args.driving} does not exist")
    return driven_pose_table(project, args.driving, args.tracker, "absolute" if args.absolute else "relative",
                             args.smooth, registry, ProgressBar(f"tracking ({args.tracker})").update,
                             head=_head_limits(args))


def _head_limits(args: argparse.Namespace) -> HeadLimits:
    """--head-gain, --max-yaw and --max-pitch (degrees) as head limits; a bad value is a one-line error."""
    import math

    from studio.capture.head_turn import HeadLimits

    try:
        return HeadLimits(args.head_gain, math.radians(args.max_yaw), math.radians(args.max_pitch))
    except ValueError:
        raise UserError(f"--head-gain {args.head_gain:g} must be 0 or more and --max-yaw {args.max_yaw:g}, "
                        f"--max-pitch {args.max_pitch:g} between 0 and 90 degrees") from None


def _settings(args: argparse.Namespace, project: Project, motion: PoseTable | None) -> _Settings:
    """The arguments as settings; a driving video sets the default frame range and audio."""
    from studio.jobs.render_plan import RenderOptions, parse_frames, parse_size

    frames = args.frames
    audio = args.audio
    if motion is not None and not args.no_audio:
        audio = audio if audio is not None else _audio_of(args.driving)
    if motion is not None:
        frames = frames or f"0:{motion.frame_count - 1}"
    options = RenderOptions(
        frames=parse_frames(frames) if frames else None,
        size=parse_size(args.size) if args.size else None,
        fps=args.fps, device=args.device, generator=args.model,
        motion_blur=args.motion_blur, shutter=args.shutter)
    background = parse_background(args.background)
    start = options.frames[0] if options.frames else project.timing.start
    audio_origin = 0 if motion is not None else project.timing.start
    if audio and not Path(audio).is_file():
        raise UserError(f"audio file {audio} does not exist")
    return _Settings(options, background, audio, max(0.0, (start - audio_origin) / project.timing.fps),
                     audio is None and not args.no_audio, args.crf, args.sprite_sheet, args.overwrite)


def _render_one(project: Project, settings: _Settings, image_path: Path | None, output: str, registry: Registry,
                motion: PoseTable | None) -> None:
    """Render to ``output`` (onto ``image_path`` when given) and print what was written."""
    from studio.cli._progress import ProgressBar
    from studio.jobs.render_job import render_project
    from studio.jobs.render_plan import plan_render
    from studio.media.image_io import load_image
    from studio.media.output_spec import OutputSpec

    options = settings.options
    source = load_image(image_path) if image_path is not None else None
    size = None if source is None else (source.shape[1], source.shape[0])
    plan = plan_render(project, options, size)
    spec = OutputSpec(output, plan.fps, plan.width, plan.height, crf=settings.crf, background=settings.background,
                      sprite_sheet=settings.sprite_sheet, audio=settings.audio, audio_start=settings.audio_start,
                      overwrite=settings.overwrite)
    bar = ProgressBar(f"render {Path(output).name}")
    written = render_project(project, plan, spec, registry, source=source, device=options.device,
                             generator=options.generator, progress=bar.update, motion=motion,
                             project_sound=settings.project_sound)
    print(f"wrote {', '.join(str(p) for p in written[:3])}{' ...' if len(written) > 3 else ''} "
          f"({plan.frame_count} frames, {plan.width}x{plan.height}, {plan.fps:g} fps)")
