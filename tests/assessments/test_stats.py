"""Item statistics and knowledge gain: hand-worked examples, edge cases and thresholds."""

from __future__ import annotations

import ast
import math
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from lms.assessments.stats import (
    NEGATIVE_DISCRIMINATION,
    NO_ANSWER,
    POOR_DISCRIMINATION,
    SMALL_SAMPLE,
    TOO_EASY,
    TOO_HARD,
    AttemptRecord,
    ItemResponse,
    QuizStats,
    item_flags,
    item_statistics,
    knowledge_gain,
)

STATS_PY = Path(__file__).resolve().parents[2] / "lms" / "assessments" / "stats.py"
DRAWS = "alpha not computed: attempts saw different questions"


def attempt(
    attempt_id: int,
    scores: dict[str, float],
    *,
    user: int | None = None,
    first: bool = True,
    points: dict[str, float] | None = None,
    answers: dict[str, tuple[str, ...]] | None = None,
    total: float | None = None,
) -> AttemptRecord:
    """Return an attempt with these fractions; its total is computed unless given."""
    points = points or {}
    answers = answers or {}
    items = tuple(
        ItemResponse(
            q,
            f,
            points.get(q, 1.0),
            answers.get(q, ("right",) if f == 1 else ("wrong",)),
        )
        for q, f in scores.items()
    )
    if total is None:
        max_marks = math.fsum(i.points for i in items)
        total = math.fsum(i.fraction * i.points for i in items) / max_marks if items else 0.0
    return AttemptRecord(attempt_id, attempt_id if user is None else user, first, total, items)


def matrix(rows: list[tuple[float, ...]], *, start: int = 1, **kwargs: object) -> list:
    """Return one first attempt per row; columns are questions q1, q2, ..."""
    return [
        attempt(start + i, {f"q{j + 1}": f for j, f in enumerate(row)}, **kwargs)  # type: ignore[arg-type]
        for i, row in enumerate(rows)
    ]


def by_id(stats: QuizStats) -> dict:
    """Return the item statistics by question id."""
    return {item.question_id: item for item in stats.items}


# -- The worked example -----------------------------------------------------------------------
#
# Five learners, three one-mark questions, first attempts only:
#
#   learner  q1 q2 q3  marks  total
#   A         1  1  1    3    1
#   B         1  1  0    2    2/3
#   C         1  0  1    2    2/3
#   D         0  1  0    1    1/3
#   E         0  0  0    0    0
#
# Facility: q1 = 3/5 = 0.6, q2 = 3/5 = 0.6, q3 = 2/5 = 0.4.
# SD (n - 1): q1 deviations 0.4 x3, -0.6 x2: SS = 3(0.16) + 2(0.36) = 1.2, var = 0.3,
#   sd = sqrt(0.3); q2 and q3 likewise (three and two ones of five): sd = sqrt(0.3).
#
# Item-rest correlation (correlation does not care that totals are marks / 3):
#   q1: x = 1 1 1 0 0, rest = 2 1 1 1 0; means 0.6, 1.0
#       dx = .4 .4 .4 -.6 -.6, dr = 1 0 0 0 -1
#       Sxr = .4 + .6 = 1.0, Sxx = 1.2, Srr = 2  ->  r = 1 / sqrt(2.4) = 0.6455
#       sorted: dx -.6 -.6 .4 .4 .4, dr -1 0 0 0 1 -> Smax = .6 + .4 = 1.0 -> DE = 1.0
#   q2: x = 1 1 0 1 0, rest = 2 1 2 0 0; means 0.6, 1.0
#       dx = .4 .4 -.6 .4 -.6, dr = 1 0 1 -1 -1
#       Sxr = .4 + 0 - .6 - .4 + .6 = 0  ->  r = 0, DE = 0
#       (sorted: dx -.6 -.6 .4 .4 .4, dr -1 -1 0 1 1 -> Smax = 2.0)
#   q3: x = 1 0 1 0 0, rest = 2 2 1 1 0; means 0.4, 1.2
#       dx = .6 -.4 .6 -.4 -.4, dr = .8 .8 -.2 -.2 -1.2
#       Sxr = .48 - .32 - .12 + .08 + .48 = 0.6, Sxx = 1.2,
#       Srr = .64 + .64 + .04 + .04 + 1.44 = 2.8  ->  r = .6 / sqrt(3.36) = 0.3273
#       sorted: dx -.4 -.4 -.4 .6 .6, dr -1.2 -.2 -.2 .8 .8
#       Smax = .48 + .08 + .08 + .48 + .48 = 1.6  ->  DE = .6 / 1.6 = 0.375
#
# Cronbach's alpha: item variances .3 + .3 + .3 = .9; marks 3 2 2 1 0, mean 1.6,
#   SS = 1.96 + .16 + .16 + .36 + 2.56 = 5.2, var = 1.3
#   alpha = 3/2 (1 - .9/1.3) = 6/13 = 0.4615
# Quiz: totals 1 2/3 2/3 1/3 0: mean 8/15, median 2/3, sd = sqrt(1.3)/3 = 0.3801
# SEM = sd * sqrt(1 - alpha) = sqrt(1.3)/3 * sqrt(7/13) = sqrt(0.7)/3 = 0.2789

