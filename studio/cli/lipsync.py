"""``python main.py lipsync AUDIO [--transcript TEXT] [--shapes ABCDEFGHX] -o CUES``: speech to mouth cues.

With ``--project shot.marionette -o talking.marionette`` the cues become keys on the project's mouth keypoints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import UserError

if TYPE_CHECKING:
    from studio.core.project import Project
    from studio.lipsync.cues import MouthCue


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """The ``lipsync`` command's arguments."""
    parser = subparsers.add_parser(
        "lipsync",
        help="turn speech into mouth-shape cues (Rhubarb Lip Sync's TSV, JSON or Moho .dat)",
        description="Recognise the speech in an audio or video file offline (pocketsphinx) and write mouth cues "
        "with shapes A-F plus G, H and X, in Rhubarb Lip Sync's formats. With --transcript the phones are aligned "
        "to the known words, which is more accurate. Details in docs/sound.md.",
    )
    parser.add_argument("audio", help="WAV, MP3, AAC/M4A, FLAC, OGG, or a video file with sound")
    parser.add_argument("--transcript", metavar="TEXT_FILE", help="a UTF-8 text file with the words spoken")
    parser.add_argument("--shapes", default="ABCDEFGHX",
                        help="mouth shapes to use: A-F always, plus any of G, H, X (default ABCDEFGHX)")
    parser.add_argument("--fps", type=float, default=24.0, help="frame rate of a Moho .dat output (default 24)")
    parser.add_argument("--project", metavar="PROJECT",
                        help="key the mouth keypoints of this .marionette project instead of writing cues")
    parser.add_argument("--amplitude", type=float, default=1.0,
                        help="with --project: how far the mouth moves, 1 = the built-in shapes (default 1)")
    parser.add_argument("--start-frame", type=int, metavar="FRAME",
                        help="with --project: the frame where the sound starts (default: the shot's first frame)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="cue file (.tsv, .json or .dat), or with --project the .marionette file to write")
    return parser


def _read_transcript(path: str | None) -> str | None:
    """The transcript text, or None without one; a UserError if the file cannot be read."""
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"transcript not found: {path}; check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot read the transcript ({error}); save it as UTF-8 text") from None


def _check(args: argparse.Namespace) -> str:
    """Validate the options before any heavy work; return the target shape set."""
    from studio.lipsync.cues import cue_format
    from studio.lipsync.shapes import parse_shapes

    if args.project is None:
        cue_format(args.output)
    elif Path(args.output).suffix.lower() != ".marionette":
        raise UserError(f"{args.output}: with --project the output is a project; end its name in .marionette")
    elif not 0.0 < args.amplitude <= 3.0:
        raise UserError(f"--amplitude {args.amplitude:g}: use a value above 0 and at most 3")
    if not 10.0 <= args.fps <= 100.0:
        raise UserError(f"--fps {args.fps:g}: use a frame rate between 10 and 100")
    return parse_shapes(args.shapes)


def run(args: argparse.Namespace) -> int:
    """Decode the sound, recognise it on two worker processes and write the cues (or key the project)."""
    shapes = _check(args)
    transcript = _read_transcript(args.transcript)
    project = None
    if args.project is not None:
        from studio.core.project_file import load_project

        project = load_project(args.project)

    from studio.cli._progress import ProgressBar
    from studio.lipsync.pipeline import Recognizer, lip_sync
    from studio.media.audio_decode import decode_audio

    samples = decode_audio(args.audio)
    bar = ProgressBar("lip sync")
    with Recognizer() as recognizer:
        result = lip_sync(samples, recognizer, transcript, shapes, progress=bar.update)
    if result.unknown_words:
        print(f"note: skipped {len(result.unknown_words)} transcript word(s) not in the dictionary: "
              f"{' '.join(result.unknown_words[:10])}", file=sys.stderr)
    if transcript is not None and "phones-fallback" in result.methods:
        print("note: the transcript could not be aligned to the sound (or misses most of what is said); "
              "used phone recognition there", file=sys.stderr)
    methods = ", ".join(sorted(set(result.methods)))
    if project is not None:
        first, last = _key_project(project, result.cues, args)
        print(f"keyed the mouth over frames {first}-{last} for {result.duration:.2f} s of sound ({methods}) "
              f"into {args.output}")
        return 0
    from studio.lipsync.cues import write_cues

    rest = "X" if "X" in shapes else "A"
    write_cues(args.output, result.cues, str(Path(args.audio).resolve()), rest, args.fps)
    print(f"wrote {len(result.cues)} mouth cues for {result.duration:.2f} s of sound ({methods}) to {args.output}")
    return 0


def _key_project(project: Project, cues: list[MouthCue], args: argparse.Namespace) -> tuple[int, int]:
    """Apply the lip-sync edit to ``project``, save it to the output and return the keyed frame range."""
    from studio.core.project_file import save_project
    from studio.lipsync.mouth_keys import lip_sync_edit, sound_frames

    lip_sync_edit(project, cues, args.start_frame, args.amplitude).apply(project)
    try:
        save_project(project, args.output)
    except OSError as error:
        raise UserError(f"{args.output}: cannot save the project ({error.strerror}); choose another path") from None
    return sound_frames(project, cues, args.start_frame)
