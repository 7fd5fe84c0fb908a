"""Score responses against question specs, exactly: every fraction is a ``Fraction``.

Pure: no web framework, database or clock. ``score`` dispatches on the question's kind
through ``SCORERS``; a response no form of the question could have produced (wrong type,
unknown id) raises ``InvalidResponse``, while an unanswered question (``None`` or empty)
scores 0. ``full_marks_response``, ``max_fraction`` and ``key_problems`` serve the answer
key and ``lms content check``; ``total`` and ``passed`` turn scores into a pass or fail.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from types import MappingProxyType

from lms.assessments.spec import Kind, OrderingScoring, Question, Response, ScoreResult

Scorer = Callable[[Question, Response], ScoreResult]

_REGISTRY: dict[Kind, Scorer] = {}
#: The scorer of each question kind (read-only; filled by ``@scorer``).
SCORERS: Mapping[Kind, Scorer] = MappingProxyType(_REGISTRY)
ZERO = Fraction(0)
ONE = Fraction(1)
#: A plain decimal: optional sign, digits with an optional point. No exponent ("1e3"), no
#: grouping ("1,000" is 1000 in some locales and 1.0 in others), no "inf" or "nan". Digits
#: are any Unicode decimal digits ("４２", "٤٢"), which ``Decimal`` reads; "4²" is not 42.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_SIGNS = str.maketrans({"\u2212": "-", "\uff0d": "-", "\uff0b": "+", "\uff0e": "."})


class InvalidResponse(ValueError):
    """A response no form of the question could have sent: the request is bad, not the answer."""


def scorer(*kinds: Kind) -> Callable[[Scorer], Scorer]:
    """Register the decorated function as the scorer of ``kinds``."""

    def register(fn: Scorer) -> Scorer:
        for kind in kinds:
            _REGISTRY[kind] = fn
        return fn

    return register


def score(question: Question, response: Response) -> ScoreResult:
    """Score one response; raise ``InvalidResponse`` if it cannot come from the question's form."""
    return SCORERS[question.kind](question, response)


def _clamp(weight: Fraction) -> Fraction:
    return Fraction(min(max(weight, ZERO), ONE))


def _texts(*feedback: str) -> tuple[str, ...]:
    return tuple(text for text in feedback if text)


def _invalid(question: Question, problem: str, response: object = None) -> InvalidResponse:
    got = f", got {type(response).__name__}" if response is not None else ""
    return InvalidResponse(f"question {question.id!r}: {problem}{got}")


@scorer(Kind.SINGLE, Kind.TRUE_FALSE)
def _score_single(question: Question, response: Response) -> ScoreResult:
    if response is None or response == "":
        return ScoreResult(ZERO)
    if not isinstance(response, str):
        raise _invalid(question, "expected one choice id", response)
    choice = next((c for c in question.choices if c.id == response), None)
    if choice is None:
        raise _invalid(question, f"there is no choice {response!r}")
    return ScoreResult(_clamp(choice.weight), _texts(choice.feedback))


@scorer(Kind.MULTIPLE)
def _score_multiple(question: Question, response: Response) -> ScoreResult:
    if response is None:
        return ScoreResult(ZERO)
    if not isinstance(response, Set):
        raise _invalid(question, "expected a set of choice ids", response)
    choices = {c.id: c for c in question.choices}
    unknown = sorted(repr(c) for c in response if not isinstance(c, str) or c not in choices)
    if unknown:
        raise _invalid(question, f"there is no choice {', '.join(unknown)}")
    # Feedback in authored order, which is id order ("a".."z", "aa", ...), so neither the
    # response nor a shuffle of the choices reorders it.
    chosen = [choices[c] for c in sorted(response, key=lambda c: (len(c), c))]
    weight = sum((c.weight for c in chosen), ZERO)
    return ScoreResult(_clamp(weight), _texts(*(c.feedback for c in chosen)))


def _typed(question: Question, response: Response) -> str:
    if response is None:
        return ""
    if not isinstance(response, str):
        raise _invalid(question, "expected typed text", response)
    return response


def normalise(text: str, case_sensitive: bool = False) -> str:
    """Normalise typed text: NFKC, casefold (unless case-sensitive), collapse whitespace."""
    text = unicodedata.normalize("NFKC", text)
    if not case_sensitive:
        text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())


def wildcard_match(text: str, pattern: str) -> bool:
    """Return whether ``text`` matches ``pattern``, where ``*`` is any run of characters.

    Everything else is literal. Greedy and linear, with no regular expression to escape
    and no backtracking for a long answer to exploit.
    """
    if "*" not in pattern:
        return text == pattern
    first, *middle, last = pattern.split("*")
    end = len(text) - len(last)
    if not text.startswith(first) or not text.endswith(last) or end < len(first):
        return False
    at = len(first)
    for part in middle:
        found = text.find(part, at, end)
        if found < 0:
            return False
        at = found + len(part)
    return True


