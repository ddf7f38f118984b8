"""Silences the phone recogniser hears in loud sound, given back to the phones next to them.

Phone recognition often starts a phrase late after a pause (a soft onset like W or DH is heard as silence) or
ends it early. Where the sound in such a silence is clearly loud, someone is speaking: the neighbouring phone's
mouth shape is a far better guess than rest. Only long silences are looked at (the animation holds or relaxes the
mouth through short ones anyway, and a short loud one is often a stop's burst); quiet stretches stay silent, so in
noise (where loudness cannot tell weak speech from noise) the recogniser's silences are kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.lipsync.phones import SILENCE, Phone
from studio.lipsync.vad import frame_levels

ABOVE_FLOOR = 15.0  # dB a frame must be above the noise floor (10th percentile of the frame levels) to be loud
BELOW_PEAK = 30.0  # ... and at most this far below the loud parts (99th percentile)
MIN_SILENCE = 35  # centiseconds: shorter silences are left alone (the animation holds or relaxes the mouth there)
MIN_LOUD = 2  # frames: shorter loud runs (clicks) are ignored


def loud_frames(samples: np.ndarray) -> np.ndarray:
    """A bool per 10 ms frame: True where the sound is clearly louder than its noise floor."""
    levels = frame_levels(samples)
    floor, peak = np.percentile(levels, 10), np.percentile(levels, 99)
    return levels > max(floor + ABOVE_FLOOR, peak - BELOW_PEAK)


def voice_silences(phones: Sequence[Phone], loud: np.ndarray) -> list[Phone]:
    """``phones`` (in time order) with the loud parts of each silence taken by the nearer speaking neighbour:
    the previous phone runs on over loud frames nearer the silence's start, the next one starts early over those
    nearer its end."""
    result = list(phones)
    for index, phone in enumerate(phones):
        if phone.name != SILENCE or phone.duration <= MIN_SILENCE:
            continue
        before = result[index - 1] if index > 0 and result[index - 1].name != SILENCE else None
        after = phones[index + 1] if index + 1 < len(phones) and phones[index + 1].name != SILENCE else None
        head, tail = _split(phone, loud, before is not None, after is not None)
        if before is not None and head > phone.start:
            result[index - 1] = Phone(before.name, before.start, head)
        if after is not None and tail < phone.end:
            result[index + 1] = Phone(after.name, tail, after.end)
        result[index] = Phone(SILENCE, head, max(head, tail))
    return [phone for phone in result if phone.end > phone.start]


def _split(phone: Phone, loud: np.ndarray, has_before: bool, has_after: bool) -> tuple[int, int]:
    """Where the silence should start (after the loud frames the previous phone takes) and end (before those the
    next phone takes); a loud run goes to the nearer speaking neighbour, or to the only one."""
    head, tail = phone.start, phone.end
    middle = (phone.start + phone.end) / 2
    for start, end in _loud_runs(loud, phone.start, phone.end):
        nearer_start = (start + end) / 2 < middle
        if has_before and (nearer_start or not has_after):
            head = max(head, end)
        elif has_after:
            tail = min(tail, start)
    return head, max(head, tail)


def _loud_runs(loud: np.ndarray, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) frame ranges of at least MIN_LOUD loud frames inside start..end."""
    window = np.concatenate([[False], loud[max(0, start): max(0, min(end, len(loud)))], [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(window)) + max(0, start)
    return [(a, b) for a, b in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True) if b - a >= MIN_LOUD]
