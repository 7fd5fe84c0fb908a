"""Read side of assessments: the quizzes of a course and a learner's standing in each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.assessments import policy
from lms.assessments.models import Attempt, Quiz, QuizVersion
from lms.assessments.snapshot import settings_from_data
from lms.assessments.spec import QuizSettings
from lms.courses.models import Course, Enrollment


@dataclass(frozen=True)
class QuizStanding:
    quiz: Quiz
    version: QuizVersion
    settings: QuizSettings
    #: Every attempt, oldest first (the history the learner sees).
    attempts: list[Attempt]
    grade: Fraction | None
    #: The attempts of the current certification cycle: they set the grade, attempts left
    #: and cooldown. All of them until the learner recertifies.
    current: list[Attempt]

    @property
    def passed(self) -> bool:
        """Return whether the quiz grade meets the pass mark."""
        return self.grade is not None and self.grade >= self.settings.pass_mark

    @property
    def in_progress(self) -> Attempt | None:
        """Return the open attempt, if any."""
        return next((a for a in self.attempts if a.status == "in_progress"), None)

    @property
    def question_count(self) -> int:
        """Return how many questions an attempt shows."""
        if self.settings.draws:
            return sum(d.count for d in self.settings.draws)
        return len(self.version.question_ids)


def find_quiz(db: Session, course_slug: str, quiz_slug: str) -> tuple[Course, Quiz] | None:
    """Return an active quiz of an active course by slugs, or None."""
    row = db.execute(
        select(Course, Quiz)
        .join(Quiz, Quiz.course_id == Course.id)
        .where(Course.slug == course_slug, Course.active, Quiz.slug == quiz_slug, Quiz.active)
    ).first()
    return (row[0], row[1]) if row else None


def cycle_started_at(db: Session, user_id: int, course_id: int) -> datetime | None:
    """Return when the learner's current certification cycle in a course began (None: first)."""
    return db.scalar(
        select(Enrollment.cycle_started_at).where(
            Enrollment.user_id == user_id, Enrollment.course_id == course_id
        )
    )


def in_cycle(attempts: Sequence[Attempt], since: datetime | None) -> list[Attempt]:
    """Return the attempts that count in a cycle begun at ``since``.

    Attempts started before a recertification belong to the earlier cycle; one still open
    from before is the learner's to finish, so it is kept.
    """
    if since is None:
        return list(attempts)
    return [a for a in attempts if a.started_at >= since or a.status == "in_progress"]


def standing(db: Session, quiz: Quiz, user_id: int) -> QuizStanding:
    """Return a learner's attempts and grade at ``quiz`` (three queries)."""
    version = db.scalars(
        select(QuizVersion).where(
            QuizVersion.quiz_id == quiz.id, QuizVersion.version == quiz.version
        )
    ).one()
    settings = settings_from_data(version.settings)
    attempts = list(
        db.scalars(
            select(Attempt)
            .where(Attempt.quiz_id == quiz.id, Attempt.user_id == user_id)
            .order_by(Attempt.number)
        )
    )
    current = in_cycle(attempts, cycle_started_at(db, user_id, quiz.course_id))
    scores = [a.score for a in current if a.status == "submitted" and a.score is not None]
    return QuizStanding(
        quiz, version, settings, attempts, policy.quiz_grade(settings.grading, scores), current
    )


def course_quizzes(db: Session, course_id: int) -> list[Quiz]:
    """Return a course's active quizzes: pre-test, knowledge checks, then the final."""
    order = {"pretest": 0, "check": 1, "final": 2}
    quizzes = db.scalars(select(Quiz).where(Quiz.course_id == course_id, Quiz.active))
    return sorted(quizzes, key=lambda q: (order.get(q.kind, 3), q.slug))