WORKED = [(1, 1, 1), (1, 1, 0), (1, 0, 1), (0, 1, 0), (0, 0, 0)]


def test_worked_example_items() -> None:
    items = by_id(item_statistics(matrix(WORKED), small_n=5))
    q1, q2, q3 = items["q1"], items["q2"], items["q3"]
    assert (q1.n, q1.n_first) == (5, 5)
    assert q1.facility == pytest.approx(0.6)
    assert q2.facility == pytest.approx(0.6)
    assert q3.facility == pytest.approx(0.4)
    for item in (q1, q2, q3):
        assert item.sd == pytest.approx(math.sqrt(0.3))
    assert q1.discrimination == pytest.approx(1 / math.sqrt(2.4))
    assert q1.discriminative_efficiency == pytest.approx(1.0)
    assert q2.discrimination == pytest.approx(0.0, abs=1e-12)
    assert q2.discriminative_efficiency == pytest.approx(0.0, abs=1e-12)
    assert q3.discrimination == pytest.approx(0.6 / math.sqrt(3.36))
    assert q3.discriminative_efficiency == pytest.approx(0.375)


def test_worked_example_flags() -> None:
    items = by_id(item_statistics(matrix(WORKED), small_n=5))
    assert items["q1"].flags == ()
    assert items["q2"].flags == (POOR_DISCRIMINATION,)  # 0 < 0.25, and not below 0
    assert items["q3"].flags == ()
    # With the default small_n of 30, five learners are a small sample: no discrimination flags.
    default = by_id(item_statistics(matrix(WORKED)))
    assert all(item.flags == (SMALL_SAMPLE,) for item in default.values())


def test_worked_example_quiz() -> None:
    stats = item_statistics(matrix(WORKED), small_n=5)
    assert (stats.attempts, stats.first_attempts) == (5, 5)
    assert stats.mean == pytest.approx(8 / 15)
    assert stats.median == pytest.approx(2 / 3)
    assert stats.sd == pytest.approx(math.sqrt(1.3) / 3)
    assert (stats.min, stats.max) == (0.0, 1.0)
    assert stats.cronbach_alpha == pytest.approx(6 / 13)
    assert stats.standard_error == pytest.approx(math.sqrt(0.7) / 3)
    assert stats.small_sample is False
    assert stats.warnings == ()
    assert [item.question_id for item in stats.items] == ["q1", "q2", "q3"]


def test_weighted_questions_change_alpha_but_not_discrimination_of_a_fixed_form() -> None:
    # q1 worth 2 marks: contributions become 2/4, 1/4, 1/4. Rest of q1 = (q2 + q3) / 4, a
    # rescaling of the one-mark rest, so q1's discrimination is unchanged.
    points = {"q1": 2.0}
    items = by_id(item_statistics(matrix(WORKED, points=points), small_n=5))
    assert items["q1"].discrimination == pytest.approx(1 / math.sqrt(2.4))
    # Alpha by hand in marks: variances 4(.3) + .3 + .3 = 1.8; totals 4 3 3 1 0, mean 2.2,
    # SS = 3.24 + .64 + .64 + 1.44 + 4.84 = 10.8, var = 2.7; alpha = 1.5 (1 - 1.8/2.7) = 0.5
    stats = item_statistics(matrix(WORKED, points=points), small_n=5)
    assert stats.cronbach_alpha == pytest.approx(0.5)


