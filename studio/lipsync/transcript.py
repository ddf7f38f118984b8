"""A transcript as words the recogniser's pronunciation dictionary knows, and how to share them among chunks."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z']*|\d+|[.,;:!?]")
_BREAK = frozenset(".,;:!?")
_SNAP = 3  # a chunk boundary moves to a punctuation mark at most this many words away


@dataclass(frozen=True)
class Word:
    """A dictionary word, its phone count and whether punctuation follows it (a likely pause)."""

    text: str
    phones: int
    pause_after: bool


@functools.cache
def pronunciations(dictionary: str) -> dict[str, int]:
    """Phone count of every word in a CMU-style dictionary file (first pronunciation wins)."""
    counts: dict[str, int] = {}
    for line in Path(dictionary).read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and "(" not in parts[0]:
            counts.setdefault(parts[0], len(parts) - 1)
    return counts


def words_of(text: str, known: dict[str, int]) -> tuple[list[Word], list[str]]:
    """The words of ``text`` the dictionary knows (lower case), and the unknown ones (skipped)."""
    words: list[Word] = []
    unknown: list[str] = []
    for token in _WORD.findall(text):
        if token in _BREAK:
            if words:
                words[-1] = Word(words[-1].text, words[-1].phones, True)
            continue
        key = token.lower()
        if key in known:
            words.append(Word(key, known[key], False))
        else:
            unknown.append(token)
    return words, unknown


def share(words: Sequence[Word], speech_per_chunk: Sequence[int]) -> list[list[Word]]:
    """Words split among chunks in proportion to each chunk's speech frames, boundaries snapped to punctuation."""
    total_speech = sum(speech_per_chunk) or 1
    total_phones = sum(word.phones for word in words) or 1
    ends = []
    cumulative = 0
    for frames in speech_per_chunk[:-1]:
        cumulative += frames
        ends.append(_word_index_at(words, cumulative / total_speech * total_phones))
    ends = [_snap(words, end) for end in ends] + [len(words)]
    shared = []
    start = 0
    for end in ends:
        end = max(end, start)
        shared.append(list(words[start:end]))
        start = end
    return shared


def _word_index_at(words: Sequence[Word], phones: float) -> int:
    """The number of leading words whose phones fit in ``phones`` (rounded to the nearest word end)."""
    cumulative = 0
    for index, word in enumerate(words):
        if cumulative + word.phones / 2 >= phones:
            return index
        cumulative += word.phones
    return len(words)


def _snap(words: Sequence[Word], end: int) -> int:
    """``end`` moved to just after the nearest punctuation within _SNAP words, if there is one."""
    candidates = [i + 1 for i in range(max(0, end - _SNAP - 1), min(len(words), end + _SNAP)) if words[i].pause_after]
    return min(candidates, key=lambda i: abs(i - end)) if candidates else end
