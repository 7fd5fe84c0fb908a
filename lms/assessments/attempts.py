"""Attempts: start, save and submit (the write side of taking a quiz).

Functions flush or execute; the view commits once. The answer form's path (``lock_own_attempt``,
``answer_items``, ``save_responses``, ``submit_attempt``) runs on plain columns and statements
built once: a submission is the busiest write of the site, and ORM entities cost more than
they give there. The attempt row is locked (``FOR UPDATE``) while saving or submitting, and
claimed by a conditional UPDATE, so a double or concurrent submit is recorded once.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.assessments import policy, queries, scoring, versions
from lms.assessments.draw import display_order, draw_questions
from lms.assessments.models import Attempt, AttemptItem, QuestionVersion, Quiz, QuizVersion
from lms.assessments.responses import Shown, response_from_data, response_to_data
from lms.assessments.snapshot import question_from_data, settings_from_data
from lms.assessments.spec import Question, QuizSettings, Response
from lms.auth.models import User
from lms.courses.models import Course


class NotAvailable(Exception):
    """An attempt cannot start now; the message says why."""


class AttemptClosed(Exception):
    """The attempt has been submitted already."""


# Starting ---------------------------------------------------------------------------------


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
    everything = past_attempts(db, user.id, quiz.id)
    past = queries.in_cycle(everything, queries.cycle_started_at(db, user.id, quiz.course_id))
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
        number=len(everything) + 1,
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
                Attempt.number == len(everything) + 1,
            )
        ).one()
    return attempt


def _questions(db: Session, version_ids: Sequence[int]) -> dict[int, Question]:
    found = versions.questions(db, version_ids)
    return {vid: found[vid] for vid in version_ids}


def _seen(db: Session, user_id: int, quiz_id: int) -> Counter[str]:
    keys = db.scalars(
        select(QuestionVersion.key)
        .join(AttemptItem, AttemptItem.question_version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
    )
    return Counter(keys)


# Reading (the take and review pages, re-scoring) ------------------------------------------


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


def settings_for(db: Session, attempt: Attempt) -> QuizSettings:
    """Return the settings the attempt was started under."""
    return versions.settings(db, attempt.quiz_version_id)


# Answering (the answer form: save, submit) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnAttempt:
    """An attempt as the answer form needs it (plain values, not an ORM entity)."""

    id: int
    status: str
    deadline_at: datetime | None
    quiz_version_id: int
    quiz_kind: str = ""  #: final, pretest or check ("" when not looked up)
    course_id: int = 0


@dataclass(frozen=True, slots=True)
class Submitted:
    """A submission that was recorded (the one that counted)."""

    passed: bool


@dataclass(frozen=True, slots=True)
class AnswerItem:
    """One item as the answer form needs it: the question shown, the response saved."""

    id: int
    shown: Shown
    saved: Any  #: the saved response as stored (plain data), None if unanswered


_attempts = Attempt.__table__.c
_items = AttemptItem.__table__.c
_quizzes = Quiz.__table__.c
_courses = Course.__table__.c

#: The signed-in learner's attempt by the page's address, locked: one statement.
_OWN_ATTEMPT = (
    select(
        _attempts.id,
        _attempts.status,
        _attempts.deadline_at,
        _attempts.quiz_version_id,
        _quizzes.kind,
        _quizzes.course_id,
    )
    .select_from(
        Attempt.__table__.join(Quiz.__table__, _quizzes.id == _attempts.quiz_id).join(
            Course.__table__, _courses.id == _quizzes.course_id
        )
    )
    .where(
        _courses.slug == bindparam("course"),
        _courses.active,
        _quizzes.slug == bindparam("quiz"),
        _quizzes.active,
        _attempts.user_id == bindparam("user_id"),
        _attempts.number == bindparam("number"),
    )
    .with_for_update(of=Attempt.__table__)  # only the attempt row (no-op on SQLite)
)
_ITEMS = (
    select(_items.id, _items.position, _items.question_version_id, _items.display, _items.response)
    .where(_items.attempt_id == bindparam("attempt_id"))
    .order_by(_items.position)
)
#: Claims the attempt: only the first submit finds it in progress.
_CLAIM = (
    update(Attempt.__table__)
    .where(_attempts.id == bindparam("attempt_id"), _attempts.status == "in_progress")
    .values(
        status="submitted",
        submitted_at=bindparam("at", type_=_attempts.submitted_at.type),
        late=bindparam("is_late", type_=_attempts.late.type),
        score=bindparam("total", type_=_attempts.score.type),
        passed=bindparam("has_passed", type_=_attempts.passed.type),
    )
)
#: What an item update may set, by parameter name: the response, when it was saved, its score.
_ITEM_COLUMNS = {"answer": _items.response, "at": _items.saved_at, "result": _items.fraction}


@cache
def _update_items(keys: tuple[str, ...]) -> Update:
    """Return the UPDATE of one item's ``keys`` columns, built once per combination."""
    values = {_ITEM_COLUMNS[key]: bindparam(key, type_=_ITEM_COLUMNS[key].type) for key in keys}
    return update(AttemptItem.__table__).where(_items.id == bindparam("item_id")).values(values)


