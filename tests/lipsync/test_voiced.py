"""Silences that phone recognition hears in loud sound go to the neighbouring phones; quiet ones stay."""

import numpy as np

from studio.lipsync.phones import SILENCE, Phone
from studio.lipsync.voiced import loud_frames, voice_silences


def mask(length: int, *loud: tuple[int, int]) -> np.ndarray:
    result = np.zeros(length, dtype=bool)
    for start, end in loud:
        result[start:end] = True
    return result


def test_a_late_onset_after_a_pause_starts_the_next_phone_early():
    phones = [Phone("AA", 0, 20), Phone(SILENCE, 20, 70), Phone("W", 70, 80)]
    result = voice_silences(phones, mask(80, (0, 20), (55, 80)))
    assert result == [Phone("AA", 0, 20), Phone(SILENCE, 20, 55), Phone("W", 55, 80)]


def test_speech_running_on_into_a_pause_keeps_the_previous_phone():
    phones = [Phone("N", 0, 20), Phone(SILENCE, 20, 70), Phone("AA", 70, 80)]
    result = voice_silences(phones, mask(80, (0, 30)))
    assert result == [Phone("N", 0, 30), Phone(SILENCE, 30, 70), Phone("AA", 70, 80)]


def test_quiet_and_short_silences_are_left_alone():
    phones = [Phone("AA", 0, 20), Phone(SILENCE, 20, 70), Phone("P", 70, 75), Phone(SILENCE, 75, 90),
              Phone("IY", 90, 100)]
    loud = mask(100, (0, 20), (70, 100))
    assert voice_silences(phones, loud) == phones
    assert voice_silences(phones, mask(100, (0, 20), (21, 22), (70, 100))) == phones  # a click is not speech


def test_loud_frames_are_well_above_the_noise_floor():
    rng = np.random.default_rng(0)
    samples = rng.normal(0, 0.001, 16_000).astype(np.float32)
    samples[4000:8000] += 0.3 * np.sin(np.arange(4000) * 0.1).astype(np.float32)
    loud = loud_frames(samples)
    assert loud[26:49].all() and not loud[:24].any() and not loud[51:].any()
