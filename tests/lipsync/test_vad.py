"""Voice activity: speech frames, pauses, and cutting long sound at pauses."""

import itertools

import numpy as np

from studio.lipsync.vad import chunk_bounds, pauses, speech_frames

RATE = 16_000


def bursts(layout: list[tuple[float, bool]]) -> np.ndarray:
    """Noise bursts (speech stand-ins) and near-silence, each (seconds, loud)."""
    rng = np.random.default_rng(3)
    parts = [rng.normal(0, 0.2 if loud else 0.001, round(seconds * RATE)) for seconds, loud in layout]
    return np.concatenate(parts).astype(np.float32)


def test_speech_and_pauses_are_found_by_loudness():
    samples = bursts([(0.5, False), (1.0, True), (0.6, False), (1.0, True), (0.5, False)])
    speech = speech_frames(samples)
    assert speech[60:140].all() and not speech[160:200].any()
    gaps = pauses(speech)
    assert any(abs(start - 150) <= 2 and abs(end - 210) <= 2 for start, end in gaps)


def test_short_gaps_inside_speech_stay_speech():
    samples = bursts([(0.5, False), (0.5, True), (0.08, False), (0.5, True), (0.5, False)])
    assert speech_frames(samples)[50:158].all()


def test_long_sound_is_cut_in_pauses_and_covers_everything():
    layout = []
    for _ in range(6):
        layout += [(2.5, True), (0.4, False)]
    samples = bursts(layout)
    bounds = chunk_bounds(samples, target=4.0, longest=8.0)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(speech_frames(samples))
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    speech = speech_frames(samples)
    assert all(not speech[cut] for _, cut in bounds[:-1])
    assert all(end - start <= 800 for start, end in bounds)


def test_a_stretch_without_pauses_is_cut_at_the_longest_length():
    samples = bursts([(20.0, True)])
    bounds = chunk_bounds(samples, target=4.0, longest=8.0)
    assert len(bounds) >= 3 and all(end - start <= 800 for start, end in bounds)
