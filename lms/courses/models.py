"""Courses and modules (snapshots of ``content/``), enrollments and module progress."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Discipline
from lms.db import Base

course_disciplines = Table(
    "course_disciplines",
    Base.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("discipline_id", ForeignKey("disciplines.id", ondelete="CASCADE"), primary_key=True),
)


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: The author's version label from course.md, e.g. "2026.1".
    version: Mapped[str] = mapped_column(String(32))
    validity_months: Mapped[int]
    overview_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: False once the course is removed from content (history is kept, never deleted).
    active: Mapped[bool] = mapped_column(default=True)
    synced_at: Mapped[datetime]

    #: Disciplines for which the course is required (others may take it as optional).
    disciplines: Mapped[list[Discipline]] = relationship(secondary=course_disciplines)
    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position"
    )


class Module(Base):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    objectives: Mapped[list[str]] = mapped_column(JSON)
    minutes: Mapped[int]
    content_note: Mapped[str | None] = mapped_column(Text)
    #: [{"title": ..., "url": ...}]
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    #: Sanitised HTML rendered once at sync time.
    html: Mapped[str] = mapped_column(Text)
    #: [{"id": ..., "title": ..., "level": 2}]
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    words: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    #: Starts at 1 and goes up by one each time a sync finds the content changed.
    version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]

    course: Mapped[Course] = relationship(back_populates="modules")


class ContentSync(Base):
    """One successful ``content sync`` that changed something: what and when."""

    __tablename__ = "content_syncs"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    tree_hash: Mapped[str] = mapped_column(String(64))
    #: {"created": [...], "updated": [...], "retired": [...]}
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The site variables and support resources in force from this sync on.
    site: Mapped[dict[str, Any]] = mapped_column(JSON)


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    started_at: Mapped[datetime]
    #: Set when every active module is complete (the final quiz joins this later).
    completed_at: Mapped[datetime | None]
    #: Where "resume" takes the learner.
    last_module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"))
    #: Certification cycle: 1 for the first certificate, then one more per recertification.
    cycle: Mapped[int] = mapped_column(default=1, server_default="1")
    #: When the current cycle began (None for the first): modules completed and quiz attempts
    #: made before it belong to an earlier cycle.
    cycle_started_at: Mapped[datetime | None]


class ModuleProgress(Base):
    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    #: When the learner chose to continue past the module's content note.
    note_acknowledged_at: Mapped[datetime | None]
    #: Heading id where the learner paused ("pause and return later").
    last_section: Mapped[str | None] = mapped_column(String(200))
    completed_at: Mapped[datetime | None]
    #: Module version the learner completed; progress survives later versions.
    completed_version: Mapped[int | None]
