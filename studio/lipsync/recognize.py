"""Pocketsphinx on one chunk of speech: phone recognition, or two-pass forced alignment to known words.

Runs inside pool workers: every process builds its decoders once (``_decoder``) and keeps them. Times are in
centiseconds (pocketsphinx's 10 ms frames) from the start of the chunk plus ``offset``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass

from studio.lipsync.phones import SILENCE, Phone, normalize

RATE = 16_000
# Pocketsphinx stamps a frame with the start of its 25.6 ms analysis window; the sound it hears is centred about
# 1 frame (12.8 ms) later, so phone times move by this many centiseconds.
WINDOW_CENTRE = 1
# Search beams from narrow (fast) to wide: alignment retries wider when the narrow search loses the path.
ALIGN_BEAMS = ({"beam": 1e-60, "wbeam": 1e-40, "pbeam": 1e-60}, {"beam": 1e-120, "wbeam": 1e-100, "pbeam": 1e-120},
               {"beam": 1e-200, "wbeam": 1e-200, "pbeam": 1e-200})
# PCM bytes past which the word pass goes straight to the widest beams (narrower ones lose the path on long audio,
# and are not faster).
LONG_AUDIO = 20 * RATE * 2
MIN_PCM = 2 * RATE // 10  # bytes: pieces shorter than 0.1 s hold no phone worth recognising
PHONE_SEARCH = {"beam": 1e-10, "pbeam": 1e-10, "lw": 1.0}  # tuned on the espeak-ng fixtures


@dataclass(frozen=True)
class ChunkTask:
    """One chunk to recognise: 16 kHz 16-bit PCM, its offset (centiseconds) and the words said in it: None when
    they are unknown (recognise phones), empty when alignment showed that nobody speaks in it."""

    pcm: bytes
    offset: int
    words: tuple[str, ...] | None


@dataclass(frozen=True)
class TimedWord:
    """A word (or ``<sil>``, ``<s>``, ``</s>``, a noise) from ``start`` to ``end`` centiseconds."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ChunkResult:
    """The phones of a chunk and how they were found: 'aligned', 'aligned-wide', 'phones' or 'phones-fallback'."""

    phones: tuple[Phone, ...]
    method: str


def model_paths() -> dict[str, str]:
    """Paths of the English acoustic model, dictionary and phone language model shipped in the pocketsphinx wheel."""
    from pocketsphinx import get_model_path

    root = get_model_path()
    return {
        "hmm": os.path.join(root, "en-us", "en-us"),
        "dict": os.path.join(root, "en-us", "cmudict-en-us.dict"),
        "allphone": os.path.join(root, "en-us", "en-us-phone.lm.bin"),
    }


@functools.cache
def _decoder(kind: str, level: int = 0):
    """This process's decoder for ``kind`` ('phones' or 'align') at beam ``level``, built on first use."""
    from pocketsphinx import Decoder

    paths = model_paths()
    common = {"hmm": paths["hmm"], "samprate": RATE, "loglevel": "FATAL", "bestpath": False}
    if kind == "phones":
        return Decoder(allphone=paths["allphone"], **PHONE_SEARCH, **common)
    return Decoder(dict=paths["dict"], lm=None, **ALIGN_BEAMS[level], **common)


def warm_up() -> None:
    """Build this process's decoders now, so the first chunk does not pay for loading the models."""
    for level in range(len(ALIGN_BEAMS)):
        _decoder("align", level)
    _decoder("phones")


def recognize_phones(pcm: bytes) -> list[Phone]:
    """Phones heard in ``pcm`` with no transcript (allphone search with the phone language model)."""
    if len(pcm) < MIN_PCM:
        return []
    decoder = _decoder("phones")
    _decode(decoder, pcm)
    return [Phone(normalize(seg.word), seg.start_frame, seg.end_frame + 1) for seg in decoder.seg() or ()]


def align_words(pcm: bytes, words: Sequence[str]) -> list[TimedWord] | None:
    """Word pass of forced alignment over all of ``pcm`` (beams widened until it holds), or None if it never does.

    The result includes the silences the aligner placed between words (as ``<sil>``), where long audio can be cut.
    """
    if len(pcm) < MIN_PCM:
        return None
    for level in range(len(ALIGN_BEAMS) - 1 if len(pcm) > LONG_AUDIO else 0, len(ALIGN_BEAMS)):
        decoder = _decoder("align", level)
        try:
            decoder.set_align_text(" ".join(words))
            _decode(decoder, pcm)
        except RuntimeError:
            continue
        if decoder.hyp() is not None:
            return _timed_words(decoder)
    return None


