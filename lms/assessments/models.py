"""Quizzes, question versions, attempts and their items.

Questions are snapshotted per version: an attempt points at the exact versions it showed, so
its text, key and score survive later edits. Re-scoring is explicit and audited.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from lms.db import Base


class Quiz(Base):
    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("kind IN ('final', 'pretest', 'check')", name="kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    #: The module a knowledge check follows.
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    #: The newest QuizVersion.version; new attempts use it.
    version: Mapped[int] = mapped_column(default=1)


class QuizVersion(Base):
    """A quiz's settings and question set as of one sync."""

    __tablename__ = "quiz_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    #: QuizSettings as plain data (see lms/assessments/snapshot.py).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    intro_html: Mapped[str] = mapped_column(Text, default="")
    #: Question version ids in authored order.
    question_ids: Mapped[list[int]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class QuestionVersion(Base):
    """One version of one question: its full specification, key included, and rendered HTML."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("course_id", "key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: The author's stable question id, e.g. "tvpa-minor-consent".
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    pool: Mapped[str] = mapped_column(String(100))
    #: The Question as plain data (never sent to the browser before submission).
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Rendered, sanitised HTML of the stem, choices, items and feedback.
    html: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        #: One attempt per number: a double-clicked "start" creates one attempt, not two.
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("status IN ('in_progress', 'submitted')", name="status_valid"),
        Index("ix_attempts_quiz_id_status", "quiz_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="in_progress")
    started_at: Mapped[datetime]
    #: Server-side deadline (time limit plus the learner's extra time), if timed.
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    #: Submitted after the deadline: scored on the answers saved before it.
    late: Mapped[bool] = mapped_column(default=False)
    score: Mapped[Fraction | None]
    passed: Mapped[bool | None]

    items: WriteOnlyMapped[AttemptItem] = relationship(order_by="AttemptItem.position")
    quiz_version: Mapped[QuizVersion] = relationship()


class AttemptItem(Base):
    """One question shown in an attempt: the version, its shuffled display, the response."""

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    position: Mapped[int]
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    #: Shuffled option ids (choices, matching answers or ordering items) as displayed.
    display: Mapped[list[Any]] = mapped_column(JSON)
    #: The saved response as plain data, or None if unanswered.
    response: Mapped[Any | None] = mapped_column(JSON)
    fraction: Mapped[Fraction | None]
    saved_at: Mapped[datetime | None]
    #: Set when a re-score applied a later version's key; the text shown stays as it was.
    rescored_with_id: Mapped[int | None] = mapped_column(ForeignKey("question_versions.id"))

    question: Mapped[QuestionVersion] = relationship(
        lazy="joined", innerjoin=True, foreign_keys=[question_version_id]
    )
