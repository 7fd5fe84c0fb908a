"""Item statistics for quizzes, after Moodle's quiz statistics report; and knowledge gain.

Pure: plain data in, plain data out. No framework, database or clock. Every score is a float
in [0, 1] (a share of the marks): facility, SD, mean and standard error are on that scale, not
percentages as Moodle shows them, and correlations are plain coefficients in [-1, 1].

Which attempts each figure uses
-------------------------------
Moodle analyses each learner's first attempt by default: later attempts build on the feedback
of the earlier ones and break the assumptions item analysis rests on. Here:

* descriptive figures use **every** attempt that contained the question or quiz: ``n``,
  ``facility``, ``sd``, ``response_counts`` per question; ``attempts``, ``mean``, ``median``,
  ``sd``, ``min``, ``max`` per quiz;
* psychometric figures use **first attempts only** (``AttemptRecord.first``): discrimination,
  discriminative efficiency, Cronbach's alpha and its standard error; ``n_first`` says how
  many first attempts a question's discrimination rests on.

Formulas (n - 1 denominators throughout, as Moodle)
---------------------------------------------------
* facility = mean item fraction; sd = sample SD of the item fraction.
* An item's *contribution* to an attempt is ``fraction * points / sum(points of the attempt's
  items)``: its share of the attempt's 0..1 total. The *rest* score is ``total -
  contribution`` (Moodle: sum of marks minus this question's mark).
* discrimination = Pearson r(item fraction, rest), Moodle's "discrimination index" (item-rest,
  also called corrected item-total, correlation).
* discriminative efficiency = cov(item, rest) / cov_max, where cov_max pairs the item scores
  and the rest scores each sorted ascending: the largest covariance those two sets of values
  allow (Moodle's definition). It is at most 1 and can be far below -1.
* Cronbach's alpha = k / (k - 1) * (1 - sum(var item_i) / var(T)), items as contributions and
  T the sum of an attempt's contributions (which is its total when the total is consistent).
  Using the sum rather than the recorded total keeps alpha <= 1 exactly as the formula
  guarantees; a warning says when recorded totals disagree with their items.
* standard_error = SD(T) * sqrt(1 - alpha) (the standard error of measurement, Moodle's
  "standard error"), with T the first-attempt totals alpha was computed on. It is therefore
  not ``sd * sqrt(1 - alpha)`` when ``sd`` (over every attempt) differs from SD(T).

Questions drawn at random
-------------------------
Per-question figures cover the attempts that contained the question, and discrimination uses
those attempts' totals. An unanswered question that was shown scores 0 (Moodle's "latest
step" fraction) and counts as ``"(no answer)"``. Alpha needs a common set of items, so:

1. if every first attempt saw the same questions, alpha uses them all;
2. otherwise, if at least ``small_n`` first attempts saw one identical set of questions (the
   largest such group; ties go to the alphabetically first set), alpha is computed on that
   group, with a warning: with draws independent of ability it is an unbiased sample of
   learners, and the alpha is that of the form they sat;
3. otherwise alpha is None with the warning "alpha not computed: attempts saw different
   questions". (Moodle works per slot instead, treating whatever question filled a slot as
   one item; attempts here carry no slots, and a per-question pairwise method would cost
   O(k^2) per attempt.)

Numerics
--------
Means are ``math.fsum`` / n and sums of squares are taken about the mean (two-pass), so
results do not depend on the order of the attempts and are stable for scores near 0 or 1.
A spread whose root-mean-square deviation is below 1e-9 (float rounding, far finer than any
real score difference) counts as no spread: the SD is reported as 0.0 and correlations are
None. Correlations are clamped to [-1, 1] and alpha to at most 1 against last-bit rounding.

Cost: one pass over the attempts (a generator is fine) that keeps a few floats per response,
then a few passes over each question's column in C-implemented built-ins. The median and
discriminative efficiency need the values, so memory is O(responses). ``bench/stats.py`` times
10,000 attempts of 20 questions against the target of under 1 s.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import mul
from types import MappingProxyType
from typing import NamedTuple

__all__ = [
    "EASY_ABOVE",
    "HARD_BELOW",
    "NO_ANSWER",
    "NEGATIVE_DISCRIMINATION",
    "POOR_BELOW",
    "POOR_DISCRIMINATION",
    "SMALL_SAMPLE",
    "TOO_EASY",
    "TOO_HARD",
    "AttemptRecord",
    "Gain",
    "ItemResponse",
    "ItemStats",
    "QuizStats",
    "item_flags",
    "item_statistics",
    "knowledge_gain",
]

#: The response-count label of a question shown but left unanswered.
NO_ANSWER = "(no answer)"

TOO_EASY = "too easy"  #: facility > EASY_ABOVE
TOO_HARD = "too hard"  #: facility < HARD_BELOW
POOR_DISCRIMINATION = "poor discrimination"  #: discrimination < POOR_BELOW
NEGATIVE_DISCRIMINATION = "negative discrimination"  #: discrimination < 0
SMALL_SAMPLE = "small sample"  #: fewer than small_n first attempts contained the question

EASY_ABOVE = 0.9
HARD_BELOW = 0.3
POOR_BELOW = 0.25

#: Root-mean-square deviations below this are float rounding, not spread.
_NOISE = 1e-9
#: Recorded totals further than this from the sum of their items' contributions are reported.
_TOTAL_TOLERANCE = 1e-6
_INF = math.inf
_NOT_COMPUTED_DRAWS = "alpha not computed: attempts saw different questions"


@dataclass(frozen=True)
class ItemResponse:
    """One question as shown in one attempt, and how the learner did on it."""

    question_id: str
    fraction: float  #: the question's score, 0..1 (0 when shown but unanswered)
    points: float  #: the question's maximum marks in the attempt
    #: The options chosen (choice ids or answer labels); empty if unanswered.
    answer: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttemptRecord:
    """One submitted attempt at a quiz."""

    attempt_id: int
    user_id: int
    first: bool  #: the learner's first attempt at this quiz
    total: float  #: the attempt's score, 0..1
    items: tuple[ItemResponse, ...]


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one question over the attempts that contained it."""

    question_id: str
    n: int  #: attempts that contained the question
    n_first: int  #: first attempts that contained it (discrimination's sample)
    facility: float | None  #: mean fraction, 0..1; None when n == 0
    sd: float | None  #: sample SD of the fraction; None when n < 2
    #: Item-rest correlation on first attempts; None when n_first < 2 or either side is constant.
    discrimination: float | None
    #: cov(item, rest) / the largest covariance the values allow; None as discrimination.
    discriminative_efficiency: float | None
    #: Times each option or answer label was chosen, with NO_ANSWER; keys sorted, NO_ANSWER last.
    response_counts: Mapping[str, int]
    flags: tuple[str, ...]  #: see ``item_flags``


