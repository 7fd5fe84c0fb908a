"""Property-based tests for scoring: valid questions of every kind, random responses."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction as F

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.assessments.scoring import (
    InvalidResponse,
    full_marks_response,
    key_problems,
    max_fraction,
    parse_number,
    score,
    total,
    wildcard_match,
)
from lms.assessments.spec import (
    Choice,
    Item,
    Kind,
    NumericAnswer,
    OrderingScoring,
    Pair,
    Question,
    Response,
    ScoreResult,
    TextAnswer,
)

FAST = settings(
    max_examples=200,
    deadline=None,
    database=None,  # keep the work tree free of .hypothesis/
    suppress_health_check=[HealthCheck.too_slow],
)
IDS = "abcdefgh"
#: Regex metacharacters, case pairs, NFKC-sensitive and casefold-sensitive characters.
WORD_CHARS = "abcXYZ.+?()[]^$|\\éß４ﬁ"


def fractions(low: int, high: int) -> st.SearchStrategy[F]:
    """Fractions in [low, high] with denominators up to 12 (one cheap draw each)."""
    span = range(1, 13)
    return st.sampled_from(sorted({F(n, d) for d in span for n in range(low * d, high * d + 1)}))


def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] with two places (one cheap draw each)."""
    return st.integers(low * 100, high * 100).map(lambda n: Decimal(n).scaleb(-2))


weights = fractions(-1, 1)
feedback = st.sampled_from(["", "Yes.", "No.", "Think about who gains."])
words = st.text(WORD_CHARS, min_size=1, max_size=5)
decimals = cents(-1000, 1000)
widths = cents(0, 10)
labels = st.builds(str.__add__, st.sampled_from("abcXYZé"), st.text("abc XYZ-é", max_size=7))


def question(kind: Kind, **fields: object) -> Question:
    return Question(id="q", kind=kind, text="?", pool="main", **fields)  # type: ignore[arg-type]


@st.composite
def choice_questions(draw: st.DrawFn, kind: Kind) -> Question:
    if kind is Kind.TRUE_FALSE:
        ids, ws = ["true", "false"], [F(1), draw(weights)]
        ws = ws if draw(st.booleans()) else ws[::-1]
    elif kind is Kind.MULTIPLE:  # positive weights add up to exactly 1, the rest are <= 0
        shares = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
        rest = draw(st.lists(fractions(-1, 0), max_size=3))
        ws = [F(s, sum(shares)) for s in shares] + rest
        ids = list(IDS[: len(ws)])
    else:
        ws = draw(st.lists(weights, min_size=2, max_size=6))
        ws[draw(st.integers(0, len(ws) - 1))] = F(1)
        ids = list(IDS[: len(ws)])
    choices = [Choice(i, f"option {i}", w, draw(feedback)) for i, w in zip(ids, ws, strict=True)]
    return question(kind, choices=tuple(draw(st.permutations(choices))))


@st.composite
def patterns(draw: st.DrawFn) -> str:
    """Words joined by spaces, with wildcards only at word edges (so a key always exists)."""
    edge = st.sampled_from(["", "*"])
    return " ".join(
        draw(edge) + w + draw(edge) for w in draw(st.lists(words, min_size=1, max_size=3))
    )


@st.composite
def short_questions(draw: st.DrawFn) -> Question:
    first = TextAnswer(draw(patterns()), F(1), draw(feedback))
    others = st.builds(TextAnswer, patterns(), weights, feedback)
    answers = (first, *draw(st.lists(others, max_size=3)))
    return question(Kind.SHORT, answers=answers, case_sensitive=draw(st.booleans()))


def numeric_answers(weight: st.SearchStrategy[F]) -> st.SearchStrategy[NumericAnswer]:
    return st.builds(
        lambda lo, w, *rest: NumericAnswer(lo, lo + w, *rest), decimals, widths, weight, feedback
    )


@st.composite
def numerical_questions(draw: st.DrawFn) -> Question:
    first = draw(numeric_answers(st.just(F(1))))
    return question(
        Kind.NUMERICAL, numbers=(first, *draw(st.lists(numeric_answers(weights), max_size=3)))
    )


@st.composite
def matching_questions(draw: st.DrawFn) -> Question:
    n, d = draw(st.integers(2, 5)), draw(st.integers(0, 3))
    texts = [
        f"{t} {k}" for k, t in enumerate(draw(st.lists(labels, min_size=n + d, max_size=n + d)))
    ]
    pairs = tuple(Pair(f"p{k}", f"prompt {k}", a) for k, a in enumerate(texts[:n], 1))
    return question(Kind.MATCHING, pairs=pairs, distractors=tuple(texts[n:]))


@st.composite
def ordering_questions(draw: st.DrawFn) -> Question:
    texts = [f"{t} {k}" for k, t in enumerate(draw(st.lists(labels, min_size=2, max_size=6)))]
    items = tuple(Item(f"i{k}", t) for k, t in enumerate(texts, 1))
    how = draw(st.sampled_from(OrderingScoring))
    return question(Kind.ORDERING, items=items, ordering_scoring=how)


