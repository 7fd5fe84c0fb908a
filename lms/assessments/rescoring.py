"""Re-scoring: apply a question's corrected key to the answers already submitted (audited).

Functions flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.assessments import scoring
from lms.assessments.attempts import load_items, settings_for
from lms.assessments.models import Attempt, AttemptItem, QuestionVersion
from lms.assessments.responses import response_from_data
from lms.assessments.snapshot import question_from_data
from lms.assessments.spec import Question, ScoreResult
from lms.audit import services as audit
from lms.courses.models import Course


@dataclass(frozen=True)
class RescoreReport:
    question: str
    version: int
    items: int
    attempts_changed: int
    skipped_incompatible: int


def rescore_question(
    db: Session, course: Course, key: str, now: datetime, actor_id: int | None = None
) -> RescoreReport:
    """Re-score every submitted answer to ``key`` with its latest version's key (audited).

    The text each learner saw stays as it was; versions whose options differ from the latest
    (other choice, pair or item ids) are skipped, since their answers cannot be mapped.
    """
    versions = list(
        db.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.course_id == course.id, QuestionVersion.key == key)
            .order_by(QuestionVersion.version)
        )
    )
    if not versions:
        raise LookupError(f"no question {key!r} in course {course.slug!r}")
    latest = versions[-1]
    new_q = question_from_data(latest.spec)
    compatible = {v.id for v in versions if _shape(question_from_data(v.spec)) == _shape(new_q)}
    items = db.scalars(
        select(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(
            AttemptItem.question_version_id.in_([v.id for v in versions]),
            Attempt.status == "submitted",
        )
    ).all()
    touched: dict[int, list[dict[str, str]]] = {}
    skipped = 0
    for item in items:
        if item.question_version_id not in compatible:
            skipped += 1
            continue
        fraction = scoring.score(new_q, response_from_data(new_q.kind, item.response)).fraction
        if fraction != item.fraction:
            touched.setdefault(item.attempt_id, []).append(
                {"position": str(item.position), "from": str(item.fraction), "to": str(fraction)}
            )
            item.fraction = fraction
        item.rescored_with_id = latest.id
    db.flush()
    changes = {aid: _rescore_attempt(db, aid) for aid in touched}
    audit.record(
        db,
        "quiz.rescore",
        f"question:{course.slug}/{key}",
        {
            "version": latest.version,
            "items": len(items),
            "skipped": skipped,
            "attempts": {str(aid): {"items": touched[aid], **changes[aid]} for aid in touched},
        },
        now,
        actor_id,
    )
    return RescoreReport(key, latest.version, len(items), len(touched), skipped)


def _shape(question: Question) -> tuple[Any, ...]:
    return (
        question.kind,
        tuple(c.id for c in question.choices),
        tuple(p.id for p in question.pairs),
        tuple(i.id for i in question.items),
    )


def _rescore_attempt(db: Session, attempt_id: int) -> dict[str, str]:
    attempt = db.get(Attempt, attempt_id)
    assert attempt is not None
    before = (attempt.score, attempt.passed)
    results = [
        (
            question_from_data(loaded.item.question.spec).points,
            ScoreResult(loaded.item.fraction or Fraction(0)),
        )
        for loaded in load_items(db, attempt)
    ]
    attempt.score = scoring.total(results)
    attempt.passed = scoring.passed(attempt.score, settings_for(db, attempt).pass_mark)
    db.flush()
    return {
        "score_from": str(before[0]),
        "score_to": str(attempt.score),
        "passed_from": str(before[1]),
        "passed_to": str(attempt.passed),
    }
