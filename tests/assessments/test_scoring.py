"""Scoring, answer keys and pass marks, table-driven: one row per kind and edge."""

from __future__ import annotations

import ast
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from lms.assessments import scoring
from lms.assessments.scoring import (
    SCORERS,
    InvalidResponse,
    full_marks_response,
    key_problems,
    max_fraction,
    passed,
    score,
    total,
)
from lms.assessments.spec import (
    Choice,
    Item,
    Kind,
    NumericAnswer,
    OrderingScoring,
    Pair,
    Question,
    ScoreResult,
    TextAnswer,
)


def question(kind: Kind, **fields: object) -> Question:
    return Question(id="q", kind=kind, text="?", pool="main", **fields)  # type: ignore[arg-type]


def choice_q(kind: Kind, *choices: tuple[str, F | int, str]) -> Question:
    return question(kind, choices=tuple(Choice(i, i.upper(), F(w), fb) for i, w, fb in choices))


def short_q(*answers: tuple[str, F | int, str], case_sensitive: bool = False) -> Question:
    texts = tuple(TextAnswer(p, F(w), fb) for p, w, fb in answers)
    return question(Kind.SHORT, answers=texts, case_sensitive=case_sensitive)


def numeric_q(*answers: tuple[str, str, F | int, str]) -> Question:
    numbers = tuple(NumericAnswer(Decimal(lo), Decimal(hi), F(w), fb) for lo, hi, w, fb in answers)
    return question(Kind.NUMERICAL, numbers=numbers)


def matching_q(answers: tuple[str, ...], distractors: tuple[str, ...] = ()) -> Question:
    pairs = tuple(Pair(f"p{n}", f"prompt {n}", a) for n, a in enumerate(answers, 1))
    return question(Kind.MATCHING, pairs=pairs, distractors=distractors)


def ordering_q(texts: str, scoring_: OrderingScoring = OrderingScoring.RELATIVE_NEXT) -> Question:
    items = tuple(Item(t, f"item {t}") for t in texts)
    return question(Kind.ORDERING, items=items, ordering_scoring=scoring_)


SINGLE = choice_q(Kind.SINGLE, ("a", 1, "Yes."), ("b", 0, "No."), ("c", F(1, 2), ""))
WEIRD = choice_q(Kind.SINGLE, ("a", F(-1, 2), "Harmful."), ("b", F(3, 2), "Capped."))
TF = choice_q(Kind.TRUE_FALSE, ("true", 0, "Not so."), ("false", 1, "Right."))
MULTI = choice_q(
    Kind.MULTIPLE,
    ("a", F(1, 2), "A."),
    ("b", F(1, 2), "B."),
    ("c", F(-1, 2), "C."),
    ("d", F(-1, 2), "D."),
    ("e", 0, ""),
)
OVER = choice_q(Kind.MULTIPLE, ("a", 1, ""), ("b", F(1, 2), ""))
SHORT = short_q(("mandated reporter", 1, "Yes."), ("*report*", F(1, 2), "Close."))
WILD = short_q(("*trafficking", 1, "start"), ("child * act", 1, "mid"), ("groom*", 1, "end"))
NUMERIC = numeric_q(
    ("42", "42", 1, "Exact."), ("41.5", "42.5", F(1, 2), "Near."), ("40", "44", F(1, 4), "")
)
NEGATIVE = numeric_q(("-10", "-5", 1, ""))
THOUSAND = numeric_q(("1000", "1000", 1, ""))
MATCH = matching_q(("trust", "money", "fear"), distractors=("luck",))
REL = ordering_q("ABCD")
AON = ordering_q("ABCD", OrderingScoring.ALL_OR_NOTHING)


def _r(fraction: F | int, *feedback: str, **parts: bool) -> ScoreResult:
    return ScoreResult(F(fraction), feedback, parts)


