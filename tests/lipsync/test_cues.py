"""Cue files: Rhubarb's TSV, JSON and Moho .dat written and parsed back, and Rhubarb's own output parsed."""

import json

import pytest

from studio.core.errors import UserError
from studio.lipsync.cues import MouthCue, cue_format, format_cues, parse_cues, read_cues, write_cues

CUES = [MouthCue(0.0, 0.25, "X"), MouthCue(0.25, 0.5, "B"), MouthCue(0.5, 0.71, "D"), MouthCue(0.71, 0.92, "C"),
        MouthCue(0.92, 1.5, "X")]


@pytest.mark.parametrize("suffix", [".tsv", ".json"])
def test_tsv_and_json_round_trip_exactly(tmp_path, suffix):
    path = tmp_path / f"talk{suffix}"
    write_cues(path, CUES, "talk.wav")
    assert read_cues(path) == CUES


def test_moho_dat_round_trips_to_frame_accuracy(tmp_path):
    path = tmp_path / "talk.dat"
    write_cues(path, CUES, fps=24)
    lines = path.read_text().splitlines()
    assert lines[0] == "MohoSwitch1"
    assert lines[1:] == ["1 X", "7 B", "13 D", "18 C", "23 X", "37 X"]
    parsed = read_cues(path, fps=24)
    assert [c.shape for c in parsed] == [c.shape for c in CUES]
    assert all(abs(a.start - b.start) <= 1 / 24 for a, b in zip(parsed, CUES, strict=True))


def test_tsv_ends_with_the_rest_shape_at_the_end_time():
    text = format_cues(CUES[:2], "tsv", rest="A")
    assert text == "0.00\tX\n0.25\tB\n0.50\tA\n"


def test_json_has_rhubarbs_metadata_and_mouth_cues():
    data = json.loads(format_cues(CUES, "json", sound_file="talk.wav"))
    assert data["metadata"] == {"soundFile": "talk.wav", "duration": 1.5}
    assert data["mouthCues"][2] == {"start": 0.5, "end": 0.71, "value": "D"}


def test_rhubarbs_own_outputs_parse():
    rhubarb_tsv = "0.00\tX\n0.05\tD\n0.27\tC\n0.31\tB\n0.43\tX\n0.47\tX\n"
    assert parse_cues(rhubarb_tsv, "tsv")[1] == MouthCue(0.05, 0.27, "D")
    preston_blair = "MohoSwitch1\n1 rest\n3 AI\n8 etc\n12 rest\n"
    assert [c.shape for c in parse_cues(preston_blair, "dat")] == ["X", "D", "B"]


def test_unknown_extension_and_bad_files_are_one_line_errors(tmp_path):
    with pytest.raises(UserError, match="end the file name in .tsv"):
        cue_format("cues.txt")
    bad = tmp_path / "bad.dat"
    bad.write_text("1 X\n")
    with pytest.raises(UserError, match="not a valid dat cue file"):
        read_cues(bad)
    shape = tmp_path / "bad.tsv"
    shape.write_text("0.00\tQ\n1.00\tX\n")
    with pytest.raises(UserError, match="unknown mouth shape"):
        read_cues(shape)
