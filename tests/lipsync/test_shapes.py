"""Mouth shapes: the --shapes set, nearest shapes, basic stand-ins."""

import pytest

from studio.core.errors import UserError
from studio.lipsync.shapes import basic_shape, closest, parse_shapes, relaxed, restrict, to_target


def test_shapes_string_is_normalised_to_alphabetical_order():
    assert parse_shapes("xgabcdef") == "ABCDEFGX"
    assert parse_shapes("ABCDEF") == "ABCDEF"


@pytest.mark.parametrize(("text", "message"), [("ABCDEQ", "unknown mouth shape Q"), ("ABC", "lacks the basic"),
                                               ("", "unknown mouth shape")])
def test_bad_shapes_strings_are_one_line_errors(text, message):
    with pytest.raises(UserError, match=message):
        parse_shapes(text)


def test_extended_shapes_fall_back_to_their_basic_shape():
    assert [basic_shape(s) for s in "GHX"] == ["A", "C", "A"]
    assert to_target("G", "ABCDEF") == "A" and to_target("G", "ABCDEFG") == "G"
    assert restrict("BGX", "ABCDEF") == "BA"


def test_closest_prefers_the_same_shape_then_the_least_movement():
    assert closest("D", "BCD") == "D"
    assert closest("D", "BC") == "C"
    assert closest("A", "BCDEF") == "B"
    assert closest("F", "BCE") == "E" or closest("F", "BCE") == "B"


def test_relaxing_moves_towards_rest_and_stops_there():
    assert relaxed("D") == "C" and relaxed("C") == "B" and relaxed("X") == "X"