SCORE_CASES = [
    # single and true/false: the chosen choice's weight, floored at 0 and capped at 1
    pytest.param(SINGLE, "a", _r(1, "Yes."), id="single-right"),
    pytest.param(SINGLE, "b", _r(0, "No."), id="single-wrong"),
    pytest.param(SINGLE, "c", _r(F(1, 2)), id="single-partial-no-feedback"),
    pytest.param(WEIRD, "a", _r(0, "Harmful."), id="single-negative-floored"),
    pytest.param(WEIRD, "b", _r(1, "Capped."), id="single-capped"),
    pytest.param(SINGLE, None, _r(0), id="single-unanswered"),
    pytest.param(SINGLE, "", _r(0), id="single-blank"),
    pytest.param(TF, "false", _r(1, "Right."), id="tf-right"),
    pytest.param(TF, "true", _r(0, "Not so."), id="tf-wrong"),
    # multiple: weights add up, floored at 0, capped at 1; feedback in authored order
    pytest.param(MULTI, frozenset("ba"), _r(1, "A.", "B."), id="multi-right"),
    pytest.param(MULTI, frozenset("b"), _r(F(1, 2), "B."), id="multi-partial"),
    pytest.param(MULTI, frozenset("ac"), _r(0, "A.", "C."), id="multi-right-and-wrong"),
    pytest.param(MULTI, frozenset("acd"), _r(0, "A.", "C.", "D."), id="multi-negative-floored"),
    pytest.param(MULTI, frozenset("abcde"), _r(0, "A.", "B.", "C.", "D."), id="multi-select-all"),
    pytest.param(MULTI, frozenset("e"), _r(0), id="multi-zero-weight"),
    pytest.param(OVER, frozenset("ab"), _r(1), id="multi-capped"),
    pytest.param(MULTI, frozenset(), _r(0), id="multi-empty"),
    pytest.param(MULTI, None, _r(0), id="multi-unanswered"),
    # short answer: normalised, first accepted answer in authored order wins
    pytest.param(SHORT, "mandated reporter", _r(1, "Yes."), id="short-right"),
    pytest.param(SHORT, "  MANDATED\t  Reporter \n", _r(1, "Yes."), id="short-case-space"),
    pytest.param(SHORT, "reporter", _r(F(1, 2), "Close."), id="short-partial-wildcard"),
    pytest.param(SHORT, "police", _r(0), id="short-wrong"),
    pytest.param(SHORT, None, _r(0), id="short-unanswered"),
    pytest.param(SHORT, " \t ", _r(0), id="short-blank"),
    pytest.param(WILD, "sex trafficking", _r(1, "start"), id="wildcard-start"),
    pytest.param(WILD, "trafficking", _r(1, "start"), id="wildcard-start-empty-run"),
    pytest.param(WILD, "traffickings", _r(0), id="wildcard-start-anchored"),
    pytest.param(WILD, "child protection act", _r(1, "mid"), id="wildcard-middle"),
    pytest.param(WILD, "child act", _r(0), id="wildcard-between-spaces-needs-text"),
    pytest.param(WILD, "grooming", _r(1, "end"), id="wildcard-end"),
    pytest.param(WILD, "groom", _r(1, "end"), id="wildcard-end-empty-run"),
    pytest.param(WILD, "online grooming", _r(0), id="wildcard-end-anchored"),
    pytest.param(short_q(("*safe*plan*", 1, "")), "a safety plan, now", _r(1), id="wildcards"),
    pytest.param(short_q(("a.c", 1, "")), "abc", _r(0), id="dot-is-literal"),
    pytest.param(short_q(("c++ (a|b)?", 1, "")), "C++ (A|B)?", _r(1), id="metachars-literal"),
    pytest.param(short_q(("[ab]+", 1, "")), "a", _r(0), id="class-is-literal"),
    pytest.param(
        short_q(("CSEC", 1, ""), case_sensitive=True), "CSEC", _r(1), id="case-sensitive-right"
    ),
    pytest.param(
        short_q(("CSEC", 1, ""), case_sensitive=True), "csec", _r(0), id="case-sensitive-wrong"
    ),
    pytest.param(short_q(("42", 1, "")), "４２", _r(1), id="nfkc-full-width-digits"),
    pytest.param(short_q(("４２", 1, "")), "42", _r(1), id="nfkc-full-width-pattern"),
    pytest.param(short_q(("file", 1, "")), "ﬁle", _r(1), id="nfkc-ligature"),
    pytest.param(short_q(("café", 1, "")), "cafe\u0301", _r(1), id="nfkc-composed"),
    pytest.param(short_q(("straße", 1, "")), "STRASSE", _r(1), id="casefold"),
    pytest.param(short_q(("safe house", 1, "")), "safe\u3000house", _r(1), id="ideographic-space"),
    pytest.param(short_q(("police", F(-1, 2), "No.")), "police", _r(0, "No."), id="short-negative"),
    # numerical: plain decimals, first range (inclusive) in authored order wins
    pytest.param(NUMERIC, "42", _r(1, "Exact."), id="num-exact"),
    pytest.param(NUMERIC, "42.000", _r(1, "Exact."), id="num-exact-trailing-zeros"),
    pytest.param(NUMERIC, " +42 ", _r(1, "Exact."), id="num-spaces-plus"),
    pytest.param(NUMERIC, "４２", _r(1, "Exact."), id="num-full-width"),
    pytest.param(NUMERIC, "42.00001", _r(F(1, 2), "Near."), id="num-tolerance"),
    pytest.param(NUMERIC, "41.5", _r(F(1, 2), "Near."), id="num-tolerance-low-inclusive"),
    pytest.param(NUMERIC, "42.5", _r(F(1, 2), "Near."), id="num-tolerance-high-inclusive"),
    pytest.param(NUMERIC, "42.51", _r(F(1, 4)), id="num-range"),
    pytest.param(NUMERIC, "40", _r(F(1, 4)), id="num-range-low-inclusive"),
    pytest.param(NUMERIC, "44", _r(F(1, 4)), id="num-range-high-inclusive"),
    pytest.param(NUMERIC, "44.0001", _r(0), id="num-outside"),
    pytest.param(NUMERIC, "39.999", _r(0), id="num-below"),
    pytest.param(NEGATIVE, "-7", _r(1), id="num-negative"),
    pytest.param(NEGATIVE, "\u22127.5", _r(1), id="num-minus-sign"),
    pytest.param(NEGATIVE, "7", _r(0), id="num-sign-matters"),
    pytest.param(NEGATIVE, "-.5e1", _r(0), id="num-exponent-negative"),
    pytest.param(THOUSAND, "1000", _r(1), id="num-thousand"),
    pytest.param(THOUSAND, "1e3", _r(0), id="num-exponent-not-accepted"),
    pytest.param(THOUSAND, "1,000", _r(0), id="num-grouping-not-accepted"),
    pytest.param(THOUSAND, "1 000", _r(0), id="num-space-grouping-not-accepted"),
    pytest.param(NUMERIC, "forty-two", _r(0), id="num-words"),
    pytest.param(NUMERIC, "42abc", _r(0), id="num-trailing-text"),
    pytest.param(NUMERIC, "4²", _r(0), id="num-superscript"),
    pytest.param(NUMERIC, "NaN", _r(0), id="num-nan"),
    pytest.param(NUMERIC, "Infinity", _r(0), id="num-infinity"),
    pytest.param(NUMERIC, "0x2A", _r(0), id="num-hex"),
    pytest.param(NUMERIC, "", _r(0), id="num-blank"),
    pytest.param(NUMERIC, None, _r(0), id="num-unanswered"),
    # ordering, relative to the next item: correct A B C D
    pytest.param(REL, tuple("ABCD"), _r(1, A=True, B=True, C=True, D=True), id="rel-right"),
    pytest.param(  # B->C yes, C->D yes, D->A no: 2/3; A is last but belongs first
        REL, tuple("BCDA"), _r(F(2, 3), B=True, C=True, D=False, A=False), id="rel-rotated"
    ),
    pytest.param(  # A->B yes, B->D no, D->C no
        REL, tuple("ABDC"), _r(F(1, 3), A=True, B=False, D=False, C=False), id="rel-swap-end"
    ),
    pytest.param(REL, tuple("DCBA"), _r(0, D=False, C=False, B=False, A=False), id="rel-reverse"),
    pytest.param(REL, (), _r(0, A=False, B=False, C=False, D=False), id="rel-empty"),
    pytest.param(REL, None, _r(0, A=False, B=False, C=False, D=False), id="rel-unanswered"),
    pytest.param(ordering_q("A"), ("A",), _r(1, A=True), id="rel-one-item"),
    pytest.param(AON, tuple("ABCD"), _r(1, A=True, B=True, C=True, D=True), id="aon-right"),
    pytest.param(AON, tuple("ABDC"), _r(0, A=True, B=True, D=False, C=False), id="aon-one-off"),
    pytest.param(AON, tuple("BCDA"), _r(0, B=False, C=False, D=False, A=False), id="aon-rotated"),
    pytest.param(AON, ["A", "B", "C", "D"], _r(1, A=True, B=True, C=True, D=True), id="aon-list"),
]  # fmt: skip