@scorer(Kind.SHORT)
def _score_short(question: Question, response: Response) -> ScoreResult:
    text = normalise(_typed(question, response), question.case_sensitive)
    if not text:
        return ScoreResult(ZERO)
    for answer in question.answers:
        if wildcard_match(text, normalise(answer.pattern, question.case_sensitive)):
            return ScoreResult(_clamp(answer.weight), _texts(answer.feedback))
    return ScoreResult(ZERO)


def parse_number(text: str) -> Decimal | None:
    """Parse a typed number (" -4.5 ", "+42", "４２"), or return ``None`` if it is not one."""
    text = text.strip().translate(_SIGNS)
    return Decimal(text) if _NUMBER.fullmatch(text) else None


@scorer(Kind.NUMERICAL)
def _score_numerical(question: Question, response: Response) -> ScoreResult:
    value = parse_number(_typed(question, response))
    if value is None:  # blank, or a typo: a wrong answer, not a bad request
        return ScoreResult(ZERO)
    for answer in question.numbers:
        if not (answer.low.is_nan() or answer.high.is_nan()) and answer.low <= value <= answer.high:
            return ScoreResult(_clamp(answer.weight), _texts(answer.feedback))
    return ScoreResult(ZERO)


@scorer(Kind.MATCHING)
def _score_matching(question: Question, response: Response) -> ScoreResult:
    response = {} if response is None else response
    if not isinstance(response, Mapping):
        raise _invalid(question, "expected pair ids mapped to answers", response)
    pairs = {p.id for p in question.pairs}
    offered = {p.answer for p in question.pairs} | set(question.distractors)
    for pair_id, answer in response.items():
        if pair_id not in pairs:
            raise _invalid(question, f"there is no pair {pair_id!r}")
        if not isinstance(answer, str) or (answer and answer not in offered):
            raise _invalid(question, f"{answer!r} is not an answer offered for {pair_id!r}")
    parts = {p.id: bool(p.answer) and response.get(p.id) == p.answer for p in question.pairs}
    fraction = Fraction(sum(parts.values()), len(parts)) if parts else ZERO
    return ScoreResult(fraction, parts=parts)


@scorer(Kind.ORDERING)
def _score_ordering(question: Question, response: Response) -> ScoreResult:
    right = [item.id for item in question.items]
    response = () if response is None else response
    if isinstance(response, str) or not isinstance(response, Sequence):
        raise _invalid(question, "expected a sequence of item ids", response)
    order = list(response)
    if not order:
        return ScoreResult(ZERO, parts=dict.fromkeys(right, False))
    if not all(isinstance(i, str) for i in order) or Counter(order) != Counter(right):
        raise _invalid(question, f"{order!r} is not an order of the items {right!r}")
    if question.ordering_scoring is OrderingScoring.ALL_OR_NOTHING:
        parts = {mine: mine == theirs for mine, theirs in zip(order, right, strict=True)}
        return ScoreResult(ONE if order == right else ZERO, parts=parts)
    follows = dict(pairwise(right))  # each item -> the item that should come next
    parts = {item: follows.get(item) == nxt for item, nxt in pairwise(order)}
    scored = sum(parts.values())
    parts[order[-1]] = order[-1] == right[-1]  # not scored; right if it belongs last
    fraction = Fraction(scored, len(order) - 1) if len(order) > 1 else ONE
    return ScoreResult(fraction, parts=parts)


def _candidates(question: Question) -> list[Response]:
    """Keys worth trying for typed answers, in authored order: one or two per answer."""
    if question.kind is Kind.SHORT:
        return [" ".join(a.pattern.replace("*", "").split()) for a in question.answers]
    return [format(x, "f") for n in question.numbers for x in (n.low, n.high) if x.is_finite()]


def full_marks_response(question: Question) -> Response:
    """Return the answer key: the response that earns the best achievable score.

    Single/true-false: the highest-weight choice; multiple: every positive-weight choice;
    matching: every pair's answer; ordering: the items in order. Short answer: an accepted
    pattern with its ``*`` wildcards removed (so "*traffick*" gives "traffick"); numerical:
    the low (else high) end of a range. Of those, the first in authored order that scores
    best, so an answer shadowed by an earlier one is passed over.
    """
    q = question
    if q.kind in (Kind.SINGLE, Kind.TRUE_FALSE):
        return max(q.choices, key=lambda c: c.weight).id if q.choices else None
    if q.kind is Kind.MULTIPLE:
        return frozenset(c.id for c in q.choices if c.weight > 0)
    if q.kind is Kind.MATCHING:
        return {p.id: p.answer for p in q.pairs}
    if q.kind is Kind.ORDERING:
        return tuple(item.id for item in q.items)
    candidates = _candidates(q)
    return max(candidates, key=lambda r: score(q, r).fraction) if candidates else ""


