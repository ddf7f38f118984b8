"""``python main.py lipsync``: cues written for good input, one-line errors with exit 2 for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio import cli
from studio.lipsync.cues import read_cues

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lipsync"


@pytest.mark.slow
def test_transcript_run_writes_moho_cues_within_the_sound(tmp_path, capsys):
    out = tmp_path / "talk.dat"
    code = cli.main(["lipsync", str(FIXTURES / "male.ogg"), "--transcript", str(FIXTURES / "male.txt"),
                     "--shapes", "ABCDEF", "-o", str(out)])
    assert code == 0
    assert "aligned" in capsys.readouterr().out
    cues = read_cues(out)
    assert len(cues) > 20 and cues[-1].end == pytest.approx(8.79, abs=0.05)
    assert {c.shape for c in cues} <= set("ABCDEF")


@pytest.mark.slow
def test_run_without_transcript_writes_json(tmp_path):
    out = tmp_path / "talk.json"
    assert cli.main(["lipsync", str(FIXTURES / "fast.ogg"), "-o", str(out)]) == 0
    assert {c.shape for c in read_cues(out)} > {"X"}


@pytest.mark.parametrize(("arguments", "message"), [
    (["missing.wav", "-o", "cues.tsv"], "audio file not found"),
    ([str(FIXTURES / "male.ogg"), "-o", "cues.txt"], "unknown cue format .txt"),
    ([str(FIXTURES / "male.ogg"), "--shapes", "ABQ", "-o", "cues.tsv"], "unknown mouth shape Q"),
    ([str(FIXTURES / "male.ogg"), "--shapes", "ABCGH", "-o", "cues.tsv"], "lacks the basic"),
    ([str(FIXTURES / "male.ogg"), "--transcript", "nope.txt", "-o", "cues.tsv"], "transcript not found"),
    ([str(FIXTURES / "male.txt"), "-o", "cues.tsv"], "not a sound or video file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lipsync", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