valid_questions = st.one_of(
    choice_questions(Kind.SINGLE),
    choice_questions(Kind.TRUE_FALSE),
    choice_questions(Kind.MULTIPLE),
    short_questions(),
    numerical_questions(),
    matching_questions(),
    ordering_questions(),
)


def responses(q: Question) -> st.SearchStrategy[Response]:
    """Any response the question's form could send, answered or not."""
    ids = [c.id for c in q.choices]
    if q.kind in (Kind.SINGLE, Kind.TRUE_FALSE):
        answered: st.SearchStrategy[Response] = st.sampled_from(ids)
    elif q.kind is Kind.MULTIPLE:
        answered = st.frozensets(st.sampled_from(ids))
    elif q.kind is Kind.SHORT:
        typed = st.text(WORD_CHARS + " *\t\u3000")
        answered = st.one_of(typed, patterns(), st.sampled_from([a.pattern for a in q.answers]))
    elif q.kind is Kind.NUMERICAL:
        answered = st.one_of(decimals.map(str), st.text("0123456789+-.,e ４"), st.text())
    elif q.kind is Kind.MATCHING:
        offered = [p.answer for p in q.pairs] + [*q.distractors, ""]
        answered = st.dictionaries(
            st.sampled_from([p.id for p in q.pairs]), st.sampled_from(offered)
        )
    else:
        answered = st.permutations([i.id for i in q.items]).map(tuple) | st.just(())
    return st.none() | answered


def _in_range(result: ScoreResult) -> bool:
    return type(result.fraction) is F and 0 <= result.fraction <= 1


@FAST
@given(valid_questions, st.data())
def test_valid_questions_score_in_range(q: Question, data: st.DataObject) -> None:
    assert key_problems(q) == []  # the generators build only valid questions
    assert score(q, full_marks_response(q)).fraction == 1
    assert max_fraction(q) == 1
    result = score(q, data.draw(responses(q), label="response"))  # never raises
    assert _in_range(result)
    if q.kind is Kind.MATCHING:
        assert set(result.parts) == {p.id for p in q.pairs}
    if q.kind is Kind.ORDERING:
        assert set(result.parts) == {i.id for i in q.items}


@FAST
@given(
    st.one_of(choice_questions(k) for k in (Kind.SINGLE, Kind.TRUE_FALSE, Kind.MULTIPLE)), st.data()
)
def test_choice_scores_ignore_option_order(q: Question, data: st.DataObject) -> None:
    response = data.draw(responses(q))
    shuffled = question(q.kind, choices=tuple(data.draw(st.permutations(q.choices))))
    assert score(shuffled, response) == score(q, response)  # fraction and feedback tuple


@FAST
@given(matching_questions(), st.data())
def test_matching_scores_ignore_pair_and_distractor_order(q: Question, data: st.DataObject) -> None:
    response = data.draw(responses(q))
    pairs = tuple(data.draw(st.permutations(q.pairs)))
    distractors = tuple(data.draw(st.permutations(q.distractors)))
    shuffled = question(Kind.MATCHING, pairs=pairs, distractors=distractors)
    assert score(shuffled, response) == score(q, response)


@FAST
@given(ordering_questions(), st.data())
def test_only_the_correct_order_earns_full_marks(q: Question, data: st.DataObject) -> None:
    order = tuple(data.draw(st.permutations([i.id for i in q.items])))
    assert score(q, order).correct == (order == full_marks_response(q))


garbage = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(),
    st.frozensets(st.text("abi1p", max_size=2)),
    st.tuples(st.text("abi1p", max_size=2)),
    st.lists(st.sampled_from(["i1", "i2", "i3", 1])).map(tuple),
    st.dictionaries(st.text("p1", max_size=2), st.one_of(st.text(max_size=2), st.integers())),
)


@FAST
@given(valid_questions, garbage)
def test_garbage_is_rejected_or_scored_in_range(q: Question, response: object) -> None:
    try:
        result = score(q, response)  # type: ignore[arg-type]
    except InvalidResponse:
        return
    assert _in_range(result)


@FAST
@given(st.lists(st.tuples(fractions(0, 10), fractions(0, 1)), max_size=10))
def test_total_is_in_range(pairs: list[tuple[F, F]]) -> None:
    assert 0 <= total([(points, ScoreResult(f)) for points, f in pairs]) <= 1


@FAST
@given(st.text("ab*", max_size=8), st.text("ab*.", max_size=10))
def test_wildcard_match_agrees_with_a_regular_expression(pattern: str, text: str) -> None:
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    assert wildcard_match(text, pattern) == bool(re.fullmatch(regex, text, re.DOTALL))


@FAST
@given(st.builds(lambda n, e: Decimal(n).scaleb(e), st.integers(), st.integers(-30, 30)))
def test_parse_number_reads_plain_decimals(number: Decimal) -> None:
    assert parse_number(f" {number:f} ") == number


@FAST
@given(st.text())
def test_parse_number_never_raises(text: str) -> None:
    assert parse_number(text) is None or parse_number(text).is_finite()  # type: ignore[union-attr]
