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


@pytest.mark.slow
def test_a_transcript_that_does_not_match_falls_back_with_a_note(tmp_path, capsys):
    transcript = tmp_path / "wrong.txt"
    transcript.write_text("Hello there, zorblax.", encoding="utf-8")
    out = tmp_path / "talk.tsv"
    assert cli.main(["lipsync", str(FIXTURES / "male.ogg"), "--transcript", str(transcript), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "not in the dictionary: zorblax" in captured.err
    assert "could not be aligned" in captured.err
    assert "phones-fallback" in captured.out
    assert len(read_cues(out)) > 20


@pytest.mark.slow
def test_project_mode_keys_the_mouth_and_saves_a_new_project(tmp_path, capsys):
    from studio.core.project_file import load_project

    sample = Path(__file__).resolve().parents[2] / "resources" / "sample.marionette"
    out = tmp_path / "talking.marionette"
    code = cli.main(["lipsync", str(FIXTURES / "fast.ogg"), "--project", str(sample), "-o", str(out)])
    assert code == 0
    assert "keyed the mouth over frames 0-" in capsys.readouterr().out
    talking, original = load_project(out), load_project(sample)
    chin = next(kp.id for kp in talking.keypoints if kp.name == "chin")
    assert len(talking.track(chin)) > len(original.track(chin))
    assert talking.timing.end >= round(6.6 * talking.timing.fps)


@pytest.mark.parametrize(("arguments", "message"), [
    (["missing.wav", "-o", "cues.tsv"], "audio file not found"),
    ([str(FIXTURES / "male.ogg"), "-o", "cues.txt"], "unknown cue format .txt"),
    ([str(FIXTURES / "male.ogg"), "--shapes", "ABQ", "-o", "cues.tsv"], "unknown mouth shape Q"),
    ([str(FIXTURES / "male.ogg"), "--shapes", "ABCGH", "-o", "cues.tsv"], "lacks the basic"),
    ([str(FIXTURES / "male.ogg"), "--transcript", "nope.txt", "-o", "cues.tsv"], "transcript not found"),
    ([str(FIXTURES / "male.txt"), "-o", "cues.tsv"], "not a sound or video file"),
    ([str(FIXTURES / "male.ogg"), "--project", "shot.marionette", "-o", "cues.tsv"], "end its name in .marionette"),
    ([str(FIXTURES / "male.ogg"), "--project", "missing.marionette", "-o", "out.marionette"], "missing.marionette"),
    ([str(FIXTURES / "male.ogg"), "--fps", "5", "-o", "cues.dat"], "between 10 and 100"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, arguments, message):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["lipsync", *arguments]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
