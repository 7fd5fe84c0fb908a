"""Property-based tests for item statistics: ranges, order invariance, a naive reference."""

from __future__ import annotations

import math
import statistics

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.assessments.stats import (
    NEGATIVE_DISCRIMINATION,
    NO_ANSWER,
    POOR_DISCRIMINATION,
    SMALL_SAMPLE,
    TOO_EASY,
    TOO_HARD,
    AttemptRecord,
    ItemResponse,
    item_statistics,
    knowledge_gain,
)

FAST = settings(
    max_examples=50,
    deadline=None,
    database=None,  # keep the work tree free of .hypothesis/
    suppress_health_check=[HealthCheck.too_slow],
)
FLAGS = {TOO_EASY, TOO_HARD, POOR_DISCRIMINATION, NEGATIVE_DISCRIMINATION, SMALL_SAMPLE}
QUESTIONS = ("q1", "q2", "q3", "q4")

# Scores as a scorer produces them (shares of marks), and arbitrary ones in [0, 1].
fractions = st.one_of(st.sampled_from([0.0, 0.25, 1 / 3, 0.5, 1.0]), st.floats(0.0, 1.0))
answers = st.lists(st.sampled_from("abcd"), max_size=3, unique=True).map(tuple)
responses_ = st.tuples(fractions, st.sampled_from([0.5, 1.0, 2.0]), answers)


@st.composite
def attempt_records(draw: st.DrawFn, *, fixed: bool) -> AttemptRecord:
    """Draw one attempt; with ``fixed`` it shows every question, else a random subset."""
    shown = QUESTIONS if fixed else draw(st.sets(st.sampled_from(QUESTIONS)).map(sorted))
    responses = draw(st.lists(responses_, min_size=len(shown), max_size=len(shown)))
    items = tuple(ItemResponse(q, *response) for q, response in zip(shown, responses, strict=True))
    max_marks = math.fsum(i.points for i in items)
    consistent = math.fsum(i.fraction * i.points for i in items) / max_marks if items else 0.0
    total = draw(st.one_of(st.just(min(consistent, 1.0)), st.floats(0.0, 1.0)))
    user_id, first = draw(st.tuples(st.integers(1, 30), st.booleans()))
    return AttemptRecord(user_id * 100 + len(items), user_id, first, total, items)


attempt_lists = st.one_of(
    st.lists(attempt_records(fixed=True), max_size=25),
    st.lists(attempt_records(fixed=False), max_size=25),
)


@FAST
@given(attempt_lists, st.integers(1, 40))
def test_figures_stay_in_range(attempts: list[AttemptRecord], small_n: int) -> None:
    stats = item_statistics(attempts, small_n=small_n)
    assert stats.attempts == len(attempts)
    assert stats.first_attempts == sum(a.first for a in attempts)
    assert stats.small_sample == (stats.first_attempts < small_n)
    if attempts:
        assert stats.min <= stats.median <= stats.max
        assert stats.min <= stats.mean <= stats.max or math.isclose(stats.mean, stats.min)
    refused = [w for w in stats.warnings if w.startswith("alpha not computed")]
    assert len(refused) == (stats.first_attempts > 0 and stats.cronbach_alpha is None)
    if stats.cronbach_alpha is not None:
        assert stats.cronbach_alpha <= 1.0
        assert stats.standard_error is not None and stats.standard_error >= 0.0
    else:
        assert stats.standard_error is None
    for item in stats.items:
        assert 0 <= item.n_first <= item.n
        assert item.facility is not None and 0.0 <= item.facility <= 1.0
        assert item.sd is None or 0.0 <= item.sd <= 1.0
        if item.discrimination is None:
            assert item.discriminative_efficiency is None
        else:
            assert -1.0 <= item.discrimination <= 1.0
        if item.discriminative_efficiency is not None:
            assert item.discriminative_efficiency <= 1.0
        assert set(item.flags) <= FLAGS
        # Every attempt adds a NO_ANSWER or at least one option.
        assert sum(item.response_counts.values()) >= item.n
        assert list(item.response_counts)[-1] == NO_ANSWER


@FAST
@given(attempt_lists, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_of_attempts(
    attempts: list[AttemptRecord], rnd: object
) -> None:
    shuffled = list(attempts)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert item_statistics(shuffled) == item_statistics(attempts)


@FAST
@given(st.lists(attempt_records(fixed=True), min_size=2, max_size=25))
def test_matches_a_naive_reference(attempts: list[AttemptRecord]) -> None:
    """Facility, discrimination and alpha agree with a direct use of ``statistics``."""
    stats = item_statistics(attempts)
    first = [a for a in attempts if a.first]
    for item in stats.items:
        q = item.question_id
        scores = [i.fraction for a in attempts for i in a.items if i.question_id == q]
        assert item.facility == statistics.fmean(scores)
        x, rest = [], []
        for a in first:
            (response,) = [i for i in a.items if i.question_id == q]
            max_marks = sum(i.points for i in a.items)
            x.append(response.fraction)
            rest.append(a.total - response.fraction * response.points / max_marks)
        try:
            expected = statistics.correlation(x, rest)
        except statistics.StatisticsError:  # fewer than 2 points, or one side constant
            expected = None
        if expected is None:
            assert item.discrimination is None
        elif item.discrimination is None:
            # The reference correlated rounding noise, which stats.py counts as no spread.
            assert min(statistics.pstdev(x), statistics.pstdev(rest)) < 1e-9
        else:
            assert math.isclose(item.discrimination, expected, rel_tol=1e-6, abs_tol=1e-6)
    if stats.cronbach_alpha is not None:
        contributions = [
            [i.fraction * i.points / sum(j.points for j in a.items) for i in a.items] for a in first
        ]
        k = len(QUESTIONS)
        item_variance = sum(
            statistics.variance(column) for column in zip(*contributions, strict=True)
        )
        total_variance = statistics.variance([sum(row) for row in contributions])
        expected_alpha = k / (k - 1) * (1 - item_variance / total_variance)
        assert math.isclose(stats.cronbach_alpha, expected_alpha, rel_tol=1e-6, abs_tol=1e-9)


@FAST
@given(st.lists(st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)), max_size=50))
def test_knowledge_gain_properties(pairs: list[tuple[float, float]]) -> None:
    gain = knowledge_gain(pairs)
    assert gain.n_pairs == len(pairs)
    assert knowledge_gain(reversed(pairs)) == gain
    if not pairs:
        return
    assert gain.mean_gain is not None and gain.pre_mean is not None
    assert math.isclose(gain.mean_gain, gain.post_mean - gain.pre_mean, abs_tol=1e-12)
    assert -1.0 <= gain.mean_gain <= 1.0
    if gain.normalised_gain is None:
        assert all(pre == 1.0 for pre, _ in pairs)
    else:
        assert gain.normalised_gain <= 1.0 + 1e-12
