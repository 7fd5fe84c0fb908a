"""Read side of item statistics: attempts as records for the pure ``stats`` module."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.assessments.models import Attempt, AttemptItem, QuestionVersion, Quiz
from lms.assessments.stats import AttemptRecord, ItemResponse


def _answer_labels(kind: str, response: Any) -> tuple[str, ...]:
    """Return what a response chose, as labels for distractor analysis."""
    if response is None:
        return ()
    if kind in ("single", "true_false"):
        return (str(response),)
    if kind == "multiple":
        return tuple(sorted(response))
    if kind in ("short", "numerical"):
        return (" ".join(str(response).split()).casefold()[:80],)
    return ("answered",)  # matching and ordering: whole arrangements are not comparable


def quiz_records(db: Session, quiz_id: int) -> Iterator[AttemptRecord]:
    """Yield every submitted attempt at a quiz as a record, in one streamed query."""
    points = {
        row.id: Fraction(row.spec.get("points", "1"))
        for row in db.execute(
            select(QuestionVersion.id, QuestionVersion.spec).where(
                QuestionVersion.id.in_(
                    select(AttemptItem.question_version_id)
                    .join(Attempt)
                    .where(Attempt.quiz_id == quiz_id)
                    .distinct()
                )
            )
        )
    }
    rows = db.execute(
        select(
            Attempt.id,
            Attempt.user_id,
            Attempt.number,
            Attempt.score,
            QuestionVersion.key,
            QuestionVersion.kind,
            AttemptItem.question_version_id,
            AttemptItem.fraction,
            AttemptItem.response,
        )
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(Attempt.quiz_id == quiz_id, Attempt.status == "submitted")
        .order_by(Attempt.id, AttemptItem.position)
        .execution_options(yield_per=2000)
    )
    current: list[Any] = []
    for row in rows:
        if current and current[0].id != row.id:
            yield _record(current, points)
            current = []
        current.append(row)
    if current:
        yield _record(current, points)


def _record(rows: list[Any], points: dict[int, Fraction]) -> AttemptRecord:
    first = rows[0]
    return AttemptRecord(
        attempt_id=first.id,
        user_id=first.user_id,
        first=first.number == 1,
        total=float(first.score or 0),
        items=tuple(
            ItemResponse(
                r.key,
                float(r.fraction or 0),
                float(points[r.question_version_id]),
                _answer_labels(r.kind, r.response),
            )
            for r in rows
        ),
    )


def gain_pairs(db: Session, course_id: int) -> list[tuple[float, float]]:
    """Return (pre-test, first final attempt) scores of learners who took both."""

    def first_scores(kind: str) -> dict[int, float]:
        rows = db.execute(
            select(Attempt.user_id, Attempt.score)
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(
                Quiz.course_id == course_id,
                Quiz.kind == kind,
                Attempt.number == 1,
                Attempt.status == "submitted",
            )
        )
        return {r.user_id: float(r.score or 0) for r in rows}

    pre, post = first_scores("pretest"), first_scores("final")
    return [(pre[user], post[user]) for user in pre.keys() & post.keys()]


def latest_questions(db: Session, course_id: int, keys: set[str]) -> dict[str, QuestionVersion]:
    """Return the newest version of each question key (for labels on the statistics page)."""
    rows = db.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.course_id == course_id, QuestionVersion.key.in_(keys))
        .order_by(QuestionVersion.key, QuestionVersion.version)
    )
    return {row.key: row for row in rows}