@pytest.mark.parametrize(("q", "response", "expected"), SCORE_CASES)
def test_score(q: Question, response: object, expected: ScoreResult) -> None:
    result = score(q, response)  # type: ignore[arg-type]
    assert result == expected
    assert type(result.fraction) is F


MATCHING_CASES = [
    pytest.param({"p1": "trust", "p2": "money", "p3": "fear"}, F(1), "p1 p2 p3", id="all"),
    pytest.param({"p1": "trust", "p2": "fear", "p3": "money"}, F(1, 3), "p1", id="some"),
    pytest.param({"p1": "money", "p2": "fear", "p3": "trust"}, F(0), "", id="none"),
    pytest.param({"p1": "luck", "p2": "money", "p3": "fear"}, F(2, 3), "p2 p3", id="distractor"),
    pytest.param({"p2": "money"}, F(1, 3), "p2", id="missing-pairs-are-wrong"),
    pytest.param({"p1": "", "p2": "money", "p3": ""}, F(1, 3), "p2", id="blank-is-unchosen"),
    pytest.param({}, F(0), "", id="empty"),
    pytest.param(None, F(0), "", id="unanswered"),
]


@pytest.mark.parametrize(("response", "fraction", "right"), MATCHING_CASES)
def test_matching(response: dict[str, str] | None, fraction: F, right: str) -> None:
    """Share of pairs matched exactly (prompts: trust, money, fear; distractor: luck)."""
    parts = {pair.id: pair.id in right.split() for pair in MATCH.pairs}
    assert score(MATCH, response) == ScoreResult(fraction, (), parts)


