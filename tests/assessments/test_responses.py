"""Reading a submitted quiz form: each kind, and every way a tampered form is refused."""

from fractions import Fraction as F

import pytest

from lms.assessments.responses import (
    Shown,
    TamperedForm,
    parse_form,
    response_from_data,
    response_to_data,
    to_form_values,
)
from lms.assessments.spec import Choice, Item, Kind, Pair, Question

CHOICES = (Choice("a", "A", F(1)), Choice("b", "B", F(0)), Choice("c", "C", F(0)))
SINGLE = Shown(1, Question("s", Kind.SINGLE, "?", "p", choices=CHOICES), ["c", "a", "b"])
MULTI = Shown(2, Question("m", Kind.MULTIPLE, "?", "p", choices=CHOICES), ["b", "c", "a"])
SHORT = Shown(3, Question("t", Kind.SHORT, "?", "p"), [])
MATCH = Shown(
    4,
    Question(
        "x", Kind.MATCHING, "?", "p", pairs=(Pair("p1", "one", "uno"), Pair("p2", "two", "dos"))
    ),
    ["dos", "uno", "tres"],
)
ORDER = Shown(
    5,
    Question(
        "o", Kind.ORDERING, "?", "p", items=(Item("i1", "1"), Item("i2", "2"), Item("i3", "3"))
    ),
    ["i3", "i1", "i2"],
)
ALL = [SINGLE, MULTI, SHORT, MATCH, ORDER]


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({}, {1: None, 2: None, 3: None, 4: None, 5: None}),
        (
            {
                "q1": ["1"],
                "q2": ["0", "2"],
                "q3": ["  Trauma bond "],
                "q4-0": ["1"],
                "q4-1": ["0"],
                "q5-0": ["3"],
                "q5-1": ["1"],
                "q5-2": ["2"],
            },
            {
                1: "a",
                2: frozenset({"b", "a"}),
                3: "Trauma bond",
                4: {"p1": "uno", "p2": "dos"},
                5: ("i1", "i2", "i3"),
            },
        ),
        (
            {"q4-1": ["2"], "q5-0": ["1"]},  # partial answers: unplaced items go last, as shown
            {1: None, 2: None, 3: None, 4: {"p2": "tres"}, 5: ("i3", "i1", "i2")},
        ),
        (
            {"csrf_token": ["x"], "action": ["submit"], "q1": [""]},
            {1: None, 2: None, 3: None, 4: None, 5: None},
        ),
    ],
    ids=["empty", "full", "partial", "controls"],
)
def test_parse_form(form, expected):
    assert parse_form(ALL, form) == expected


@pytest.mark.parametrize(
    "form",
    [
        {"q9": ["0"]},  # a question not in the attempt
        {"q1": ["0", "1"]},  # a second answer to a single-choice question
        {"q1": ["3"]},  # an option that was not offered
        {"q1": ["-1"]},
        {"q1": ["a"]},  # a choice id instead of a position
        {"q2": ["0", "0"]},
        {"q3": ["x" * 1001]},
        {"q4-2": ["0"]},  # a prompt that does not exist
        {"q4-0": ["3"]},
        {"q5-0": ["4"]},
        {"q5-0": ["0"]},
        {"is_admin": ["1"]},
    ],
)
def test_tampered_forms_are_refused(form):
    with pytest.raises(TamperedForm):
        parse_form(ALL, form)


def test_saved_responses_redisplay_and_round_trip():
    form = {
        "q1": ["1"],
        "q2": ["0", "2"],
        "q3": ["x"],
        "q4-0": ["1"],
        "q5-0": ["3"],
        "q5-1": ["1"],
        "q5-2": ["2"],
    }
    parsed = parse_form(ALL, form)
    for shown in ALL:
        response = parsed[shown.position]
        data = response_to_data(response)
        assert response_from_data(shown.question.kind, data) == response
        values = to_form_values(shown, response)
        assert parse_form([shown], values)[shown.position] == response