def test_negative_discrimination() -> None:
    # The two strongest learners miss q3, the two weakest get it: rest of q3 = 2 2 0 0
    # against x = 0 0 1 1, a perfect negative correlation.
    rows = [(1, 1, 0), (1, 1, 0), (0, 0, 1), (0, 0, 1)]
    q3 = by_id(item_statistics(matrix(rows), small_n=4))["q3"]
    assert q3.discrimination == pytest.approx(-1.0)
    assert q3.flags == (POOR_DISCRIMINATION, NEGATIVE_DISCRIMINATION)


# -- Which attempts count ---------------------------------------------------------------------


def test_only_first_attempts_feed_discrimination_and_alpha() -> None:
    first = matrix(WORKED)
    # Learner E (user 5) retakes and gets everything right; learner A retakes and gets q1
    # wrong only. Were these counted, every correlation and alpha would change.
    retakes = [
        attempt(6, {"q1": 1, "q2": 1, "q3": 1}, user=5, first=False),
        attempt(7, {"q1": 0, "q2": 1, "q3": 1}, user=1, first=False),
    ]
    base = item_statistics(first, small_n=5)
    both = item_statistics(first + retakes, small_n=5)
    assert (both.attempts, both.first_attempts) == (7, 5)
    assert both.cronbach_alpha == base.cronbach_alpha
    assert both.standard_error == base.standard_error
    for before, after in zip(base.items, both.items, strict=True):
        assert after.discrimination == before.discrimination
        assert after.discriminative_efficiency == before.discriminative_efficiency
        assert after.n_first == before.n_first == 5
        assert after.n == 7
    # Descriptive figures use every attempt: q1 is right in 3 + 1 of 7 attempts.
    q1 = by_id(both)["q1"]
    assert q1.facility == pytest.approx(4 / 7)
    assert q1.sd == pytest.approx(math.sqrt((4 * (3 / 7) ** 2 + 3 * (4 / 7) ** 2) / 6))
    assert both.mean == pytest.approx((8 / 3 + 1 + 2 / 3) / 7)


def test_no_first_attempts() -> None:
    later = [attempt(i, {"q1": i % 2, "q2": 1}, first=False) for i in range(4)]
    stats = item_statistics(later)
    assert stats.first_attempts == 0
    assert stats.cronbach_alpha is None
    assert all(item.discrimination is None and item.n_first == 0 for item in stats.items)
    assert by_id(stats)["q1"].facility == pytest.approx(0.5)
    assert stats.warnings[0].startswith("no first attempts")


def test_learner_with_two_first_attempts_is_reported() -> None:
    attempts = matrix(WORKED)
    attempts.append(attempt(9, {"q1": 1, "q2": 0, "q3": 0}, user=1))
    stats = item_statistics(attempts)
    assert stats.first_attempts == 6
    assert any("1 learners have more than one first attempt" in w for w in stats.warnings)


# -- Edge cases -------------------------------------------------------------------------------


def test_no_attempts() -> None:
    stats = item_statistics([])
    assert stats == QuizStats(
        attempts=0,
        first_attempts=0,
        mean=None,
        median=None,
        sd=None,
        min=None,
        max=None,
        cronbach_alpha=None,
        standard_error=None,
        small_sample=True,
        items=(),
        warnings=("no attempts",),
    )


def test_one_attempt() -> None:
    stats = item_statistics([attempt(1, {"q1": 1, "q2": 0.5})])
    assert (stats.mean, stats.median, stats.min, stats.max) == (0.75, 0.75, 0.75, 0.75)
    assert stats.sd is None
    assert stats.cronbach_alpha is None and stats.standard_error is None
    assert "alpha not computed: fewer than 2 first attempts" in stats.warnings
    q1, q2 = stats.items
    assert (q1.n, q1.facility, q1.sd, q1.discrimination) == (1, 1.0, None, None)
    assert q2.facility == 0.5
    assert q1.flags == (TOO_EASY, SMALL_SAMPLE)


def test_zero_variance() -> None:
    # Everyone answers identically: no spread anywhere, so nothing to correlate.
    attempts = [attempt(i, {"q1": 1, "q2": 0.7, "q3": 0}) for i in range(40)]
    stats = item_statistics(attempts)
    assert stats.sd == 0.0
    assert stats.cronbach_alpha is None and stats.standard_error is None
    assert "alpha not computed: first-attempt totals do not vary" in stats.warnings
    for item in stats.items:
        assert item.sd == 0.0
        assert item.discrimination is None and item.discriminative_efficiency is None
    assert [item.flags for item in stats.items] == [(TOO_EASY,), (), (TOO_HARD,)]


