"""Timed phones to mouth cues: choose shapes, anticipate vowels, hold shapes long enough, relax in pauses, tween.

The steps follow the ideas of Rhubarb Lip Sync (its README and sources describe them), in our own code:
1. every phone gives the shapes it allows; walking forwards, each phone takes the allowed shape nearest to the
   previous one (relaxed a little), so consonants borrow the shape of the vowels around them;
2. a one-shape vowel is anticipated: the phones up to ``ANTICIPATION`` before it take its shape where allowed;
3. shapes shorter than ``MIN_HOLD`` borrow time from a longer neighbour or merge into it (no flicker);
4. pauses hold the last shape (short), relax the mouth (medium) or close it to rest X (long);
5. big jumps that close the mouth get an in-between shape;
6. shapes outside the target set become their basic stand-in (G to A, H to C, X to A).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from studio.lipsync.phones import Phone, ShapeRule, rules_for
from studio.lipsync.shapes import ALL_SHAPES, basic_shape, closest, relaxed, restrict, to_target

ANTICIPATION = 20  # centiseconds a vowel's shape may start before the vowel
MIN_HOLD = 5  # centiseconds a shape must last to register
HOLD_PAUSE = 12  # pauses shorter than this keep the previous shape
RELAX_PAUSE = 35  # pauses up to this relax the mouth; longer ones go to rest
TWEEN_MAX = 4  # centiseconds of an in-between shape
# (from, to) -> (in-between shape, where it sits: "early" at the end of `from`, "late" at the start of `to`, "mid").
_TWEENS = {
    ("D", "A"): ("C", "early"), ("D", "B"): ("C", "mid"), ("D", "G"): ("C", "early"), ("D", "X"): ("C", "late"),
    ("C", "F"): ("E", "mid"), ("F", "C"): ("E", "mid"), ("D", "F"): ("E", "mid"),
    ("H", "F"): ("E", "late"), ("F", "H"): ("E", "early"),
}


@dataclass
class Span:
    """One shape from ``start`` to ``end`` in centiseconds (mutable while animating)."""

    start: int
    end: int
    shape: str

    @property
    def duration(self) -> int:
        """Length in centiseconds."""
        return self.end - self.start


def animate(phones: Sequence[Phone], duration: int, target: str = ALL_SHAPES, heard: bool = False) -> list[Span]:
    """Shape spans covering 0..``duration`` centiseconds for timed ``phones``, using only shapes in ``target``;
    ``heard`` phones come from phone recognition (see ``phones.HEARD``)."""
    rules = _fill_gaps(sorted((rule for phone in phones for rule in rules_for(phone, heard)), key=lambda r: r.start),
                       duration)
    working = target + ("X" if "X" not in target else "")
    rules = [ShapeRule(r.start, r.end, restrict(r.allowed, working), r.vowel) for r in rules]
    spans = _merge([Span(r.start, r.end, shape) for r, shape in zip(rules, _choose(rules), strict=True)])
    spans = _merge(_hold(spans))
    spans = _merge(_pauses(spans))
    spans = _tweens(spans)
    return _merge([Span(s.start, s.end, to_target(s.shape, target)) for s in spans])


def _fill_gaps(rules: list[ShapeRule], duration: int) -> list[ShapeRule]:
    """Rules clipped to 0..duration without overlaps, with silence (X) wherever no phone speaks."""
    filled: list[ShapeRule] = []
    cursor = 0
    for rule in rules:
        start, end = max(rule.start, cursor), min(rule.end, duration)
        if end <= start:
            continue
        if start > cursor:
            filled.append(ShapeRule(cursor, start, "X"))
        filled.append(ShapeRule(start, end, rule.allowed, rule.vowel))
        cursor = end
    if cursor < duration:
        filled.append(ShapeRule(cursor, duration, "X"))
    return filled


def _choose(rules: list[ShapeRule]) -> list[str]:
    """One shape per rule: nearest to the previous shape, with vowels anticipated backwards."""
    shapes: list[str] = []
    reference = "X"
    anticipated_until = -1  # index of the last rule already used for anticipation
    for index, rule in enumerate(rules):
        shape = closest(reference, rule.allowed)
        shapes.append(shape)
        if rule.vowel:
            anticipated_until = _anticipate(rules, shapes, index, anticipated_until)
            reference = shape
        else:
            reference = relaxed(shape)
    return shapes


def _anticipate(rules: list[ShapeRule], shapes: list[str], index: int, stop: int) -> int:
    """Spread the vowel shape at ``index`` backwards over earlier rules (not past ``stop``); return ``index``."""
    target = shapes[index]
    reference = target
    for earlier in range(index - 1, stop, -1):
        if rules[index].start - rules[earlier].start > ANTICIPATION or rules[earlier].allowed == "X":
            break
        shape = closest(reference, rules[earlier].allowed)
        shapes[earlier] = shape
        if basic_shape(shape) != basic_shape(target):
            break
        reference = shape
    return index


def _merge(spans: list[Span]) -> list[Span]:
    """Neighbouring spans of the same shape joined, empty spans dropped."""
    merged: list[Span] = []
    for span in spans:
        if span.end <= span.start:
            continue
        if merged and merged[-1].shape == span.shape:
            merged[-1].end = span.end
        else:
            merged.append(Span(span.start, span.end, span.shape))
    return merged


def _hold(spans: list[Span]) -> list[Span]:
    """Spans shorter than MIN_HOLD lengthened into a neighbour that can spare the time, or merged into one."""
    spans = [Span(s.start, s.end, s.shape) for s in spans]
    index = 0
    while index < len(spans):
        span = spans[index]
        if span.shape == "X" or span.duration >= MIN_HOLD:
            index += 1
            continue
        need = MIN_HOLD - span.duration
        before = spans[index - 1] if index > 0 else None
        after = spans[index + 1] if index + 1 < len(spans) else None
        if before is not None and before.duration - need >= MIN_HOLD:
            before.end -= need
            span.start -= need
        elif after is not None and after.duration - need >= MIN_HOLD:
            after.start += need
            span.end += need
        else:
            _absorb(spans, index)
            spans = _merge(spans)
            index = max(0, index - 1)
            continue
        index += 1
    return spans


def _absorb(spans: list[Span], index: int) -> None:
    """Give a too-short span's time to its longer speaking neighbour (or to rest if it stands alone)."""
    span = spans[index]
    neighbours = [spans[i] for i in (index - 1, index + 1) if 0 <= i < len(spans) and spans[i].shape != "X"]
    span.shape = max(neighbours, key=lambda s: s.duration).shape if neighbours else "X"