def test_multiple_feedback_follows_authored_order_not_the_shuffle() -> None:
    shuffled = question(Kind.MULTIPLE, choices=tuple(reversed(MULTI.choices)))
    assert score(shuffled, frozenset("ba")).feedback == ("A.", "B.")


INVALID_CASES = [
    pytest.param(SINGLE, frozenset("a"), "expected one choice id, got frozenset", id="single-set"),
    pytest.param(SINGLE, ("a",), "expected one choice id", id="single-tuple"),
    pytest.param(SINGLE, "z", "no choice 'z'", id="single-unknown"),
    pytest.param(TF, "yes", "no choice 'yes'", id="tf-unknown"),
    pytest.param(MULTI, "a", "expected a set of choice ids, got str", id="multi-str"),
    pytest.param(MULTI, ("a", "b"), "expected a set", id="multi-tuple"),
    pytest.param(MULTI, frozenset({"a", "z"}), "no choice 'z'", id="multi-unknown"),
    pytest.param(MULTI, frozenset({1}), "no choice 1", id="multi-not-str"),
    pytest.param(SHORT, frozenset("a"), "expected typed text", id="short-set"),
    pytest.param(NUMERIC, 42, "expected typed text, got int", id="num-int"),
    pytest.param(NUMERIC, Decimal(42), "expected typed text", id="num-decimal"),
    pytest.param(MATCH, "trust", "expected pair ids mapped to answers", id="match-str"),
    pytest.param(MATCH, {"p9": "trust"}, "no pair 'p9'", id="match-unknown-pair"),
    pytest.param(MATCH, {"p1": "hope"}, "'hope' is not an answer offered", id="match-not-offered"),
    pytest.param(MATCH, {"p1": 1}, "1 is not an answer offered", id="match-not-str"),
    pytest.param(REL, "ABCD", "expected a sequence of item ids", id="order-str"),
    pytest.param(REL, frozenset("ABCD"), "expected a sequence", id="order-set"),
    pytest.param(REL, tuple("ABC"), "is not an order of the items", id="order-missing"),
    pytest.param(REL, tuple("ABCDA"), "is not an order", id="order-repeated"),
    pytest.param(REL, tuple("ABCE"), "is not an order", id="order-unknown"),
    pytest.param(REL, (1, 2, 3, 4), "is not an order", id="order-not-str"),
]


