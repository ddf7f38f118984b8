"""The recognition pipeline: silence stays at rest, tiny or failed pieces do not jam a decoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.lipsync import recognize
from studio.lipsync.phones import SILENCE, Phone
from studio.lipsync.pipeline import Recognizer, lip_sync, silence_pauses, word_coverage
from studio.media.audio_decode import decode_audio, to_pcm16

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lipsync"


def test_silence_pauses_cuts_phones_around_quiet_ranges():
    phones = [Phone("AA", 0, 50), Phone("M", 50, 60), Phone("IY", 60, 100)]
    result = silence_pauses(phones, [(30, 55), (90, 200)])
    assert result == [Phone("AA", 0, 30), Phone(SILENCE, 30, 50), Phone(SILENCE, 50, 55), Phone("M", 55, 60),
                      Phone("IY", 60, 90), Phone(SILENCE, 90, 100)]


def test_word_coverage_is_the_share_of_speech_inside_aligned_words():
    speech = np.zeros(100, dtype=bool)
    speech[10:90] = True
    timed = [recognize.TimedWord("<s>", 0, 10), recognize.TimedWord("hello", 10, 30),
             recognize.TimedWord("<sil>", 30, 50), recognize.TimedWord("world", 50, 70)]
    assert word_coverage(timed, speech) == pytest.approx(40 / 80)
    assert word_coverage(timed, np.zeros(100, dtype=bool)) == 1.0


def test_an_empty_piece_gives_no_phones_and_the_decoder_still_works():
    assert recognize.process_chunk(recognize.ChunkTask(b"", 0, None)).phones == ()
    assert recognize.process_chunk(recognize.ChunkTask(b"\0\0" * 10, 0, ("hello",))).method == "phones-fallback"
    speech = to_pcm16(decode_audio(FIXTURES / "male.ogg")[: 16_000 * 2])
    phones = recognize.process_chunk(recognize.ChunkTask(speech, 100, None)).phones
    assert len(phones) > 5 and phones[0].start >= 100


@pytest.mark.slow
def test_digital_silence_keeps_the_mouth_at_rest_and_speech_moves_it():
    with Recognizer() as recognizer:
        silent = lip_sync(np.zeros(16_000 * 3, np.float32), recognizer)
        assert [c.shape for c in silent.cues] == ["X"] and silent.cues[-1].end == pytest.approx(3.0)
        spoken = lip_sync(decode_audio(FIXTURES / "female.ogg"), recognizer)
        partial = lip_sync(decode_audio(FIXTURES / "male.ogg"), recognizer, "The old lighthouse keeper")
    assert len({c.shape for c in spoken.cues}) >= 5
    assert set(spoken.methods) == {"phones"}
    assert set(partial.methods) == {"phones-fallback"}  # a transcript that misses most words is not trusted
