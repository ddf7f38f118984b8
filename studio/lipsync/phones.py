"""Timed phones (ARPAbet, as pocketsphinx's English model names them) and the mouth shapes each one allows.

The allowed shapes follow the reasoning of Rhubarb Lip Sync's rules: vowels have one shape (diphthongs two, in
sequence), consonants allow several so the mouth can keep the shape of the vowel around them; plosives close
(P, B) or nearly close the mouth; F and V show teeth on the lip (G); a long L shows the tongue (H).
"""

from __future__ import annotations

from dataclasses import dataclass

SILENCE = "SIL"
ANY = "ABCDEFGHX"
ANY_OPEN = "BCDEFGH"
VOWELS = frozenset({"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"})

# Consonants and single-shape vowels: allowed shapes, whatever the duration.
_FIXED = {
    "AO": "E", "AA": "D", "IY": "B", "UW": "F", "EH": "C", "IH": "B", "UH": "F", "AE": "C",
    "P": "A", "B": "A", "M": "A", "T": "BF", "D": "BF", "K": "BCEFH", "G": "BCEFH",
    "CH": "BF", "JH": "BF", "F": "G", "V": "G", "TH": "BF", "DH": "BF", "S": "BF", "Z": "BF", "SH": "BF", "ZH": "BF",
    "HH": ANY, "N": "BCFH", "NG": "BCEF", "R": "BEF", "Y": "BCF", "W": "F",
}
# Phones that phone recognition (no transcript) often hears in place of others, and the shapes the mouth may show
# for them: F and V also stand for the other hissing consonants (S, T, SH, Z, ...) and for noise, which sound alike
# to it, so they allow B beside G (G stays where the mouth comes from closed or rest); AA also stands for the other
# open vowels (AH, AW, AE, AO), so it allows the open C beside the wide D. Checked on espeak-ng sentences other
# than the test fixtures.
HEARD = {"F": "GB", "V": "GB", "AA": "CD"}
# Diphthongs: (first shape, second shape), the first held for 60% of the phone.
_DIPHTHONGS = {"EY": ("C", "B"), "OW": ("E", "F"), "OY": ("E", "B")}
DIPHTHONG_SPLIT = 0.6


@dataclass(frozen=True)
class Phone:
    """One phone from ``start`` to ``end`` in centiseconds (10 ms frames); ``name`` is ARPAbet or SIL."""

    name: str
    start: int
    end: int

    @property
    def duration(self) -> int:
        """Length in centiseconds."""
        return self.end - self.start


@dataclass(frozen=True)
class ShapeRule:
    """The shapes the mouth may take from ``start`` to ``end`` (centiseconds); ``vowel`` marks a one-shape vowel."""

    start: int
    end: int
    allowed: str
    vowel: bool = False


def normalize(name: str) -> str:
    """An ARPAbet phone without stress digits, upper case; noises and silences become SIL."""
    base = name.upper().rstrip("012")
    return base if base in VOWELS or base in _FIXED or base == "L" else SILENCE


def _sequence(name: str, duration: int) -> tuple[str, ...]:
    """The allowed-shape strings the phone passes through (one, or two for a diphthong)."""
    if name in _DIPHTHONGS:
        return _DIPHTHONGS[name]
    if name == "AH":
        return ("C",) if duration < 20 else ("D",)
    if name == "AY":
        return ("C", "B") if duration < 20 else ("D", "B")
    if name == "AW":
        return ("C", "E") if duration < 30 else ("D", "E")
    if name == "ER":
        return ("BC",) if duration < 7 else ("E",)
    if name == "L":
        return ("BEFH",) if duration < 20 else ("H",)
    return (_FIXED.get(name, "X"),)


def rules_for(phone: Phone, heard: bool = False) -> list[ShapeRule]:
    """The shape rules covering ``phone``'s time span (silence allows only rest, X); ``heard`` phones come from
    phone recognition and allow the shapes of the phones it confuses them with (``HEARD``)."""
    if phone.name == SILENCE:
        return [ShapeRule(phone.start, phone.end, "X")]
    parts = (HEARD[phone.name],) if heard and phone.name in HEARD else _sequence(phone.name, phone.duration)
    vowel = phone.name in VOWELS
    if len(parts) == 1:
        return [ShapeRule(phone.start, phone.end, parts[0], vowel and len(parts[0]) == 1)]
    middle = phone.start + max(1, round(phone.duration * DIPHTHONG_SPLIT))
    if middle >= phone.end:
        return [ShapeRule(phone.start, phone.end, parts[0], vowel)]
    return [ShapeRule(phone.start, middle, parts[0], vowel), ShapeRule(middle, phone.end, parts[1], vowel)]


def allowed_shapes(name: str, duration: int) -> str:
    """Every shape the rules allow anywhere in a phone (silence: the rest shapes X, A, B); used for scoring."""
    if name == SILENCE:
        return "XAB"
    return "".join(dict.fromkeys("".join(_sequence(name, duration))))