def max_fraction(question: Question) -> Fraction:
    """Return the best achievable fraction: the score of ``full_marks_response``.

    For typed answers the keys tried are those of the accepted answers, so an answer that
    only text other than its key can reach (its key is caught earlier) is not counted.
    """
    return score(question, full_marks_response(question)).fraction


def _percent(fraction: Fraction) -> str:
    share = Decimal(fraction.numerator * 100) / fraction.denominator
    return f"{share:f}%" if share == share.to_integral_value() else f"{share:.2f}%"


def _duplicates(values: Iterable[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _weights(labelled: Iterable[tuple[str, Fraction]]) -> list[str]:
    bad = [(label, w) for label, w in labelled if not -1 <= w <= 1]
    return [f"{label} has weight {_percent(w)}, outside -100%..100%" for label, w in bad]


def _choice_problems(q: Question) -> list[str]:
    if not q.choices:
        return ["there are no choices"]
    problems = [f"choice id {d!r} is used twice" for d in _duplicates(c.id for c in q.choices)]
    problems += _weights((f"choice {c.id!r}", c.weight) for c in q.choices)
    ids = sorted(c.id for c in q.choices)
    if q.kind is Kind.TRUE_FALSE and ids != ["false", "true"]:
        problems.append(f"a true/false question needs the choices 'true' and 'false', not {ids}")
    if q.kind is Kind.MULTIPLE:
        positive = sum((c.weight for c in q.choices if c.weight > 0), ZERO)
        if positive != 1:
            problems.append(
                f"positive weights add up to {_percent(positive)}, they must add up to 100%"
            )
    elif not any(c.weight >= 1 for c in q.choices):
        problems.append("no choice is worth 100%")
    return problems


def _typed_problems(q: Question) -> list[str]:
    if q.kind is Kind.SHORT:
        labelled = [(f"answer {a.pattern!r}", a.weight) for a in q.answers]
        bad = [not normalise(a.pattern).replace("*", "").strip() for a in q.answers]
        why = "is empty or only wildcards"
    else:
        labelled = [(f"answer {n.source or f'{n.low}..{n.high}'!r}", n.weight) for n in q.numbers]
        bad = [n.low.is_nan() or n.high.is_nan() or n.low > n.high for n in q.numbers]
        why = "is not a number range (low must be <= high)"
    if not labelled:
        return ["there are no accepted answers"]
    problems = [f"{label} {why}" for (label, _), wrong in zip(labelled, bad, strict=True) if wrong]
    problems += _weights(labelled)
    full = [label for label, weight in labelled if weight >= 1]
    if not full:
        problems.append("no accepted answer is worth 100%")
    elif not problems and max_fraction(q) < 1:
        problems.append(
            f"{full[0]} is worth 100% but cannot be reached: its key is taken by an earlier"
            " answer or needs text where the wildcard is (a '*' between spaces is not empty)"
        )
    return problems


def _matching_problems(q: Question) -> list[str]:
    problems = [] if len(q.pairs) >= 2 else ["a matching question needs at least 2 pairs"]
    problems += [f"pair id {d!r} is used twice" for d in _duplicates(p.id for p in q.pairs)]
    problems += [f"pair {p.id!r} has an empty answer" for p in q.pairs if not p.answer.strip()]
    offered = [p.answer for p in q.pairs] + list(q.distractors)
    problems += [f"answer {d!r} is offered twice" for d in _duplicates(offered)]
    return problems


def _ordering_problems(q: Question) -> list[str]:
    problems = [] if len(q.items) >= 2 else ["an ordering question needs at least 2 items"]
    problems += [f"item id {d!r} is used twice" for d in _duplicates(i.id for i in q.items)]
    problems += [f"item {d!r} appears twice" for d in _duplicates(i.text for i in q.items)]
    return problems


def key_problems(question: Question) -> list[str]:
    """List what is wrong with a question's answer key, for ``lms content check``.

    Each message names the offending choice, answer, pair or item. An empty list means the
    key is sound, and then ``max_fraction(question) == 1``.
    """
    checks = {Kind.SHORT: _typed_problems, Kind.NUMERICAL: _typed_problems}
    checks |= {Kind.MATCHING: _matching_problems, Kind.ORDERING: _ordering_problems}
    return checks.get(question.kind, _choice_problems)(question)


def total(results: Sequence[tuple[Fraction, ScoreResult]]) -> Fraction:
    """Return the share of marks earned: sum of points x fraction over total points (0 if none)."""
    points = sum((p for p, _ in results), ZERO)
    if points == 0:
        return ZERO
    return sum((p * r.fraction for p, r in results), ZERO) / points


def passed(fraction: Fraction, pass_mark: Fraction) -> bool:
    """Return whether ``fraction`` reaches ``pass_mark``, compared exactly (floats refused)."""
    if isinstance(fraction, float) or isinstance(pass_mark, float):
        raise TypeError("compare marks as Fraction, never float: 0.8 is not exactly 4/5")
    return fraction >= pass_mark
