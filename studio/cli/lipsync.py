"""``python main.py lipsync AUDIO [--transcript TEXT] [--shapes ABCDEFGHX] -o CUES``: speech to mouth cues."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.core.errors import UserError


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
    parser.add_argument("-o", "--output", required=True, metavar="CUES", help="output file: .tsv, .json or .dat")
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


def run(args: argparse.Namespace) -> int:
    """Decode the sound, recognise it on two worker processes and write the cues."""
    from studio.lipsync.cues import cue_format, write_cues
    from studio.lipsync.shapes import parse_shapes

    cue_format(args.output)
    shapes = parse_shapes(args.shapes)
    if not 10.0 <= args.fps <= 100.0:
        raise UserError(f"--fps {args.fps:g}: use a frame rate between 10 and 100")
    transcript = _read_transcript(args.transcript)

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
    rest = "X" if "X" in shapes else "A"
    write_cues(args.output, result.cues, Path(args.audio).name, rest, args.fps)
    methods = ", ".join(sorted(set(result.methods)))
    print(f"wrote {len(result.cues)} mouth cues for {result.duration:.2f} s of sound ({methods}) to {args.output}")
    return 0