def test_rounding_noise_is_not_spread() -> None:
    # A one-question quiz: rest = total - contribution is 0 up to rounding, which must not
    # become a correlation. Totals like 0.1 + 0.2 make the rounding real.
    attempts = [
        attempt(i, {"q1": f}, total=t)
        for i, (f, t) in enumerate([(0.3, 0.1 + 0.2), (0.7, 0.7), (0.1, 0.1), (0.9, 0.9)] * 10)
    ]
    stats = item_statistics(attempts)
    (q1,) = stats.items
    assert q1.discrimination is None
    assert q1.sd is not None and q1.sd > 0.3
    assert "alpha not computed: fewer than 2 questions" in stats.warnings


def test_question_nobody_answered() -> None:
    attempts = [attempt(i, {"q1": i % 2, "q2": 0}, answers={"q2": ()}) for i in range(1, 41)]
    q2 = by_id(item_statistics(attempts))["q2"]
    assert (q2.n, q2.facility, q2.sd) == (40, 0.0, 0.0)
    assert q2.discrimination is None
    assert dict(q2.response_counts) == {NO_ANSWER: 40}
    assert q2.flags == (TOO_HARD,)


def test_every_question_right() -> None:
    attempts = matrix([(1, 1, 1)] * 30)
    stats = item_statistics(attempts)
    assert stats.mean == stats.median == stats.min == stats.max == 1.0
    assert stats.sd == 0.0
    assert stats.cronbach_alpha is None
    for item in stats.items:
        assert (item.facility, item.sd, item.discrimination) == (1.0, 0.0, None)
        assert item.flags == (TOO_EASY,)


def test_attempt_without_questions_counts_in_the_quiz_figures_only() -> None:
    stats = item_statistics([attempt(1, {}, total=0.0), attempt(2, {"q1": 1})])
    assert stats.attempts == 2
    assert stats.mean == 0.5
    assert by_id(stats)["q1"].n == 1


def test_a_generator_is_read_once() -> None:
    stats = item_statistics(a for a in matrix(WORKED))
    assert stats.attempts == 5
    assert stats.cronbach_alpha == pytest.approx(6 / 13)


def test_results_are_immutable() -> None:
    stats = item_statistics(matrix(WORKED))
    with pytest.raises(FrozenInstanceError):
        stats.mean = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        stats.items[0].response_counts["right"] = 0  # type: ignore[index]


# -- Flags at their thresholds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("right", "flags"),
    [
        (10, (TOO_EASY,)),
        (9, ()),  # facility exactly 0.9: not "too easy"
        (3, ()),  # exactly 0.3: not "too hard"
        (2, (TOO_HARD,)),
        (0, (TOO_HARD,)),
    ],
)
def test_facility_thresholds_from_data(right: int, flags: tuple[str, ...]) -> None:
    attempts = [attempt(i, {"q1": 1.0 if i < right else 0.0}) for i in range(10)]
    (q1,) = item_statistics(attempts, small_n=10).items
    assert q1.facility == right / 10
    assert q1.flags == flags


@pytest.mark.parametrize(
    ("facility", "discrimination", "n_first", "flags"),
    [
        (0.9, 0.25, 30, ()),
        (0.9000001, 0.5, 30, (TOO_EASY,)),
        (0.3, 0.5, 30, ()),
        (0.2999999, 0.5, 30, (TOO_HARD,)),
        (0.5, 0.2499999, 30, (POOR_DISCRIMINATION,)),
        (0.5, 0.0, 30, (POOR_DISCRIMINATION,)),
        (0.5, -1e-9, 30, (POOR_DISCRIMINATION, NEGATIVE_DISCRIMINATION)),
        (0.5, None, 30, ()),
        (None, None, 0, (SMALL_SAMPLE,)),
        # One first attempt short of small_n: the sample is flagged, discrimination is not.
        (0.95, -0.5, 29, (TOO_EASY, SMALL_SAMPLE)),
    ],
)
def test_item_flags_thresholds(
    facility: float | None, discrimination: float | None, n_first: int, flags: tuple[str, ...]
) -> None:
    assert item_flags(facility, discrimination, n_first) == flags


def test_small_n_is_configurable() -> None:
    assert item_flags(0.5, 0.1, 5, small_n=5) == (POOR_DISCRIMINATION,)
    assert item_flags(0.5, 0.1, 4, small_n=5) == (SMALL_SAMPLE,)
    assert item_statistics(matrix(WORKED), small_n=6).small_sample is True
    assert item_statistics(matrix(WORKED), small_n=5).small_sample is False
    with pytest.raises(ValueError, match="small_n"):
        item_statistics([], small_n=0)


