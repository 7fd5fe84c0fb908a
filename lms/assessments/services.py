"""Write side of assessments: quiz sync, attempts (start, save, submit) and re-scoring.

Functions flush; the caller commits. Attempt rows are locked while saving or submitting so
that a double or concurrent submit is recorded once.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.assessments import policy, scoring
from lms.assessments.draw import display_order, draw_questions
from lms.assessments.models import Attempt, AttemptItem, QuestionVersion, Quiz, QuizVersion
from lms.assessments.responses import Shown, response_from_data, response_to_data
from lms.assessments.snapshot import (
    digest,
    question_from_data,
    question_to_data,
    settings_from_data,
    settings_to_data,
)
from lms.assessments.spec import Question, QuizSettings, QuizSpec, Response, ScoreResult
from lms.audit import services as audit
from lms.auth.models import User
from lms.courses.markdown import render_inline, render_markdown
from lms.courses.models import Course, Module


class NotAvailable(Exception):
    """An attempt cannot start now; the message says why."""


class AttemptClosed(Exception):
    """The attempt has been submitted already."""


# Sync -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def question_html(question: Question) -> dict[str, Any]:
    """Render a question's learner-facing markdown once, at sync time.

    Cached by value (questions are frozen): a re-sync of unchanged text renders nothing.
    Callers must not mutate the returned mapping.
    """
    return {
        "stem": render_markdown(question.text).html,
        "choices": {c.id: render_inline(c.text) for c in question.choices},
        "choice_feedback": {c.id: render_inline(c.feedback) for c in question.choices},
        "items": {i.id: render_inline(i.text) for i in question.items},
        "prompts": {p.id: render_inline(p.prompt) for p in question.pairs},
        "feedback": render_markdown(question.feedback).html if question.feedback else "",
    }


def sync_quizzes(
    db: Session, course: Course, quizzes: Sequence[QuizSpec], now: datetime
) -> list[str]:
    """Snapshot a course's quizzes; return what changed, as ``kind:name`` strings."""
    changed: list[str] = []
    modules = {
        m.slug: m.id for m in db.scalars(select(Module).where(Module.course_id == course.id))
    }
    rows = {q.slug: q for q in db.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    latest_questions = _latest_question_versions(db, course.id)
    for spec in quizzes:
        ids = _question_versions(db, course, spec.questions, latest_questions, now, changed)
        quiz = rows.get(spec.slug)
        if quiz is None:
            quiz = Quiz(course_id=course.id, slug=spec.slug, version=0)
            db.add(quiz)
        quiz.kind, quiz.title, quiz.active = spec.kind.value, spec.title, True
        quiz.module_id = modules.get(spec.module) if spec.module else None
        settings = settings_to_data(spec.settings)
        intro = render_markdown(spec.intro).html if spec.intro else ""
        content_hash = digest(
            {
                "settings": settings,
                "questions": ids,
                "intro": intro,
                "title": spec.title,
                "kind": spec.kind.value,
            }
        )
        db.flush()
        latest = db.scalar(
            select(QuizVersion)
            .where(QuizVersion.quiz_id == quiz.id)
            .order_by(QuizVersion.version.desc())
            .limit(1)
        )
        if latest is None or latest.content_hash != content_hash:
            version = (latest.version if latest else 0) + 1
            db.add(
                QuizVersion(
                    quiz_id=quiz.id,
                    version=version,
                    content_hash=content_hash,
                    settings=settings,
                    intro_html=intro,
                    question_ids=ids,
                    created_at=now,
                )
            )
            quiz.version = version
            changed.append(f"quiz:{course.slug}/{spec.slug}")
    for slug, quiz in rows.items():
        if quiz.active and slug not in {q.slug for q in quizzes}:
            quiz.active = False
            changed.append(f"retired quiz:{course.slug}/{slug}")
    db.flush()
    return changed


def _latest_question_versions(db: Session, course_id: int) -> dict[str, QuestionVersion]:
    """Return each question key's newest version in a course (one query for the whole sync)."""
    rows = db.scalars(
        select(QuestionVersion)
        .where(QuestionVersion.course_id == course_id)
        .order_by(QuestionVersion.key, QuestionVersion.version)
    )
    return {row.key: row for row in rows}


def _question_versions(
    db: Session,
    course: Course,
    questions: Sequence[Question],
    latest: dict[str, QuestionVersion],
    now: datetime,
    changed: list[str],
) -> list[int]:
    """Return the version ids of ``questions``, adding a version for each one that changed."""
    rows = []
    for question in questions:
        data = question_to_data(question)
        content_hash = digest(data)
        row = latest.get(question.id)
        if row is None or row.content_hash != content_hash:
            row = QuestionVersion(
                course_id=course.id, key=question.id,
                version=(row.version if row else 0) + 1, content_hash=content_hash,
                kind=question.kind.value, pool=question.pool, spec=data,
                html=question_html(question), created_at=now,
            )  # fmt: skip
            db.add(row)
            latest[question.id] = row
            changed.append(f"question:{course.slug}/{question.id}")
        rows.append(row)
    db.flush()  # one flush assigns every new id
    return [row.id for row in rows]


# Attempts ---------------------------------------------------------------------------------


def current_version(db: Session, quiz: Quiz) -> QuizVersion:
    """Return the quiz version new attempts use."""
    return db.scalars(
        select(QuizVersion).where(
            QuizVersion.quiz_id == quiz.id, QuizVersion.version == quiz.version
        )
    ).one()


def past_attempts(db: Session, user_id: int, quiz_id: int) -> list[Attempt]:
    """Return a learner's attempts at a quiz, oldest first."""
    return list(
        db.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
            .order_by(Attempt.number)
        )
    )


