"""Accuracy on the committed espeak-ng fixtures (true phone timings known): the figures of issue 15.

Targets: no transcript >= 0.60 (0.78 within ±40 ms), transcript >= 0.82 (0.95 within ±40 ms), pauses of 250 ms
or more at rest >= 0.80, loudness alone about 0.40. Reached (benchmarks/lipsync.py): every target, on the mean
and on every case (without a transcript: 0.69 per frame, 0.84 within ±40 ms; the weakest case, fast speech,
0.61 and 0.82). Phone recognition's results move by a point or two with the order the pool's workers take the
pieces in (its noise estimate carries over), so the per-case asserts leave that much room.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from studio.lipsync.loudness import loudness_cues
from studio.lipsync.pipeline import Recognizer, lip_sync
from studio.lipsync.scoring import accuracy, pause_rest
from studio.media.audio_decode import decode_audio

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lipsync"
CASES = ("male", "female", "fast", "noisy")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    """Every case's figures without ('n_') and with ('t_') its transcript, and the loudness baseline."""
    results = {}
    with Recognizer() as recognizer:
        for name in CASES:
            truth = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
            phones = [tuple(p) for p in truth["phones"]]
            samples = decode_audio(FIXTURES / truth["audio"])
            text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
            row = {"loudness": accuracy(loudness_cues(samples), phones)}
            for prefix, transcript in (("n_", None), ("t_", text)):
                cues = lip_sync(samples, recognizer, transcript).cues
                row[prefix + "strict"] = accuracy(cues, phones)
                row[prefix + "40ms"] = accuracy(cues, phones, 0.04)
                row[prefix + "pauses"] = pause_rest(cues, phones)
            results[name] = row
    return results


def mean(figures: dict, key: str) -> float:
    return float(np.mean([row[key] for row in figures.values()]))


@pytest.mark.parametrize("name", CASES)
def test_with_a_transcript_every_case_meets_the_targets(figures, name):
    assert figures[name]["t_strict"] >= 0.82
    assert figures[name]["t_40ms"] >= 0.95


@pytest.mark.parametrize("name", CASES)
def test_long_pauses_are_at_rest(figures, name):
    assert figures[name]["n_pauses"] >= 0.80
    assert figures[name]["t_pauses"] >= 0.80


def test_without_a_transcript_the_mean_meets_the_targets(figures):
    assert mean(figures, "n_strict") >= 0.60
    assert mean(figures, "n_40ms") >= 0.78


@pytest.mark.parametrize("name", CASES)
def test_without_a_transcript_every_case_comes_near_the_targets(figures, name):
    assert figures[name]["n_strict"] >= 0.58
    assert figures[name]["n_40ms"] >= 0.78


def test_the_recogniser_beats_loudness_alone_by_a_wide_margin(figures):
    assert mean(figures, "loudness") <= 0.45
    assert mean(figures, "n_strict") - mean(figures, "loudness") >= 0.2
    assert mean(figures, "t_strict") - mean(figures, "loudness") >= 0.4