@pytest.mark.parametrize(("q", "response", "message"), INVALID_CASES)
def test_invalid_response(q: Question, response: object, message: str) -> None:
    with pytest.raises(InvalidResponse, match="question 'q': ") as raised:
        score(q, response)  # type: ignore[arg-type]
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)  # the web layer answers 400


KEY_CASES = [
    pytest.param(SINGLE, "a", 1, id="single"),
    pytest.param(TF, "false", 1, id="true-false"),
    pytest.param(MULTI, frozenset("ab"), 1, id="multiple"),
    pytest.param(choice_q(Kind.MULTIPLE, ("a", F(1, 2), "")), frozenset("a"), F(1, 2),
                 id="multiple-short-of-full"),
    pytest.param(choice_q(Kind.SINGLE), None, 0, id="single-no-choices"),
    pytest.param(SHORT, "mandated reporter", 1, id="short"),
    pytest.param(short_q(("*traffick*", 1, "")), "traffick", 1, id="short-wildcards-removed"),
    pytest.param(short_q(("*report*", 0, ""), ("reporter", 1, ""), ("mandated  *duty", 1, "")),
                 "mandated duty", 1, id="short-skips-shadowed-answer"),
    pytest.param(short_q(("a * b", 1, "")), "a b", 0, id="short-unreachable"),
    pytest.param(short_q(), "", 0, id="short-no-answers"),
    pytest.param(NUMERIC, "42", 1, id="numerical"),
    pytest.param(numeric_q(("41.5", "42.5", 1, "")), "41.5", 1, id="numerical-low-end"),
    pytest.param(numeric_q(("0", "5", 0, ""), ("5", "9", 1, "")), "9", 1, id="numerical-high-end"),
    pytest.param(numeric_q(("1E+3", "1E+3", 1, "")), "1000", 1, id="numerical-plain-digits"),
    pytest.param(MATCH, {"p1": "trust", "p2": "money", "p3": "fear"}, 1, id="matching"),
    pytest.param(REL, tuple("ABCD"), 1, id="ordering"),
]  # fmt: skip


@pytest.mark.parametrize(("q", "key", "best"), KEY_CASES)
def test_full_marks_response_and_max_fraction(q: Question, key: object, best: F | int) -> None:
    assert full_marks_response(q) == key
    assert max_fraction(q) == best
    assert score(q, full_marks_response(q)).fraction == best


GOOD_KEYS = [SINGLE, TF, MULTI, SHORT, WILD, NUMERIC, NEGATIVE, MATCH, REL, AON]


@pytest.mark.parametrize("q", GOOD_KEYS, ids=lambda q: q.kind.value)
def test_good_keys_have_no_problems(q: Question) -> None:
    assert key_problems(q) == []
    assert max_fraction(q) == 1


