"""The recognition pipeline: silence stays at rest, tiny or failed pieces do not jam a decoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.lipsync import recognize
from studio.lipsync.phones import SILENCE, Phone
from studio.lipsync.pipeline import Recognizer, _join, _split, lip_sync, silence_pauses, word_coverage
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


def test_a_long_sound_is_split_at_the_pause_nearest_the_middle_with_optional_words_around_it():
    speech = np.ones(6000, dtype=bool)
    speech[2900:2960] = False  # the pause nearest the middle
    speech[1000:1040] = False
    words = [f"w{i}" for i in range(120)]
    cut, first, second, loose = _split(words, speech)
    assert cut == 2930
    assert loose == 20 and first == words[:68] and second == words[48:]
    assert _split(words[:8], speech) is None  # too few words to leave some optional
    assert _split(words, np.ones(6000, dtype=bool)) is None  # no pause


def test_halves_join_only_when_they_hold_every_word_once():
    def timed(*texts):
        return [recognize.TimedWord(t, i, i + 1) for i, t in enumerate(texts)]

    words = ["a", "b", "c", "d"]
    assert _join(timed("<s>", "a", "b"), timed("<sil>", "c", "d"), words) is not None
    assert _join(timed("a", "b", "c"), timed("c", "d"), words) is None  # "c" twice
    assert _join(timed("a"), timed("c", "d"), words) is None  # "b" lost
    assert _join(None, timed("c", "d"), words) is None


def test_loose_alignment_of_two_halves_finds_where_the_words_divide():
    parts = [decode_audio(FIXTURES / f"{name}.ogg") for name in ("male", "female")]
    texts = [(FIXTURES / f"{name}.txt").read_text(encoding="utf-8") for name in ("male", "female")]
    from studio.lipsync.transcript import dictionary_words, words_of

    known = dictionary_words(recognize.model_paths()["dict"])
    first_words, second_words = (words_of(text, known)[0] for text in texts)
    words = first_words + second_words
    cut = len(parts[0]) // 160
    pcm = to_pcm16(np.concatenate(parts))
    margin = 4
    split = len(first_words) + 2  # a wrong guess: the first half is offered two words too many
    first = recognize.align_words_loosely(pcm[: cut * 320], words[: split + margin], 0, 2 * margin)
    second = recognize.align_words_loosely(pcm[cut * 320:], words[split - margin:], 2 * margin, 0, cut)
    joined = _join(first, second, words)
    assert joined is not None
    female_start = next(w for w in joined if w.text == second_words[0])
    assert female_start.start >= cut
