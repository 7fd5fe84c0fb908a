"""Which questions an attempt shows, and in what order its options appear (pure).

As Moodle does, questions a learner has already seen are preferred less on the next attempt:
within a pool, the least-seen questions are drawn first, ties broken at random.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from lms.assessments.spec import Kind, Question, QuizSettings


def draw_questions(
    questions: Sequence[Question],
    settings: QuizSettings,
    seen: Mapping[str, int],
    rng: random.Random,
) -> list[Question]:
    """Return the questions for a new attempt.

    ``seen`` counts how often the learner was shown each question id before. Without draws
    every question is used. Questions are shuffled when the settings say so.
    """
    if not settings.draws:
        chosen = list(questions)
    else:
        chosen = []
        for draw in settings.draws:
            pool = [q for q in questions if q.pool == draw.pool]
            keyed = sorted(pool, key=lambda q: (seen.get(q.id, 0), rng.random()))
            chosen.extend(keyed[: draw.count])
    if settings.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def display_order(question: Question, rng: random.Random) -> list[str]:
    """Return the option ids (or matching answers) in the order this attempt shows them.

    True/false keeps True before False; an ordering question never starts in its correct order
    (when it has more than one item), or the answer would be given away.
    """
    if question.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE):
        ids = [c.id for c in question.choices]
        if question.shuffle and question.kind != Kind.TRUE_FALSE:
            rng.shuffle(ids)
        return ids
    if question.kind == Kind.MATCHING:
        answers = sorted({p.answer for p in question.pairs} | set(question.distractors))
        rng.shuffle(answers)
        return answers
    if question.kind == Kind.ORDERING:
        ids = [i.id for i in question.items]
        correct = list(ids)
        if len(ids) > 1:
            while ids == correct:
                rng.shuffle(ids)
        return ids
    return []