PROBLEM_CASES = [
    pytest.param(choice_q(Kind.SINGLE), "there are no choices", id="no-choices"),
    pytest.param(choice_q(Kind.SINGLE, ("a", F(1, 2), ""), ("b", 0, "")), "no choice is worth 100%",
                 id="single-no-full-marks"),
    pytest.param(choice_q(Kind.SINGLE, ("a", 1, ""), ("b", F(-3, 2), "")),
                 "choice 'b' has weight -150%, outside -100%..100%", id="weight-below"),
    pytest.param(choice_q(Kind.SINGLE, ("a", 2, "")), "choice 'a' has weight 200%",
                 id="weight-above"),
    pytest.param(choice_q(Kind.SINGLE, ("a", 1, ""), ("a", 0, "")), "choice id 'a' is used twice",
                 id="duplicate-choice-id"),
    pytest.param(choice_q(Kind.MULTIPLE, ("a", F(1, 2), ""), ("b", F(-1, 2), "")),
                 "positive weights add up to 50%, they must add up to 100%", id="multi-under"),
    pytest.param(choice_q(Kind.MULTIPLE, ("a", 1, ""), ("b", F(1, 2), "")),
                 "positive weights add up to 150%, they must add up to 100%", id="multi-over"),
    pytest.param(choice_q(Kind.MULTIPLE, ("a", F(1, 3), ""), ("b", F(1, 3), "")),
                 "positive weights add up to 66.67%", id="multi-thirds"),
    pytest.param(choice_q(Kind.MULTIPLE, ("a", 0, "")), "add up to 0%", id="multi-none-positive"),
    pytest.param(choice_q(Kind.TRUE_FALSE, ("yes", 1, ""), ("no", 0, "")),
                 "needs the choices 'true' and 'false', not ['no', 'yes']", id="tf-ids"),
    pytest.param(choice_q(Kind.TRUE_FALSE, ("true", 1, "")), "'true' and 'false'", id="tf-one"),
    pytest.param(choice_q(Kind.TRUE_FALSE, ("true", 0, ""), ("false", 0, "")),
                 "no choice is worth 100%", id="tf-no-full-marks"),
    pytest.param(short_q(), "there are no accepted answers", id="short-none"),
    pytest.param(short_q(("police", F(1, 2), "")), "no accepted answer is worth 100%",
                 id="short-no-full-marks"),
    pytest.param(short_q(("ok", 1, ""), ("  ", 0, "")), "answer '  ' is empty or only wildcards",
                 id="short-empty-pattern"),
    pytest.param(short_q(("* *", 1, "")), "answer '* *' is empty or only wildcards",
                 id="short-only-wildcards"),
    pytest.param(short_q(("ok", 1, ""), ("no", 5, "")), "answer 'no' has weight 500%",
                 id="short-weight"),
    pytest.param(short_q(("*report*", 0, ""), ("reporter", 1, "")),
                 "answer 'reporter' is worth 100% but cannot be reached", id="short-shadowed"),
    pytest.param(numeric_q(), "there are no accepted answers", id="num-none"),
    pytest.param(numeric_q(("44", "40", 1, "")), "answer '44..40' is not a number range",
                 id="num-low-above-high"),
    pytest.param(numeric_q(("NaN", "1", 1, "")), "answer 'NaN..1' is not a number range",
                 id="num-nan"),
    pytest.param(numeric_q(("42", "42", F(1, 2), "")), "no accepted answer is worth 100%",
                 id="num-no-full-marks"),
    pytest.param(numeric_q(("40", "44", 0, ""), ("42", "42", 1, "")),
                 "answer '42..42' is worth 100% but cannot be reached", id="num-shadowed"),
    pytest.param(matching_q(("trust",)), "needs at least 2 pairs", id="match-one-pair"),
    pytest.param(matching_q(("trust", "trust")), "answer 'trust' is offered twice",
                 id="match-duplicate-answer"),
    pytest.param(matching_q(("trust", "fear"), ("fear",)), "answer 'fear' is offered twice",
                 id="match-answer-is-distractor"),
    pytest.param(matching_q(("trust", " ")), "pair 'p2' has an empty answer", id="match-empty"),
    pytest.param(question(Kind.MATCHING, pairs=(Pair("p", "x", "a"), Pair("p", "y", "b"))),
                 "pair id 'p' is used twice", id="match-duplicate-id"),
    pytest.param(ordering_q("A"), "needs at least 2 items", id="order-one-item"),
    pytest.param(question(Kind.ORDERING, items=(Item("a", "Call"), Item("b", "Call"))),
                 "item 'Call' appears twice", id="order-duplicate-text"),
    pytest.param(question(Kind.ORDERING, items=(Item("a", "x"), Item("a", "y"))),
                 "item id 'a' is used twice", id="order-duplicate-id"),
]  # fmt: skip


