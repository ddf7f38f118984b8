"""Phones to shape spans: the rules, anticipation, minimum hold, pauses, tweens and the target set."""

import itertools

from studio.lipsync.animate import ANTICIPATION, MIN_HOLD, animate
from studio.lipsync.phones import Phone, allowed_shapes, normalize, rules_for


def phones(*items: tuple[str, int, int]) -> list[Phone]:
    return [Phone(name, start, end) for name, start, end in items]


def shape_at(spans, time: int) -> str:
    return next(s.shape for s in spans if s.start <= time < s.end)


def test_spans_cover_the_whole_sound_without_gaps():
    spans = animate(phones(("M", 10, 20), ("AA", 20, 50), ("P", 50, 60)), 100)
    assert spans[0].start == 0 and spans[-1].end == 100
    assert all(a.end == b.start for a, b in itertools.pairwise(spans))


def test_each_phone_shows_an_allowed_shape():
    spans = animate(phones(("SIL", 0, 30), ("M", 30, 45), ("AA", 45, 80), ("F", 80, 95), ("UW", 95, 130),
                           ("SIL", 130, 200)), 200)
    assert shape_at(spans, 38) == "A"
    assert shape_at(spans, 60) == "D"
    assert shape_at(spans, 88) == "G"
    assert shape_at(spans, 110) == "F"
    assert shape_at(spans, 190) == "X"


def test_a_vowel_is_anticipated_over_the_consonant_before_it():
    # K allows B, C, E, F or H: after rest it would be B, but the coming OW (E) pulls it to E early.
    spans = animate(phones(("SIL", 0, 40), ("K", 40, 50), ("OW", 50, 80), ("SIL", 80, 150)), 150)
    assert shape_at(spans, 45) == "E"
    assert ANTICIPATION == 20


def test_no_shape_is_shorter_than_the_minimum_hold():
    spans = animate(phones(("SIL", 0, 20), ("B", 20, 22), ("IY", 22, 24), ("T", 24, 26), ("EH", 26, 60),
                           ("SIL", 60, 100)), 100)
    assert all(span.duration >= MIN_HOLD for span in spans[1:-1])


def test_pauses_hold_relax_or_rest_by_length():
    short = animate(phones(("AA", 0, 30), ("SIL", 30, 38), ("AA", 38, 70)), 70)
    assert shape_at(short, 34) == "D"
    medium = animate(phones(("AA", 0, 30), ("SIL", 30, 55), ("AA", 55, 90)), 90)
    assert shape_at(medium, 45) in "BC"
    long = animate(phones(("AA", 0, 30), ("SIL", 30, 100), ("AA", 100, 130)), 130)
    assert shape_at(long, 65) == "X"


def test_an_in_between_shape_softens_a_wide_open_to_closed_jump():
    spans = animate(phones(("SIL", 0, 20), ("AA", 20, 60), ("M", 60, 90), ("SIL", 90, 150)), 150)
    assert [s.shape for s in spans if 20 <= s.start < 90] == ["D", "C", "A"]


def test_the_target_set_replaces_extended_shapes():
    spans = animate(phones(("F", 0, 20), ("L", 20, 50), ("SIL", 50, 120)), 120, "ABCDEF")
    assert {s.shape for s in spans} <= set("ABCDEF")


def test_phone_names_are_normalised_and_diphthongs_split():
    assert normalize("ah0") == "AH" and normalize("+NSN+") == "SIL" and normalize("L") == "L"
    rules = rules_for(Phone("OW", 0, 20))
    assert [(r.allowed, r.start, r.end) for r in rules] == [("E", 0, 12), ("F", 12, 20)]
    assert allowed_shapes("AY", 30) == "DB" and allowed_shapes("SIL", 0) == "XAB"


def test_a_rest_too_short_to_see_at_the_start_takes_the_first_shape():
    spans = animate(phones(("UW", 1, 30), ("SIL", 30, 100)), 100)
    assert spans[0].start == 0 and spans[0].shape == "F"


def test_heard_phones_allow_the_shapes_of_the_phones_they_are_mistaken_for():
    # Phone recognition hears S, T, SH and noise as F or V, and the other open vowels as AA.
    speech = phones(("SIL", 0, 30), ("EH", 30, 50), ("F", 50, 60), ("AA", 60, 72), ("SIL", 72, 150))
    true = animate(speech, 150)
    heard = animate(speech, 150, heard=True)
    assert shape_at(true, 55) == "G" and shape_at(heard, 55) == "B"
    assert shape_at(true, 66) == "D" and shape_at(heard, 66) == "C"
    after_rest = animate(phones(("SIL", 0, 30), ("V", 30, 40), ("AA", 40, 60), ("SIL", 60, 150)), 150, heard=True)
    assert shape_at(after_rest, 35) == "G"  # from rest the lower lip is already near the teeth
