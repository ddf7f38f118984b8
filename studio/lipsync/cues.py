"""Mouth cues in Rhubarb Lip Sync's output formats: TSV, JSON and Moho switch (.dat), written and parsed back.

TSV: one ``seconds<TAB>shape`` line per cue start, then a last line with the end time and the rest shape.
JSON: ``{"metadata": {"soundFile", "duration"}, "mouthCues": [{"start", "end", "value"}]}``.
DAT: ``MohoSwitch1``, then ``frame shape`` lines (frame = 1 + floor(seconds x fps), 24 fps by default),
the last one the end frame with the rest shape.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

from studio.core.audio import MouthCue
from studio.core.errors import UserError
from studio.lipsync.shapes import ALL_SHAPES

CUE_SUFFIXES = (".tsv", ".json", ".dat")
DAT_HEADER = "MohoSwitch1"
DAT_FPS = 24.0
# Moho switch layers may use Preston Blair's names instead of letters; parsing accepts both.
_PRESTON_BLAIR = {"MBP": "A", "etc": "B", "E": "C", "AI": "D", "O": "E", "U": "F", "FV": "G", "L": "H", "rest": "X"}


def cue_format(path: Path | str) -> str:
    """The cue format named by ``path``'s extension ('tsv', 'json' or 'dat'); a UserError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in CUE_SUFFIXES:
        raise UserError(f"{path}: unknown cue format {suffix or '(no extension)'}; end the file name in .tsv, "
                        ".json or .dat")
    return suffix[1:]


def format_cues(cues: Sequence[MouthCue], kind: str, sound_file: str = "", rest: str = "X",
                fps: float = DAT_FPS) -> str:
    """The text of ``cues`` in format ``kind``; ``rest`` is the shape written for the end of the sound."""
    if kind == "tsv":
        return _tsv(cues, rest)
    if kind == "json":
        return _json(cues, sound_file)
    return _dat(cues, rest, fps)


def write_cues(path: Path | str, cues: Sequence[MouthCue], sound_file: str = "", rest: str = "X",
               fps: float = DAT_FPS) -> None:
    """Write ``cues`` to ``path`` in the format its extension names."""
    text = format_cues(cues, cue_format(path), sound_file, rest, fps)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: cannot write the cues ({error.strerror}); choose another output path") from None


def read_cues(path: Path | str, fps: float = DAT_FPS) -> list[MouthCue]:
    """Parse a TSV, JSON or Moho .dat cue file (as Rhubarb or ``write_cues`` writes them)."""
    kind = cue_format(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: cannot read the cues ({error.strerror})") from None
    try:
        return parse_cues(text, kind, fps)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise UserError(f"{path}: not a valid {kind} cue file ({error})") from None


def parse_cues(text: str, kind: str, fps: float = DAT_FPS) -> list[MouthCue]:
    """Cues from the text of a cue file of format ``kind``; raises ValueError on malformed text."""
    if kind == "json":
        return [MouthCue(float(c["start"]), float(c["end"]), _shape(c["value"])) for c in json.loads(text)["mouthCues"]]
    lines = [line.split() for line in text.splitlines() if line.strip()]
    if kind == "dat":
        if not lines or lines[0] != [DAT_HEADER]:
            raise ValueError(f"first line must be {DAT_HEADER}")
        marks = [((int(frame) - 1) / fps, _shape(name)) for frame, name in lines[1:]]
    else:
        marks = [(float(seconds), _shape(name)) for seconds, name in lines]
    return [MouthCue(start, end, shape) for (start, shape), (end, _) in itertools.pairwise(marks)]


def _shape(name: str) -> str:
    """A shape letter from a letter or a Preston Blair name."""
    shape = _PRESTON_BLAIR.get(name, name)
    if shape not in ALL_SHAPES or len(shape) != 1:
        raise ValueError(f"unknown mouth shape {name!r}")
    return shape


def _tsv(cues: Sequence[MouthCue], rest: str) -> str:
    """Rhubarb's TSV: start and shape per cue, then the end with the rest shape."""
    lines = [f"{cue.start:.2f}\t{cue.shape}" for cue in cues]
    if cues:
        lines.append(f"{cues[-1].end:.2f}\t{rest}")
    return "".join(line + "\n" for line in lines)


def _json(cues: Sequence[MouthCue], sound_file: str) -> str:
    """Rhubarb's JSON layout, numbers with two decimals."""
    duration = cues[-1].end if cues else 0.0
    rows = ",\n".join(f'    {{ "start": {c.start:.2f}, "end": {c.end:.2f}, "value": "{c.shape}" }}' for c in cues)
    return ("{\n  \"metadata\": {\n"
            f"    \"soundFile\": {json.dumps(sound_file)},\n    \"duration\": {duration:.2f}\n  }},\n"
            f"  \"mouthCues\": [\n{rows}\n  ]\n}}\n")


def _dat(cues: Sequence[MouthCue], rest: str, fps: float) -> str:
    """Moho switch data: a frame line where the shape changes (cues shorter than a frame dropped), then the end."""
    lines = [DAT_HEADER]
    last_frame = 0
    for cue in cues:
        frame = _frame(cue.start, fps)
        if frame != last_frame:
            lines.append(f"{frame} {cue.shape}")
            last_frame = frame
    if cues:
        end = max(_frame(cues[-1].end, fps), last_frame + 1)
        lines.append(f"{end} {rest}")
    return "".join(line + "\n" for line in lines)


def _frame(seconds: float, fps: float) -> int:
    """Moho's 1-based frame number of an instant (Rhubarb truncates)."""
    return 1 + int(fps * seconds + 1e-9)