@pytest.mark.parametrize(("q", "problem"), PROBLEM_CASES)
def test_key_problems(q: Question, problem: str) -> None:
    assert any(problem in p for p in key_problems(q)), key_problems(q)


def _results(*pairs: tuple[F | int, F | int]) -> list[tuple[F, ScoreResult]]:
    return [(F(points), ScoreResult(F(fraction))) for points, fraction in pairs]


TOTAL_CASES = [
    pytest.param([], F(0), id="no-questions"),
    pytest.param(_results((0, 1), (0, 1)), F(0), id="no-points"),
    pytest.param(_results((1, 1), (1, 0), (1, F(1, 2))), F(1, 2), id="equal-points"),
    pytest.param(_results((2, 1), (1, 0)), F(2, 3), id="weighted"),
    pytest.param(_results((1, F(1, 2)), (3, 1)), F(7, 8), id="weighted-partial"),
]


@pytest.mark.parametrize(("results", "expected"), TOTAL_CASES)
def test_total(results: list[tuple[F, ScoreResult]], expected: F) -> None:
    assert total(results) == expected


PASS_CASES = [
    pytest.param(F(4, 5), F(4, 5), True, id="exactly-the-mark"),
    pytest.param(F(7999, 10000), F(4, 5), False, id="just-below"),
    pytest.param(F(79999999999999999, 10**17), F(4, 5), False, id="below-by-1e-17"),
    pytest.param(F(1), F(1), True, id="full-marks-needed"),
    pytest.param(F(0), F(1, 100), False, id="nothing"),
    pytest.param(total(_results(*[(1, 1)] * 8, *[(1, 0)] * 2)), F(4, 5), True, id="8-of-10"),
    pytest.param(total(_results((F(1, 3), 1), (F(1, 3), 1), (F(1, 3), 0))), F(2, 3), True,
                 id="thirds"),
]  # fmt: skip


@pytest.mark.parametrize(("fraction", "pass_mark", "expected"), PASS_CASES)
def test_passed(fraction: F, pass_mark: F, expected: bool) -> None:
    assert passed(fraction, pass_mark) is expected


def test_float_arithmetic_would_fail_a_learner_who_passed() -> None:
    # Ten questions worth a tenth of the marks each; the learner gets eight right.
    tenths = _results(*[(F(1, 10), 1)] * 8, *[(F(1, 10), 0)] * 2)
    assert passed(total(tenths), F(4, 5))
    assert sum([0.1] * 8) < 0.8  # 0.7999999999999999: floats would fail this learner
    # Six correct options at 1/6 each add up to exactly full marks.
    sixths = choice_q(Kind.MULTIPLE, *[(c, F(1, 6), "") for c in "abcdef"])
    assert score(sixths, frozenset("abcdef")).correct
    assert sum([1 / 6] * 6) < 1  # 0.9999999999999999: not "correct" in floats


def test_passed_refuses_floats() -> None:
    with pytest.raises(TypeError, match="Fraction"):
        passed(0.8, F(4, 5))  # type: ignore[arg-type]


def test_every_kind_has_a_scorer_and_the_registry_is_read_only() -> None:
    assert set(SCORERS) == set(Kind)
    with pytest.raises(TypeError):
        SCORERS[Kind.SINGLE] = SCORERS[Kind.MULTIPLE]  # type: ignore[index]


def test_scoring_is_pure() -> None:
    tree = ast.parse(Path(scoring.__file__).read_text())
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    forbidden = ("flask", "sqlalchemy", "werkzeug", "lms.extensions", "lms.db", "lms.clock")
    assert not [m for m in modules if m.startswith(forbidden)]
    assert "datetime" not in modules and "time" not in modules