# -- Response counts --------------------------------------------------------------------------


def test_response_counts_with_no_answer_and_several_choices() -> None:
    answers = [("b",), ("a", "c"), (), ("c",), ("b",), ()]
    attempts = [attempt(i, {"q1": 0.0}, answers={"q1": answer}) for i, answer in enumerate(answers)]
    attempts.append(attempt(9, {"q1": 0.5}, first=False, user=0, answers={"q1": ("a",)}))
    (q1,) = item_statistics(attempts).items
    assert dict(q1.response_counts) == {"a": 2, "b": 2, "c": 2, NO_ANSWER: 2}
    assert list(q1.response_counts) == ["a", "b", "c", NO_ANSWER]  # sorted, no answer last


def test_no_answer_is_always_listed() -> None:
    (q1,) = item_statistics([attempt(1, {"q1": 1.0})]).items
    assert dict(q1.response_counts) == {"right": 1, NO_ANSWER: 0}


# -- Random draws -----------------------------------------------------------------------------


def test_drawn_questions_are_analysed_over_the_attempts_that_had_them() -> None:
    # q1 is in every attempt; q2 and q3 each in half of them.
    attempts = []
    for i in range(8):
        other = "q2" if i % 2 else "q3"
        attempts.append(attempt(i, {"q1": float(i >= 4), other: float(i >= 2)}))
    stats = item_statistics(attempts)
    items = by_id(stats)
    assert (items["q1"].n, items["q2"].n, items["q3"].n) == (8, 4, 4)
    assert items["q2"].facility == pytest.approx(3 / 4)  # i = 1, 3, 5, 7
    assert items["q3"].facility == pytest.approx(3 / 4)  # i = 2, 4, 6 of 0, 2, 4, 6
    assert stats.cronbach_alpha is None
    assert DRAWS in stats.warnings
    # q3's rest is q1's half of the total in the attempts that drew q3: 0 0 .5 .5 against
    # x = 0 1 1 1 for i = 0 2 4 6: a correlation of 1/sqrt(3).
    assert items["q3"].discrimination == pytest.approx(1 / math.sqrt(3))


def test_alpha_on_the_largest_group_that_saw_the_same_questions() -> None:
    # 30 first attempts saw q1-q3 (the worked example, six times over); 5 saw q1, q2, q4.
    same = matrix(WORKED * 6)
    others = [attempt(100 + i, {"q1": i % 2, "q2": 1, "q4": i % 3 == 0}) for i in range(5)]
    stats = item_statistics(same + others)
    alone = item_statistics(same)
    assert stats.cronbach_alpha == pytest.approx(alone.cronbach_alpha)
    assert stats.standard_error == pytest.approx(alone.standard_error)
    assert "alpha computed on the 30 of 35 first attempts that saw the same questions" in (
        stats.warnings
    )
    # Repeating the worked example scales every sum of squares alike (and the n - 1 cancels
    # in the ratio), so its alpha is still 6/13.
    assert stats.cronbach_alpha == pytest.approx(6 / 13)
    # One attempt fewer in the group and the group is too small: no alpha.
    fewer = item_statistics(same[1:] + others)
    assert fewer.cronbach_alpha is None
    assert DRAWS in fewer.warnings


def test_no_alpha_when_the_largest_common_group_has_one_question() -> None:
    singles = [attempt(i, {"q1": float(i % 3 == 0)}) for i in range(30)]
    pairs = [attempt(100 + i, {"q1": 1.0, "q2": float(i % 2)}) for i in range(10)]
    stats = item_statistics(singles + pairs)
    assert stats.cronbach_alpha is None
    assert [w for w in stats.warnings if "alpha" in w] == [DRAWS]


def test_questions_shown_in_different_orders_are_the_same_set() -> None:
    shuffled = [
        AttemptRecord(a.attempt_id, a.user_id, a.first, a.total, a.items[::-1])
        for a in matrix(WORKED)[::2]
    ]
    stats = item_statistics(shuffled + matrix(WORKED)[1::2])
    assert stats.cronbach_alpha == pytest.approx(6 / 13)


# -- Totals and validation --------------------------------------------------------------------