def _pauses(spans: list[Span]) -> list[Span]:
    """Rest spans between speech replaced by a held, relaxed or closed mouth depending on their length; a rest
    too short to see before the first shape takes that shape (the mouth starts in it)."""
    result = [Span(s.start, s.end, s.shape) for s in spans]
    if len(result) > 1 and result[0].shape == "X" and result[0].duration < MIN_HOLD:
        result[0].shape = result[1].shape
    for index in range(1, len(result) - 1):
        pause = result[index]
        if pause.shape != "X":
            continue
        previous, following = result[index - 1].shape, result[index + 1].shape
        if pause.duration < HOLD_PAUSE:
            pause.shape = previous
        elif pause.duration <= RELAX_PAUSE:
            pause.shape = _relaxed_unlike(previous, following)
    return result


def _relaxed_unlike(previous: str, following: str) -> str:
    """The first relaxed form of ``previous`` that differs from ``following`` (rest if none)."""
    shape = previous
    for _ in ALL_SHAPES:
        softer = relaxed(shape)
        if softer != following:
            return softer
        if softer == shape:
            break
        shape = softer
    return "X"


def _tweens(spans: list[Span]) -> list[Span]:
    """An in-between shape inserted where the mouth would jump a long way between two spans."""
    spans = [Span(s.start, s.end, s.shape) for s in spans]
    result: list[Span] = []
    for index, span in enumerate(spans):
        result.append(Span(span.start, span.end, span.shape))
        if index + 1 == len(spans):
            break
        following = spans[index + 1]
        tween = _TWEENS.get((span.shape, following.shape))
        length = min(TWEEN_MAX, min(span.duration, following.duration) // 2)
        if tween is None or length < 3:
            continue
        shape, where = tween
        start = {"early": span.end - length, "late": span.end, "mid": span.end - length // 2}[where]
        result[-1].end = min(result[-1].end, start)
        result.append(Span(start, start + length, shape))
        spans[index + 1] = Span(max(following.start, start + length), following.end, following.shape)
    return result
