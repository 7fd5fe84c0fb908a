"""Quiz sync: snapshot a course's quizzes and questions as new versions when they change.

Versions are never updated once written: an edit adds a new row, so attempts keep the text and
key they showed (and ``versions.py`` may keep parsed versions by id). Functions flush; the
caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.assessments.models import QuestionVersion, Quiz, QuizVersion
from lms.assessments.snapshot import digest, question_to_data, settings_to_data
from lms.assessments.spec import Question, QuizSpec
from lms.courses.markdown import render_inline, render_markdown
from lms.courses.models import Course, Module


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