def align_words_loosely(pcm: bytes, words: Sequence[str], optional_head: int, optional_tail: int,
                        offset: int = 0) -> list[TimedWord] | None:
    """Word pass over one part of a long sound whose exact words are not known: the first ``optional_head`` and
    last ``optional_tail`` of ``words`` may be left out (from the outside in), so the aligner itself decides
    where the part's words begin and end. Times start at ``offset``; None if the search fails."""
    if len(pcm) < MIN_PCM:
        return None
    head = ""
    for word in words[:optional_head]:
        head = f"[ {head} {_token(word)} ]"
    tail = ""
    for word in reversed(words[len(words) - optional_tail:]):
        tail = f"[ {_token(word)} {tail} ]"
    middle = " ".join(_token(word) for word in words[optional_head: len(words) - optional_tail])
    grammar = f"#JSGF V1.0;\ngrammar part;\npublic <part> = {head} {middle} {tail};\n"
    decoder = _decoder("align", len(ALIGN_BEAMS) - 1)
    try:
        decoder.add_jsgf_string("part", grammar)
        decoder.activate_search("part")
        _decode(decoder, pcm)
    except (RuntimeError, ValueError):
        return None
    if decoder.hyp() is None:
        return None
    return [TimedWord(w.text, w.start + offset, w.end + offset) for w in _timed_words(decoder)]


def is_word(text: str) -> bool:
    """True for a spoken word of the segmentation, False for <s>, </s>, <sil> and noises like [NOISE] or +SPN+."""
    return not text.startswith(("<", "[", "+"))


def _token(word: str) -> str:
    """A dictionary word as a JSGF token (transcript words are letters, digits and apostrophes only)."""
    return "".join(ch for ch in word if ch.isalnum() or ch == "'")


def _timed_words(decoder) -> list[TimedWord]:
    """The decoder's word segmentation, pronunciation variants ``word(2)`` folded, empty (NULL) entries dropped."""
    timed = [TimedWord(seg.word.split("(")[0], seg.start_frame, seg.end_frame + 1) for seg in decoder.seg()]
    return [word for word in timed if word.text and word.end > word.start]


def align_phones(pcm: bytes, words: Sequence[str], level: int) -> list[Phone] | None:
    """Phones of ``words`` aligned to ``pcm`` (word pass, then phone pass), or None if the search lost its way."""
    if len(pcm) < MIN_PCM:
        return None
    decoder = _decoder("align", level)
    try:
        decoder.set_align_text(" ".join(words))
        _decode(decoder, pcm)
        if decoder.hyp() is None:  # the word pass lost the path; (asking the phone pass for hyp() crashes)
            return None
        decoder.set_alignment()
        _decode(decoder, pcm)
        alignment = decoder.get_alignment()
    except RuntimeError:
        return None
    if alignment is None:
        return None
    return [Phone(normalize(p.name), p.start, p.start + p.duration) for word in alignment for p in word]


def _decode(decoder, pcm: bytes) -> None:
    """One utterance of ``pcm`` through ``decoder``'s current search; the utterance is closed even on failure
    (a decoder left inside an utterance refuses every later one)."""
    decoder.start_utt()
    try:
        decoder.process_raw(pcm, full_utt=True)
    finally:
        decoder.end_utt()


def process_chunk(task: ChunkTask) -> ChunkResult:
    """Phones of one chunk: aligned to its words when it has some (wider beams, then phone recognition, on
    failure), silence when it has none, else recognised phone by phone. Pool entry point."""
    phones: list[Phone] | None = None
    method = "phones"
    if task.words == ():
        phones, method = [Phone(SILENCE, 0, len(task.pcm) // (2 * RATE // 100))], "aligned"
    elif task.words:
        for level in range(len(ALIGN_BEAMS)):
            phones = align_phones(task.pcm, task.words, level)
            if phones is not None:
                method = "aligned" if level == 0 else "aligned-wide"
                break
        else:
            method = "phones-fallback"
    if phones is None:
        phones = recognize_phones(task.pcm)
    shift = task.offset + WINDOW_CENTRE
    shifted = tuple(Phone(p.name, p.start + shift, p.end + shift) for p in phones if p.end > p.start)
    return ChunkResult(shifted, method)
