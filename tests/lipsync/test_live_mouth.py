"""The live mouth: loudness to shapes within 200 ms, fed from a file through the microphone's code path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.core.project_file import load_project
from studio.lipsync.live_mouth import FileSoundSource, LoudnessMouth, live_shapes, mouth_values
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS
from tests.sound_files import wav_bytes

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.marionette"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lipsync"
RATE = 16_000


def burst_wav(start: float, end: float, seconds: float = 2.0) -> bytes:
    """Silence with a loud 300 Hz tone from ``start`` to ``end`` seconds."""
    t = np.arange(round(seconds * RATE)) / RATE
    samples = np.where((t >= start) & (t < end), 0.5 * np.sin(2 * np.pi * 300 * t), 0.0)
    return wav_bytes(samples, RATE)


def test_the_mouth_opens_within_200_ms_of_the_sound_and_rests_after_it():
    shapes = list(live_shapes(FileSoundSource(burst_wav(1.0, 1.5))))
    opened = next(seconds for seconds, shape in shapes if shape != "X")
    assert 1.0 <= opened <= 1.2
    assert opened - 1.0 <= 0.06  # window + hop
    closed = next(seconds for seconds, shape in shapes if seconds > opened and shape == "X")
    assert 1.5 <= closed <= 1.7
    assert all(shape == "X" for seconds, shape in shapes if seconds < 1.0)


def test_chunk_size_does_not_change_the_shapes():
    data = burst_wav(0.3, 0.9, seconds=1.2)
    assert list(live_shapes(FileSoundSource(data), chunk=0.005)) == list(live_shapes(FileSoundSource(data), 0.1))


def test_speech_moves_through_several_shapes():
    shapes = [shape for _, shape in live_shapes(FileSoundSource(FIXTURES / "male.ogg"))]
    assert {"X", "B", "C", "D"} <= set(shapes)
    assert LoudnessMouth(RATE).feed(np.zeros(100, np.float32)) == []  # less than a window: nothing yet


def test_mouth_values_open_the_jaw_for_d():
    project = load_project(SAMPLE)
    rest = mouth_values(project, "X")
    wide = mouth_values(project, "D")
    chin = next(kp.id for kp in project.keypoints if kp.name == "chin")
    assert set(wide) == {kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS}
    assert wide[chin][1] > rest[chin][1] + 3
    assert rest[chin][:2] == pytest.approx(project.keypoint(chin).rest_values[:2])
