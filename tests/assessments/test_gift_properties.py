"""Property-based tests for GIFT: every valid question survives a round trip; no text crashes."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.assessments.gift import dump_gift, parse_gift
from lms.assessments.gift_text import WS, Marked, escape
from lms.assessments.spec import (
    Choice,
    Kind,
    NumericAnswer,
    Pair,
    Question,
    TextAnswer,
)

FAST = settings(
    max_examples=100,
    deadline=None,
    database=None,  # keep the work tree free of .hypothesis/
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces that mean something to GIFT, so texts hit escaping, markers and detection rules.
PIECES = st.sampled_from(
    [
        "~", "=", "#", "{", "}", ":", "\\", "\n", "%", "%50%", "%-25%", "->", "-", ">", "[",
        "]", "[html]", "[markdown]", "[plain]", "####", "#", "_____", "//", "::", "$CATEGORY:",
        "T", "TRUE", "FALSE", "\\n", "\\:", "..", "*", " ", "\t", "a", "word", "é", "\u2028",
        "&&058;", "\x85", "\xa0",
    ]
)  # fmt: skip
CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
raw_text = st.lists(st.one_of(PIECES, st.text(CHARS, max_size=4)), max_size=10).map("".join)
#: Texts as Harbor stores them: non-empty, no surrounding whitespace (GIFT trims it).
text = raw_text.map(lambda s: s.strip(WS) or "x")
optional = st.one_of(st.just(""), text)
#: GIFT cannot escape "->", so matching prompts and short answers go without it.
no_arrow = text.map(lambda s: s.replace("->", "- >"))
optional_no_arrow = st.one_of(st.just(""), no_arrow)
slug = st.lists(st.text("abcxyz0189", min_size=1, max_size=5), min_size=1, max_size=3).map("-".join)
tag = st.one_of(slug, text)

#: Weights GIFT carries exactly: simple fractions, and decimals away from them.
WEIGHTS = sorted(
    {Fraction(n, d) for d in range(1, 13) for n in range(-d, d + 1)}
    | {Fraction(v) / 100 for v in (5, 15, 35, 45, 62.5, -95, 6.25)}
)
weight = st.sampled_from(WEIGHTS)


def _choice_id(index: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[index]


@st.composite
def common(draw: st.DrawFn) -> dict:
    return {
        "id": draw(slug),
        "text": draw(text),
        "pool": draw(slug),
        "tags": tuple(draw(st.lists(tag, max_size=3, unique=True))),
        "points": draw(st.fractions(min_value=Fraction(1, 4), max_value=20, max_denominator=8)),
        "shuffle": draw(st.booleans()),
        "case_sensitive": draw(st.booleans()),
        "feedback": draw(optional),
    }  # fmt: skip


@st.composite
def choice_question(draw: st.DrawFn) -> Question:
    kind = draw(st.sampled_from([Kind.SINGLE, Kind.MULTIPLE]))
    weights = draw(st.lists(weight, min_size=2, max_size=5))
    if kind is Kind.SINGLE:
        weights[draw(st.integers(0, len(weights) - 1))] = Fraction(1)
    choices = tuple(
        Choice(_choice_id(i), draw(text), w, draw(optional)) for i, w in enumerate(weights)
    )
    return Question(kind=kind, choices=choices, **draw(common()))


@st.composite
def true_false_question(draw: st.DrawFn) -> Question:
    correct = draw(st.booleans())
    choices = (
        Choice("true", "True", Fraction(int(correct)), draw(optional)),
        Choice("false", "False", Fraction(int(not correct)), draw(optional)),
    )
    return Question(kind=Kind.TRUE_FALSE, choices=choices, **draw(common()))


@st.composite
def short_question(draw: st.DrawFn) -> Question:
    answers = draw(
        st.lists(st.builds(TextAnswer, no_arrow, weight, optional_no_arrow), min_size=1, max_size=4)
    )
    return Question(kind=Kind.SHORT, answers=tuple(answers), **draw(common()))


NUMBER = st.decimals(min_value=-10_000, max_value=10_000, places=2).map(str)
TOLERANCE = st.decimals(min_value=0, max_value=100, places=3).map(str)


@st.composite
def numeric_answer(draw: st.DrawFn) -> NumericAnswer:
    form = draw(st.sampled_from(["exact", "tolerance", "range", "any"]))
    w, feedback = draw(weight), draw(optional)
    if form == "exact":
        value = draw(NUMBER)
        return NumericAnswer(Decimal(value), Decimal(value), w, feedback, value)
    if form == "tolerance":
        value, delta = draw(NUMBER), draw(TOLERANCE)
        low, high = Decimal(value) - Decimal(delta), Decimal(value) + Decimal(delta)
        return NumericAnswer(low, high, w, feedback, f"{value} +- {delta}")
    if form == "range":
        low, high = sorted([draw(NUMBER), draw(NUMBER)], key=Decimal)
        return NumericAnswer(Decimal(low), Decimal(high), w, feedback, f"{low}..{high}")
    infinity = Decimal("Infinity")
    return NumericAnswer(-infinity, infinity, w, feedback, "*")


@st.composite
def numerical_question(draw: st.DrawFn) -> Question:
    numbers = tuple(draw(st.lists(numeric_answer(), min_size=1, max_size=4)))
    return Question(kind=Kind.NUMERICAL, numbers=numbers, **draw(common()))


@st.composite
def matching_question(draw: st.DrawFn) -> Question:
    prompts = draw(st.lists(no_arrow, min_size=1, max_size=4))
    pairs = tuple(Pair(f"p{i}", p, draw(text)) for i, p in enumerate(prompts, start=1))
    distractors = tuple(draw(st.lists(text, min_size=max(0, 2 - len(pairs)), max_size=2)))
    return Question(kind=Kind.MATCHING, pairs=pairs, distractors=distractors, **draw(common()))


question = st.one_of(
    choice_question(),
    true_false_question(),
    short_question(),
    numerical_question(),
    matching_question(),
)


def _unlined(questions) -> list[Question]:
    return [replace(q, line=0) for q in questions]


@FAST
@given(question)
def test_every_valid_question_round_trips(q):
    exported = dump_gift([q])
    assert exported.skipped == () and exported.problems == ()
    result = parse_gift(exported.text, "out.gift")
    assert result.problems == ()
    assert _unlined(result.questions) == [q]


@settings(FAST, max_examples=20)
@given(st.lists(question, min_size=2, max_size=4, unique_by=lambda q: q.id))
def test_question_lists_round_trip_with_their_pools(questions):
    exported = dump_gift(questions)
    assert exported.problems == ()
    result = parse_gift(exported.text, "out.gift", default_pool="unused")
    assert result.problems == ()
    assert _unlined(result.questions) == _unlined(questions)


@FAST
@given(raw_text)
def test_escaping_is_undone_by_reading(raw):
    read = Marked.read(escape(raw))
    assert read.text == raw
    assert read.find("{") == read.find("}") == read.find("~") == -1


gift_soup = st.lists(
    st.one_of(PIECES, st.sampled_from(["\n\n", "\n", "{", "}", "{#", "// [id:x]\n"]), raw_text),
    max_size=30,
).map("".join)


@settings(FAST, max_examples=150)
@given(st.one_of(st.text(), gift_soup))
def test_parse_never_raises(source):
    result = parse_gift(source, "any.gift")
    lines = source.count("\n") + 1
    for item in (*result.questions, *result.problems):
        assert 1 <= item.line <= lines
    assert all(p.path == "any.gift" for p in result.problems)
    assert len({q.id for q in result.questions}) == len(result.questions)


@settings(FAST, max_examples=40)
@given(question, st.integers(min_value=0), st.sampled_from(["", "{", "}", "\n\n", "~", "="]))
def test_damaged_exports_never_raise(q, at, insert):
    text = dump_gift([q]).text
    at %= len(text) + 1
    parse_gift(text[:at] + insert + text[at + 1 :], "damaged.gift")