def _write_items(db: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write item changes: one executemany per combination of columns changed."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(k for k in _ITEM_COLUMNS if k in row), []).append(row)
    for keys, group in groups.items():
        db.execute(_update_items(keys), group)


def _saved(item: AnswerItem, response: Response, now: datetime) -> dict[str, Any]:
    """Return the changes that save ``response`` to ``item``.

    As an ORM flush would: the saved time always, the response only if it changed (an answer
    left blank stays SQL NULL rather than becoming JSON null).
    """
    row: dict[str, Any] = {"item_id": item.id, "at": now}
    data = response_to_data(response)
    if data != item.saved:
        row["answer"] = data
    return row


def lock_own_attempt(
    db: Session, course_slug: str, quiz_slug: str, user_id: int, number: int
) -> OwnAttempt | None:
    """Return a learner's own attempt at an active quiz, locked until the caller commits.

    None if the course, the quiz or the attempt is not found (or is someone else's).
    """
    params = {"course": course_slug, "quiz": quiz_slug, "user_id": user_id, "number": number}
    row = db.execute(_OWN_ATTEMPT, params).first()
    return None if row is None else OwnAttempt(*row)


def answer_items(db: Session, attempt: OwnAttempt) -> list[AnswerItem]:
    """Return an attempt's items in order, with their (cached) question versions."""
    rows = db.execute(_ITEMS, {"attempt_id": attempt.id}).all()
    questions = versions.questions(db, {row.question_version_id for row in rows})
    return [
        AnswerItem(item_id, Shown(position, questions[version_id], display), saved)
        for item_id, position, version_id, display, saved in rows
    ]


def save_responses(
    db: Session,
    attempt: OwnAttempt,
    items: Sequence[AnswerItem],
    responses: dict[int, Response],
    now: datetime,
) -> bool:
    """Save answers of an open attempt; return False (saving nothing) once time is up."""
    if attempt.status != "in_progress":
        raise AttemptClosed
    if policy.is_late(attempt.deadline_at, now):
        return False
    _write_items(
        db,
        [
            _saved(item, responses[item.shown.position], now)
            for item in items
            if item.shown.position in responses
        ],
    )
    return True


def submit_attempt(
    db: Session,
    attempt: OwnAttempt,
    items: Sequence[AnswerItem],
    responses: dict[int, Response] | None,
    now: datetime,
) -> Submitted | None:
    """Submit and score an attempt once; return the outcome, or None if another submit counted.

    A submission after the deadline (and its grace) is scored on the answers saved in time.
    The attempt is claimed and scored in one conditional UPDATE; a submit that loses the race
    to another changes nothing (neither the answers nor the score).
    """
    if attempt.status != "in_progress":
        return None
    late = policy.is_late(attempt.deadline_at, now)
    pass_mark = versions.settings(db, attempt.quiz_version_id).pass_mark
    save = responses if responses is not None and not late else {}
    rows, results = [], []
    for item in items:
        question, position = item.shown.question, item.shown.position
        row = _saved(item, save[position], now) if position in save else {"item_id": item.id}
        data = row.get("answer", item.saved)  # what the item holds once this is written
        result = scoring.score(question, response_from_data(question.kind, data))
        row["result"] = result.fraction
        rows.append(row)
        results.append((question.points, result))
    score = scoring.total(results)
    passed = scoring.passed(score, pass_mark)
    claim = {"attempt_id": attempt.id, "at": now, "is_late": late, "total": score}
    claim["has_passed"] = passed
    if not db.execute(_CLAIM, claim).rowcount:
        return None  # another submit was first: nothing of this one is written
    _write_items(db, rows)
    return Submitted(passed)


def close_if_overdue(db: Session, attempt: Attempt, now: datetime) -> Attempt:
    """Submit an open attempt whose time is up, on its saved answers."""
    if attempt.status == "in_progress" and policy.is_late(attempt.deadline_at, now):
        own = OwnAttempt(attempt.id, attempt.status, attempt.deadline_at, attempt.quiz_version_id)
        submit_attempt(db, own, answer_items(db, own), None, now)
        db.refresh(attempt)
    return attempt