@dataclass(frozen=True)
class QuizStats:
    """Statistics of a quiz's attempts and of each question in it."""

    attempts: int
    first_attempts: int
    mean: float | None  #: of every attempt's total, 0..1
    median: float | None
    sd: float | None  #: sample SD of every attempt's total; None when attempts < 2
    min: float | None
    max: float | None
    cronbach_alpha: float | None  #: on first attempts; see the module docstring
    standard_error: float | None  #: of measurement, 0..1: SD(alpha's totals) * sqrt(1 - alpha)
    small_sample: bool  #: first_attempts < small_n
    items: tuple[ItemStats, ...]  #: sorted by question_id
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Gain:
    """Knowledge gain from a pretest to the final assessment's first attempt."""

    n_pairs: int
    pre_mean: float | None
    post_mean: float | None
    mean_gain: float | None  #: mean of the per-learner gains (post - pre)
    gain_sd: float | None  #: sample SD of the per-learner gains; None when n_pairs < 2
    #: Hake's <g> of the class means: (post_mean - pre_mean) / (1 - pre_mean); None when
    #: pre_mean == 1 (nothing left to gain) or there are no pairs.
    normalised_gain: float | None
    at_ceiling: int  #: learners with a perfect pretest (no individual gain possible)
    small_sample: bool  #: n_pairs < small_n