def as_past(attempts: Sequence[Attempt]) -> list[policy.PastAttempt]:
    """Return attempts as the policy sees them."""
    return [policy.PastAttempt(a.number, a.submitted_at, a.score, a.passed) for a in attempts]


def start_attempt(
    db: Session, user: User, quiz: Quiz, now: datetime, rng: random.Random | None = None
) -> Attempt:
    """Start a new attempt: draw questions, shuffle options, persist the draw.

    A second start racing the first (a double click) returns the attempt the first created.
    Raises ``NotAvailable`` with the reason when no attempt may start now.
    """
    rng = rng or random.SystemRandom()
    version = current_version(db, quiz)
    settings = settings_from_data(version.settings)
    past = past_attempts(db, user.id, quiz.id)
    verdict = policy.availability(settings, as_past(past), now)
    if not verdict.can_start:
        in_progress = next((a for a in past if a.status == "in_progress"), None)
        if in_progress is not None:
            return in_progress
        raise NotAvailable(verdict.reason)
    questions = _questions(db, version.question_ids)
    chosen = draw_questions(list(questions.values()), settings, _seen(db, user.id, quiz.id), rng)
    attempt = Attempt(
        user_id=user.id,
        quiz_id=quiz.id,
        quiz_version_id=version.id,
        number=len(past) + 1,
        started_at=now,
        deadline_at=policy.deadline(settings, now, user.extra_time_percent),
    )
    try:
        with db.begin_nested():
            db.add(attempt)
            db.flush()
            ids = {q.id: vid for vid, q in questions.items()}
            for position, question in enumerate(chosen, start=1):
                db.add(
                    AttemptItem(
                        attempt_id=attempt.id,
                        position=position,
                        question_version_id=ids[question.id],
                        display=display_order(question, rng),
                    )
                )
            db.flush()
    except IntegrityError:
        return db.scalars(
            select(Attempt).where(
                Attempt.user_id == user.id,
                Attempt.quiz_id == quiz.id,
                Attempt.number == len(past) + 1,
            )
        ).one()
    return attempt


def _questions(db: Session, version_ids: Sequence[int]) -> dict[int, Question]:
    rows = db.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(version_ids)))
    by_id = {row.id: question_from_data(row.spec) for row in rows}
    return {vid: by_id[vid] for vid in version_ids}


