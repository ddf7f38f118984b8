"""A transcript as the words the recogniser's pronunciation dictionary knows (the others are skipped)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z']*|\d+")


@functools.cache
def dictionary_words(dictionary: str) -> frozenset[str]:
    """Every word of a CMU-style pronunciation dictionary file (variants like ``word(2)`` folded in)."""
    text = Path(dictionary).read_text(encoding="utf-8", errors="replace")
    return frozenset(line.split(maxsplit=1)[0].split("(")[0] for line in text.splitlines() if line.strip())


def words_of(text: str, known: frozenset[str]) -> tuple[list[str], list[str]]:
    """The words of ``text`` the dictionary knows (lower case, in order), and the unknown ones as written."""
    words: list[str] = []
    unknown: list[str] = []
    for token in _WORD.findall(text):
        if token.lower() in known:
            words.append(token.lower())
        else:
            unknown.append(token)
    return words, unknown