class _Column(NamedTuple):
    """What the pass over the attempts keeps about one question."""

    first_x: list[float]  #: its fraction in each first attempt that contained it
    first_c: list[float]  #: its contribution to that attempt's total
    first_rest: list[float]  #: that attempt's total minus the contribution
    later_x: list[float]  #: its fraction in each later attempt that contained it
    answers: list[tuple[str, ...]]  #: its answer in every attempt that contained it


class _Centred(NamedTuple):
    """Values centred on their mean."""

    mean: float
    deviations: list[float]
    ss: float  #: sum of squared deviations; 0.0 when only rounding noise


def _centred(values: list[float]) -> _Centred:
    """Return the mean of values, their deviations from it and the sum of their squares."""
    n = len(values)
    mean = math.fsum(values) / n
    deviations = [v - mean for v in values]
    ss = math.fsum(map(mul, deviations, deviations))
    return _Centred(mean, deviations, 0.0 if ss <= n * _NOISE * _NOISE else ss)


def _sample_sd(ss: float, n: int) -> float | None:
    """Return the sample SD from a sum of squared deviations, or None when n < 2."""
    return math.sqrt(ss / (n - 1)) if n >= 2 else None


def _clamp(value: float, low: float, high: float) -> float:
    """Return value limited to [low, high]."""
    return min(max(value, low), high)


def _discrimination(x: _Centred | None, rests: list[float]) -> tuple[float | None, float | None]:
    """Return the item-rest correlation and the discriminative efficiency, or Nones."""
    if x is None or len(rests) < 2 or x.ss == 0.0:
        return None, None
    r = _centred(rests)
    if r.ss == 0.0:
        return None, None
    sxr = math.fsum(map(mul, x.deviations, r.deviations))
    correlation = _clamp(sxr / math.sqrt(x.ss * r.ss), -1.0, 1.0)
    # Centring keeps the order, so sorting the deviations sorts the scores.
    sxr_max = math.fsum(map(mul, sorted(x.deviations), sorted(r.deviations)))
    efficiency = min(sxr / sxr_max, 1.0) if sxr_max > 0.0 else None
    return correlation, efficiency


def item_flags(
    facility: float | None, discrimination: float | None, n_first: int, *, small_n: int = 30
) -> tuple[str, ...]:
    """Return the warning flags for one question's figures.

    * ``"too easy"``: facility > 0.9; ``"too hard"``: facility < 0.3 (exact thresholds are not
      flagged). Set whatever the sample size: ``"small sample"`` says how far to trust them.
    * ``"small sample"``: fewer than ``small_n`` first attempts contained the question. The
      discrimination flags need first attempts, and every attempt count is at least the first
      attempt count, so this one check covers both samples.
    * ``"poor discrimination"``: discrimination < 0.25; ``"negative discrimination"``:
      discrimination < 0 (so a negative one carries both flags). Only set when at least
      ``small_n`` first attempts contained the question: a correlation's standard error is
      about 1 / sqrt(n), 0.18 at n = 30, so below that the flags would mostly be noise.
    """
    flags: list[str] = []
    if facility is not None:
        if facility > EASY_ABOVE:
            flags.append(TOO_EASY)
        elif facility < HARD_BELOW:
            flags.append(TOO_HARD)
    if n_first < small_n:
        flags.append(SMALL_SAMPLE)
    elif discrimination is not None:
        if discrimination < POOR_BELOW:
            flags.append(POOR_DISCRIMINATION)
        if discrimination < 0:
            flags.append(NEGATIVE_DISCRIMINATION)
    return tuple(flags)