def _seen(db: Session, user_id: int, quiz_id: int) -> Counter[str]:
    keys = db.scalars(
        select(QuestionVersion.key)
        .join(AttemptItem, AttemptItem.question_version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
    )
    return Counter(keys)


@dataclass(frozen=True)
class LoadedItem:
    item: AttemptItem
    shown: Shown
    response: Response


def load_items(db: Session, attempt: Attempt) -> list[LoadedItem]:
    """Return an attempt's items with their questions and saved responses, in order."""
    items = db.scalars(attempt.items.select().order_by(AttemptItem.position)).all()
    loaded = []
    for item in items:
        question = question_from_data(item.question.spec)
        loaded.append(
            LoadedItem(
                item,
                Shown(item.position, question, item.display),
                response_from_data(question.kind, item.response),
            )
        )
    return loaded


def lock_attempt(db: Session, attempt_id: int) -> Attempt | None:
    """Return the attempt, locked for update until the caller commits (no-op on SQLite)."""
    return db.scalar(select(Attempt).where(Attempt.id == attempt_id).with_for_update())


def settings_for(db: Session, attempt: Attempt) -> QuizSettings:
    """Return the settings the attempt was started under."""
    return settings_from_data(attempt.quiz_version.settings)


def save_responses(
    db: Session,
    attempt: Attempt,
    responses: dict[int, Response],
    now: datetime,
    items: Sequence[LoadedItem] | None = None,
) -> bool:
    """Save answers of an open attempt; return False (saving nothing) once time is up.

    ``items`` are the attempt's loaded items, when the caller has them already.
    """
    if attempt.status != "in_progress":
        raise AttemptClosed
    if policy.is_late(attempt.deadline_at, now):
        return False
    for loaded in items if items is not None else load_items(db, attempt):
        if loaded.item.position in responses:
            loaded.item.response = response_to_data(responses[loaded.item.position])
            loaded.item.saved_at = now
    return True


def submit_attempt(
    db: Session,
    attempt: Attempt,
    responses: dict[int, Response] | None,
    now: datetime,
    items: Sequence[LoadedItem] | None = None,
) -> Attempt:
    """Submit and score an attempt once; a repeated submit returns the first result.

    A submission after the deadline (and its grace) is scored on the answers saved in time.
    The attempt is claimed and scored in one conditional UPDATE; a submit that loses the race
    to another changes nothing.
    """
    if attempt.status != "in_progress":
        return attempt
    late = policy.is_late(attempt.deadline_at, now)
    pass_mark = settings_for(db, attempt).pass_mark  # read before anything changes
    items = items if items is not None else load_items(db, attempt)
    if responses is not None and not late:
        save_responses(db, attempt, responses, now, items)
    results = []
    for loaded in items:
        question = loaded.shown.question
        result = scoring.score(question, response_from_data(question.kind, loaded.item.response))
        loaded.item.fraction = result.fraction
        results.append((question.points, result))
    score = scoring.total(results)
    passed = scoring.passed(score, pass_mark)
    values = {
        "status": "submitted",
        "submitted_at": now,
        "late": late,
        "score": score,
        "passed": passed,
    }
    with db.no_autoflush:  # the answers are written only if this submit wins
        claimed = db.execute(
            update(Attempt)
            .where(Attempt.id == attempt.id, Attempt.status == "in_progress")
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
    if not claimed:
        for loaded in items:
            db.expire(loaded.item)
        db.refresh(attempt)
        return attempt
    for key, value in values.items():
        set_committed_value(attempt, key, value)
    db.flush()
    return attempt


def close_if_overdue(db: Session, attempt: Attempt, now: datetime) -> Attempt:
    """Submit an open attempt whose time is up, on its saved answers."""
    if attempt.status == "in_progress" and policy.is_late(attempt.deadline_at, now):
        return submit_attempt(db, attempt, None, now)
    return attempt


# Re-scoring -------------------------------------------------------------------------------


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