def test_totals_that_disagree_with_their_items_are_reported() -> None:
    attempts = matrix(WORKED)
    a = attempts[0]
    attempts[0] = AttemptRecord(a.attempt_id, a.user_id, a.first, 0.5, a.items)
    stats = item_statistics(attempts, small_n=5)
    assert any(w.startswith("1 attempts have totals that differ") for w in stats.warnings)
    assert stats.cronbach_alpha == pytest.approx(6 / 13)  # from the items' sum
    assert stats.max == pytest.approx(2 / 3)  # the recorded totals


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (AttemptRecord(1, 1, True, 1.5, ()), "total 1.5"),
        (AttemptRecord(1, 1, True, math.nan, ()), "total nan"),
        (AttemptRecord(1, 1, True, 0.0, (ItemResponse("q", -0.1, 1.0),)), "fraction -0.1"),
        (
            AttemptRecord(
                1, 1, True, 0.0, (ItemResponse("p", 0.0, 1), ItemResponse("q", math.nan, 1))
            ),
            "fraction nan",
        ),
        (AttemptRecord(1, 1, True, 0.0, (ItemResponse("q", 0.0, -1.0),)), "points -1.0"),
        (AttemptRecord(1, 1, True, 0.0, (ItemResponse("q", 0.0, math.inf),)), "points inf"),
        (
            AttemptRecord(1, 1, False, 0.0, (ItemResponse("q", 0, 1), ItemResponse("q", 0, 1))),
            "more than once",
        ),
    ],
)
def test_invalid_records_are_refused(record: AttemptRecord, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        item_statistics([record])


# -- Knowledge gain ---------------------------------------------------------------------------


def test_knowledge_gain_worked_example() -> None:
    # pre .2 .5 1 .3 (mean .5), post .6 .9 1 .5 (mean .75): gains .4 .4 0 .2, mean .25.
    # Hake's <g> of the means = .25 / (1 - .5) = .5.
    # Gain SD: deviations .15 .15 -.25 -.05, SS = .0225 + .0225 + .0625 + .0025 = .11, / 3.
    gain = knowledge_gain([(0.2, 0.6), (0.5, 0.9), (1.0, 1.0), (0.3, 0.5)], small_n=4)
    assert gain.n_pairs == 4
    assert gain.pre_mean == pytest.approx(0.5)
    assert gain.post_mean == pytest.approx(0.75)
    assert gain.mean_gain == pytest.approx(0.25)
    assert gain.gain_sd == pytest.approx(math.sqrt(0.11 / 3))
    assert gain.normalised_gain == pytest.approx(0.5)
    assert gain.at_ceiling == 1  # the learner with a perfect pretest still counts
    assert gain.small_sample is False


def test_knowledge_gain_everyone_at_ceiling() -> None:
    gain = knowledge_gain([(1.0, 1.0), (1.0, 0.8)])
    assert gain.mean_gain == pytest.approx(-0.1)
    assert gain.normalised_gain is None
    assert gain.at_ceiling == 2
    assert gain.small_sample is True


def test_knowledge_gain_can_be_negative() -> None:
    gain = knowledge_gain([(0.6, 0.4), (0.4, 0.4)])
    assert gain.normalised_gain == pytest.approx(-0.1 / 0.5)


def test_knowledge_gain_one_pair_and_none() -> None:
    one = knowledge_gain([(0.0, 1.0)])
    assert (one.mean_gain, one.gain_sd, one.normalised_gain) == (1.0, None, 1.0)
    empty = knowledge_gain([])
    assert empty.n_pairs == 0
    assert empty.pre_mean is None and empty.normalised_gain is None
    assert empty.small_sample is True


@pytest.mark.parametrize("pair", [(1.2, 0.5), (0.5, -0.1), (math.nan, 0.5)])
def test_knowledge_gain_refuses_scores_outside_0_1(pair: tuple[float, float]) -> None:
    with pytest.raises(ValueError, match="scores must be in"):
        knowledge_gain([pair])


# -- The module stays pure --------------------------------------------------------------------


def test_stats_module_is_pure() -> None:
    tree = ast.parse(STATS_PY.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    local = {name for name in imported if name.startswith("lms")}
    assert local <= {"lms.assessments.spec"}
    assert not {n.split(".")[0] for n in imported} & {"flask", "sqlalchemy", "werkzeug"}
    text = STATS_PY.read_text()
    for call in ("time.time(", "perf_counter(", "datetime.now(", "date.today(", "monotonic("):
        assert call not in text