def _response_counts(answers: list[tuple[str, ...]]) -> dict[str, int]:
    """Return how often each option was chosen, keys sorted, then NO_ANSWER."""
    chosen: dict[str, int] = {}
    unanswered = 0
    # Few distinct answers, many responses: count whole answers in C, then split them.
    for answer, times in Counter(answers).items():
        if not answer:
            unanswered += times
        for label in answer:
            chosen[label] = chosen.get(label, 0) + times
    chosen.pop(NO_ANSWER, None)  # an option labelled so would be ambiguous; never expected
    counts = {label: chosen[label] for label in sorted(chosen)}
    counts[NO_ANSWER] = unanswered
    return counts


def _item_stats(question_id: str, column: _Column, small_n: int) -> ItemStats:
    """Return the statistics of one question from what the pass kept about it."""
    first_x, later_x = column.first_x, column.later_x
    n_first, n_later = len(first_x), len(later_x)
    n = n_first + n_later
    facility: float | None = None
    sd: float | None = None
    first = _centred(first_x) if first_x else None
    if n:
        # The exact mean (so 9 right of 10 is exactly 0.9), and the sum of squares pooled from
        # the two groups' (Chan et al.), as first attempts are centred for discrimination anyway.
        facility = _clamp(math.fsum(first_x + later_x) / n, 0.0, 1.0)
        parts = [part for part in (first, _centred(later_x) if later_x else None) if part]
        ss = math.fsum(part.ss for part in parts)
        if len(parts) == 2:
            delta = parts[0].mean - parts[1].mean
            ss += n_first * n_later / n * delta * delta
        sd = _sample_sd(0.0 if ss <= n * _NOISE * _NOISE else ss, n)
    discrimination, efficiency = _discrimination(first, column.first_rest)
    return ItemStats(
        question_id=question_id,
        n=n,
        n_first=n_first,
        facility=facility,
        sd=sd,
        discrimination=discrimination,
        discriminative_efficiency=efficiency,
        response_counts=MappingProxyType(_response_counts(column.answers)),
        flags=item_flags(facility, discrimination, n_first, small_n=small_n),
    )


def _alpha(
    columns: Mapping[str, _Column],
    keys: list[frozenset[str]],
    rows: list[tuple[list[str], list[float]]],
    sums: list[float],
    small_n: int,
) -> tuple[float | None, float | None, list[str]]:
    """Return Cronbach's alpha, its standard error of measurement and warnings.

    Per first attempt, in step: ``keys`` its set of questions, ``rows`` its question ids and
    their contributions, ``sums`` the sum of those contributions.
    """
    if not keys:
        return None, None, []
    groups = Counter(keys)
    if len(groups) == 1:
        key = keys[0]
        n = len(keys)
        # Every first attempt saw these questions: their columns hold exactly these attempts.
        item_columns = [columns[q].first_c for q in sorted(key)]
        totals = sums
        note = None
    else:
        n = max(groups.values())
        key = min((k for k, size in groups.items() if size == n), key=sorted)
        if n < small_n:
            return None, None, [_NOT_COMPUTED_DRAWS]
        chosen = [i for i, k in enumerate(keys) if k == key]
        by_question = [dict(zip(*rows[i], strict=True)) for i in chosen]
        item_columns = [[row[q] for row in by_question] for q in sorted(key)]
        totals = [sums[i] for i in chosen]
        note = (
            f"alpha computed on the {n} of {len(keys)} first attempts that saw the same questions"
        )
    k = len(key)
    ss_total = _centred(totals).ss if n >= 2 else 0.0
    if k < 2 or n < 2 or ss_total == 0.0:
        if note:  # the largest common group is no use either
            return None, None, [_NOT_COMPUTED_DRAWS]
        if k < 2:
            return None, None, ["alpha not computed: fewer than 2 questions"]
        if n < 2:
            return None, None, ["alpha not computed: fewer than 2 first attempts"]
        return None, None, ["alpha not computed: first-attempt totals do not vary"]
    ss_items = math.fsum(_centred(column).ss for column in item_columns)
    alpha = min(k / (k - 1) * (1.0 - ss_items / ss_total), 1.0)
    sem = math.sqrt(ss_total / (n - 1)) * math.sqrt(1.0 - alpha)
    return alpha, sem, [note] if note else []


