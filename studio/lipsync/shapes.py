"""Mouth shapes A-H and X (Preston Blair based, as Rhubarb names them) and how they relate to each other.

A closed (M, B, P); B slightly open, teeth together (most consonants, EE); C open (EH, AE); D wide open (AA);
E rounded (AO, ER); F puckered (UW, OW, W); G upper teeth on lower lip (F, V); H tongue up (long L); X rest.
"""

from __future__ import annotations

from studio.core.errors import UserError

ALL_SHAPES = "ABCDEFGHX"
BASIC_SHAPES = "ABCDEF"
REST_SHAPES = frozenset("XAB")

# Each shape as (jaw opening, lip rounding, lip contact): the distance between two shapes is how far the mouth moves.
_FEATURES = {
    "A": (0.0, 0.1, 1.0),
    "B": (0.15, 0.0, 0.3),
    "C": (0.5, 0.0, 0.0),
    "D": (1.0, 0.0, 0.0),
    "E": (0.45, 0.6, 0.0),
    "F": (0.2, 1.0, 0.2),
    "G": (0.1, 0.0, 0.7),
    "H": (0.55, 0.0, 0.0),
    "X": (0.05, 0.05, 0.8),
}
# The extended shapes fall back to the basic shape that looks most like them.
_BASIC_OF = {"G": "A", "H": "C", "X": "A"}
# One step towards rest: what the mouth drifts to when the sound stops for a moment.
_RELAXED = {"A": "X", "B": "B", "C": "B", "D": "C", "E": "C", "F": "B", "G": "B", "H": "B", "X": "X"}


def parse_shapes(text: str) -> str:
    """The target shape set from a ``--shapes`` string: A-F are always in; G, H and X are optional extras."""
    letters = text.strip().upper()
    unknown = sorted(set(letters) - set(ALL_SHAPES))
    if not letters or unknown:
        bad = "".join(unknown) or "(empty)"
        raise UserError(f"--shapes {text!r}: unknown mouth shape {bad}; use letters from ABCDEFGHX, e.g. ABCDEFGHX")
    missing = sorted(set(BASIC_SHAPES) - set(letters))
    if missing:
        raise UserError(f"--shapes {text!r} lacks the basic shape(s) {''.join(missing)}; A-F are always needed")
    return "".join(shape for shape in ALL_SHAPES if shape in letters)


def basic_shape(shape: str) -> str:
    """The basic shape (A-F) that stands in for ``shape`` when the extended one is not available."""
    return _BASIC_OF.get(shape, shape)


def relaxed(shape: str) -> str:
    """The shape one step closer to rest than ``shape``."""
    return _RELAXED[shape]


def effort(first: str, second: str) -> float:
    """How far the mouth moves from ``first`` to ``second`` (0 for the same shape)."""
    return sum((a - b) ** 2 for a, b in zip(_FEATURES[first], _FEATURES[second], strict=True)) ** 0.5


def closest(reference: str, allowed: str) -> str:
    """The shape among ``allowed`` that the mouth reaches from ``reference`` with the least movement."""
    return min(allowed, key=lambda shape: (effort(reference, shape), ALL_SHAPES.index(shape)))


def to_target(shape: str, target: str) -> str:
    """``shape`` if the target set has it, else its basic stand-in."""
    return shape if shape in target else basic_shape(shape)


def restrict(allowed: str, target: str) -> str:
    """An allowed-shapes string mapped into the target set (duplicates removed, order kept)."""
    return "".join(dict.fromkeys(to_target(shape, target) for shape in allowed))
