"""Drawing questions (least-seen first) and shuffling options."""

import random
from collections import Counter
from fractions import Fraction as F

from lms.assessments.draw import display_order, draw_questions
from lms.assessments.spec import Choice, Draw, Item, Kind, Pair, Question, QuizSettings


def q(qid: str, pool: str = "p", kind: Kind = Kind.SINGLE, **kw) -> Question:
    choices = kw.pop(
        "choices",
        (
            Choice("a", "A", F(1)),
            Choice("b", "B", F(0)),
            Choice("c", "C", F(0)),
            Choice("d", "D", F(0)),
        ),
    )
    return Question(qid, kind, f"Stem {qid}", pool, choices=choices, **kw)


POOLS = [q(f"a{i}", "alpha") for i in range(6)] + [q(f"b{i}", "beta") for i in range(3)]
SETTINGS = QuizSettings(draws=(Draw("alpha", 2), Draw("beta", 1)))


def test_draw_takes_the_counted_number_from_each_pool():
    chosen = draw_questions(POOLS, SETTINGS, {}, random.Random(1))
    pools = Counter(x.pool for x in chosen)
    assert pools == {"alpha": 2, "beta": 1}


def test_no_draws_means_every_question_in_order_unless_shuffled():
    settings = QuizSettings(shuffle_questions=False)
    assert draw_questions(POOLS, settings, {}, random.Random(1)) == POOLS
    shuffled = draw_questions(POOLS, QuizSettings(), {}, random.Random(1))
    assert sorted(x.id for x in shuffled) == sorted(x.id for x in POOLS)


def test_unseen_questions_are_preferred():
    seen: Counter[str] = Counter()
    rng = random.Random(7)
    for _ in range(3):  # 3 attempts x 2 from a pool of 6: every question exactly once
        chosen = draw_questions(POOLS, SETTINGS, seen, rng)
        seen.update(x.id for x in chosen)
    assert all(seen[f"a{i}"] == 1 for i in range(6))
    assert all(seen[f"b{i}"] == 1 for i in range(3))


def test_display_order_shuffles_choices_and_keeps_true_false():
    rng = random.Random(3)
    orders = {tuple(display_order(q("x"), rng)) for _ in range(30)}
    assert len(orders) > 1 and all(sorted(o) == ["a", "b", "c", "d"] for o in orders)
    fixed = q("y", shuffle=False)
    assert display_order(fixed, rng) == ["a", "b", "c", "d"]
    tf = q(
        "t",
        kind=Kind.TRUE_FALSE,
        choices=(Choice("true", "True", F(1)), Choice("false", "False", F(0))),
    )
    assert display_order(tf, rng) == ["true", "false"]


def test_ordering_never_starts_in_the_right_order():
    items = (Item("i1", "one"), Item("i2", "two"))
    question = q("o", kind=Kind.ORDERING, choices=(), items=items)
    rng = random.Random(0)
    assert all(display_order(question, rng) == ["i2", "i1"] for _ in range(20))


def test_matching_offers_every_answer_and_distractor_once():
    question = q(
        "m",
        kind=Kind.MATCHING,
        choices=(),
        pairs=(Pair("p1", "a", "x"), Pair("p2", "b", "y"), Pair("p3", "c", "x")),
        distractors=("z",),
    )
    assert sorted(display_order(question, random.Random(2))) == ["x", "y", "z"]