def _invalid(attempt: AttemptRecord) -> str:
    """Return why an attempt record is invalid (the hot loop only notices that it is)."""
    where = f"attempt {attempt.attempt_id}"
    if not 0.0 <= attempt.total <= 1.0:
        return f"{where}: total {attempt.total!r} is not in [0, 1]"
    seen: set[str] = set()
    for item in attempt.items:
        question = f"{where}, question {item.question_id!r}"
        if not 0.0 <= item.fraction <= 1.0:
            return f"{question}: fraction {item.fraction!r} is not in [0, 1]"
        if not 0.0 <= item.points < _INF:
            return f"{question}: points {item.points!r} is not a finite number >= 0"
        if item.question_id in seen:
            return f"{question}: listed more than once"
        seen.add(item.question_id)
    return f"{where}: points add up to more than a float holds"


def item_statistics(attempts: Iterable[AttemptRecord], *, small_n: int = 30) -> QuizStats:
    """Return item and quiz statistics for a quiz's submitted attempts.

    ``attempts`` is read once. See the module docstring for which attempts each figure uses,
    the formulas, and how random draws are handled. ``small_n`` is the number of first
    attempts below which figures are flagged as a small sample.

    Raises ValueError for a score outside [0, 1], negative or non-finite points, a question
    listed twice in one attempt, or ``small_n`` < 1.
    """
    if small_n < 1:
        raise ValueError(f"small_n must be at least 1, not {small_n}")
    columns: dict[str, _Column] = {}
    totals: list[float] = []
    first_keys: list[frozenset[str]] = []
    first_rows: list[tuple[list[str], list[float]]] = []
    first_sums: list[float] = []
    first_users: set[int] = set()
    repeat_first_users: set[int] = set()
    inconsistent = 0
    columns_get = columns.get
    # The hot loop: 200,000 responses in the benchmark, so the work per response is a
    # dictionary lookup and a few appends, and the work per attempt is done by comprehensions
    # and built-ins.
    for attempt in attempts:
        total = attempt.total
        items = attempt.items
        question_ids = [item.question_id for item in items]
        fractions = [item.fraction for item in items]
        points = [item.points for item in items]
        max_marks = sum(points)
        key = frozenset(question_ids)
        if (
            not 0.0 <= total <= 1.0
            or len(key) != len(items)
            or (
                items
                and not (
                    min(fractions) >= 0.0
                    and max(fractions) <= 1.0
                    and sum(fractions) >= 0.0  # min and max can miss a NaN; a sum cannot
                    and min(points) >= 0.0
                    and max_marks < _INF  # False for NaN too
                )
            )
        ):
            raise ValueError(_invalid(attempt))
        totals.append(total)
        share = 1.0 / max_marks if max_marks > 0.0 else 0.0
        contributions = [f * p * share for f, p in zip(fractions, points, strict=True)]
        attempt_sum = sum(contributions)
        if max_marks > 0.0 and abs(attempt_sum - total) > _TOTAL_TOLERANCE:
            inconsistent += 1
        first = attempt.first
        if first:
            first_keys.append(key)
            first_rows.append((question_ids, contributions))
            first_sums.append(attempt_sum)
            user_id = attempt.user_id
            if user_id in first_users:
                repeat_first_users.add(user_id)
            first_users.add(user_id)
            for question_id, fraction, contribution, item in zip(
                question_ids, fractions, contributions, items, strict=True
            ):
                column = columns_get(question_id)
                if column is None:
                    column = columns[question_id] = _Column([], [], [], [], [])
                first_x, first_c, first_rest, _, answers = column
                answers.append(item.answer)
                first_x.append(fraction)
                first_c.append(contribution)
                first_rest.append(total - contribution)
        else:
            for question_id, fraction, item in zip(question_ids, fractions, items, strict=True):
                column = columns_get(question_id)
                if column is None:
                    column = columns[question_id] = _Column([], [], [], [], [])
                column[3].append(fraction)  # later_x
                column[4].append(item.answer)  # answers

    n = len(totals)
    n_first = len(first_keys)
    warnings: list[str] = []
    if n == 0:
        warnings.append("no attempts")
    elif n_first == 0:
        warnings.append("no first attempts: discrimination and alpha need them")
    elif n_first < small_n:
        warnings.append(
            f"small sample: {n_first} first attempts (fewer than {small_n}); "
            "treat the figures as indicative"
        )
    if repeat_first_users:
        warnings.append(
            f"{len(repeat_first_users)} learners have more than one first attempt; all are used"
        )
    if inconsistent:
        warnings.append(
            f"{inconsistent} attempts have totals that differ from the sum of their items; "
            "alpha uses the items' sum"
        )
    alpha, sem, alpha_warnings = _alpha(columns, first_keys, first_rows, first_sums, small_n)
    warnings.extend(alpha_warnings)

    mean = median = sd = low = high = None
    if n:
        mean, _, ss = _centred(totals)
        sd = _sample_sd(ss, n)
        median = statistics.median(totals)
        low, high = min(totals), max(totals)
    return QuizStats(
        attempts=n,
        first_attempts=n_first,
        mean=mean,
        median=median,
        sd=sd,
        min=low,
        max=high,
        cronbach_alpha=alpha,
        standard_error=sem,
        small_sample=n_first < small_n,
        items=tuple(_item_stats(q, columns[q], small_n) for q in sorted(columns)),
        warnings=tuple(warnings),
    )


def knowledge_gain(pairs: Iterable[tuple[float, float]], *, small_n: int = 30) -> Gain:
    """Return the knowledge gain of learners from their pretest and final scores.

    Each pair is (pretest score, final assessment's first-attempt score), both 0..1.
    ``normalised_gain`` is Hake's <g> of the class means, (post - pre) / (1 - pre), as Hake
    defined it: unlike the mean of individual gains it is defined when some learners score
    full marks on the pretest (those learners still count in both means, and ``at_ceiling``
    says how many there are) and is not thrown about by one learner who pretested at 0.95.
    It is None when every learner scored full marks on the pretest.

    Raises ValueError for a score outside [0, 1].
    """
    pre: list[float] = []
    post: list[float] = []
    for before, after in pairs:
        if not (0.0 <= before <= 1.0 and 0.0 <= after <= 1.0):
            raise ValueError(f"scores must be in [0, 1], not ({before!r}, {after!r})")
        pre.append(before)
        post.append(after)
    n = len(pre)
    if n == 0:
        return Gain(0, None, None, None, None, None, 0, small_sample=True)
    pre_mean = math.fsum(pre) / n
    post_mean = math.fsum(post) / n
    gains = [after - before for before, after in zip(pre, post, strict=True)]
    mean_gain = math.fsum(gains) / n
    _, _, ss = _centred(gains)
    normalised = (post_mean - pre_mean) / (1.0 - pre_mean) if pre_mean < 1.0 else None
    return Gain(
        n_pairs=n,
        pre_mean=pre_mean,
        post_mean=post_mean,
        mean_gain=mean_gain,
        gain_sd=_sample_sd(ss, n),
        normalised_gain=normalised,
        at_ceiling=sum(1 for before in pre if before == 1.0),
        small_sample=n < small_n,
    )
