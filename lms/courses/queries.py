"""Read side of courses: the catalogue, a course outline and a module page, each in few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, select
from sqlalchemy.orm import Session, contains_eager

from lms.courses.models import (
    ContentSync,
    Course,
    Enrollment,
    Module,
    ModuleProgress,
    course_disciplines,
)


@dataclass(frozen=True)
class CatalogueRow:
    slug: str
    title: str
    summary: str
    hours: float
    required: bool
    modules: int
    completed: int
    started: bool

    @property
    def percent(self) -> int:
        """Return the share of modules completed, 0-100."""
        return round(100 * self.completed / self.modules) if self.modules else 0


def catalogue(db: Session, user_id: int, discipline_id: int | None) -> list[CatalogueRow]:
    """Return every active course with the user's progress, required ones first (one query)."""
    required = exists().where(
        course_disciplines.c.course_id == Course.id,
        course_disciplines.c.discipline_id == discipline_id,
    )
    modules = (
        select(func.count(Module.id))
        .where(Module.course_id == Course.id, Module.active)
        .scalar_subquery()
    )
    completed = (
        select(func.count(ModuleProgress.id))
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(
            Module.course_id == Course.id,
            Module.active,
            ModuleProgress.user_id == user_id,
            ModuleProgress.completed_at.is_not(None),
        )
        .scalar_subquery()
    )
    started = exists().where(Enrollment.course_id == Course.id, Enrollment.user_id == user_id)
    rows = db.execute(
        select(
            Course.slug,
            Course.title,
            Course.summary,
            Course.hours,
            required.label("required"),
            modules.label("modules"),
            completed.label("completed"),
            started.label("started"),
        )
        .where(Course.active)
        .order_by(Course.title)
    ).all()
    result = [
        CatalogueRow(
            r.slug,
            r.title,
            r.summary,
            float(r.hours),
            bool(r.required),
            r.modules,
            r.completed,
            bool(r.started),
        )
        for r in rows
    ]
    return sorted(result, key=lambda row: not row.required)


@dataclass(frozen=True)
class ModuleStatus:
    slug: str
    title: str
    minutes: int
    position: int
    has_note: bool
    completed: bool
    started: bool
    #: Completed, and the module has changed since.
    updated_since: bool
    last_section: str | None


@dataclass(frozen=True)
class CourseOutline:
    course: Course
    modules: list[ModuleStatus]
    required: bool
    resume: ModuleStatus | None

    @property
    def completed(self) -> int:
        """Return how many modules are complete."""
        return sum(m.completed for m in self.modules)

    @property
    def percent(self) -> int:
        """Return the share of modules completed, 0-100."""
        return round(100 * self.completed / len(self.modules)) if self.modules else 0


def course_outline(
    db: Session, slug: str, user_id: int, discipline_id: int | None
) -> CourseOutline | None:
    """Return a course with each module's status for the user, or None if unknown."""
    course = db.scalar(select(Course).where(Course.slug == slug, Course.active))
    if course is None:
        return None
    rows = db.execute(
        select(Module, ModuleProgress)
        .outerjoin(
            ModuleProgress,
            and_(ModuleProgress.module_id == Module.id, ModuleProgress.user_id == user_id),
        )
        .where(Module.course_id == course.id, Module.active)
        .order_by(Module.position)
    ).all()
    statuses = [
        ModuleStatus(
            m.slug,
            m.title,
            m.minutes,
            m.position,
            bool(m.content_note),
            completed=p is not None and p.completed_at is not None,
            started=p is not None,
            updated_since=p is not None and p.completed_version not in (None, m.version),
            last_section=p.last_section if p else None,
        )
        for m, p in rows
    ]
    enrollment = db.scalar(
        select(Enrollment).where(Enrollment.course_id == course.id, Enrollment.user_id == user_id)
    )
    resume = _resume_point(statuses, rows, enrollment)
    required = discipline_id in {d.id for d in course.disciplines}
    return CourseOutline(course, statuses, required, resume)


def _resume_point(
    statuses: list[ModuleStatus], rows: Any, enrollment: Enrollment | None
) -> ModuleStatus | None:
    """Return where "resume" goes: the last module visited unless done, else the first not done."""
    if enrollment is None:
        return None
    by_id = {m.id: s for (m, _), s in zip(rows, statuses, strict=True)}
    last = by_id.get(enrollment.last_module_id) if enrollment.last_module_id else None
    if last is not None and not last.completed:
        return last
    return next((s for s in statuses if not s.completed), last)


@dataclass(frozen=True)
class Neighbour:
    slug: str
    title: str


@dataclass(frozen=True)
class ModulePage:
    module: Module
    progress: ModuleProgress | None
    previous: Neighbour | None
    next: Neighbour | None
    #: 1-based place of the module among the course's active modules, and how many there are.
    number: int
    count: int
    #: Slug of the knowledge check that follows this module, if any.
    check_quiz: str | None = None


def module_page(db: Session, course_slug: str, module_slug: str, user_id: int) -> ModulePage | None:
    """Return a module with its course, the user's progress and its neighbours, or None."""
    module = db.scalar(
        select(Module)
        .join(Module.course)
        .options(contains_eager(Module.course))
        .where(Course.slug == course_slug, Course.active, Module.slug == module_slug, Module.active)
    )
    if module is None:
        return None
    progress = db.scalar(
        select(ModuleProgress).where(
            ModuleProgress.module_id == module.id, ModuleProgress.user_id == user_id
        )
    )
    siblings = db.execute(
        select(Module.slug, Module.title)
        .where(Module.course_id == module.course_id, Module.active)
        .order_by(Module.position)
    ).all()
    index = [s.slug for s in siblings].index(module.slug)
    previous = Neighbour(*siblings[index - 1]) if index > 0 else None
    following = Neighbour(*siblings[index + 1]) if index + 1 < len(siblings) else None
    from lms.assessments.models import Quiz

    check = db.scalar(
        select(Quiz.slug).where(Quiz.module_id == module.id, Quiz.active, Quiz.kind == "check")
    )
    return ModulePage(module, progress, previous, following, index + 1, len(siblings), check)


@dataclass(frozen=True)
class CourseRef:
    slug: str
    title: str


@dataclass(frozen=True)
class ModuleText:
    """What the module page reads of a module on every view (plain values, no ORM object).

    The body (objectives, text, sources, table of contents) is not here: it is rendered once
    per module version (``lms.courses.fragments``), so a page view does not read it.
    """

    id: int
    course_id: int
    slug: str
    title: str
    minutes: int
    content_note: str | None
    version: int
    course: CourseRef


@dataclass(frozen=True)
class ModuleBody:
    """A module's learner-independent body, read only to render its fragments."""

    id: int
    version: int
    objectives: list[str]
    sources: list[dict[str, str]]
    html: str
    toc: list[dict[str, Any]]


@dataclass(frozen=True)
class ProgressView:
    note_acknowledged_at: datetime | None
    last_section: str | None
    completed_at: datetime | None


@dataclass(frozen=True)
class ModuleReading:
    """Everything the module page needs for one learner, read in two statements."""

    module: ModuleText
    progress: ProgressView | None
    #: The enrollment's resume point (None: not enrolled yet).
    last_module_id: int | None
    previous: Neighbour | None
    next: Neighbour | None
    number: int
    count: int
    check_quiz: str | None


@cache
def _reading_statements() -> tuple[Any, Any, Any]:
    """Build the module page's statements once; each request only binds parameters."""
    from lms.assessments.models import Quiz

    check = (
        select(Quiz.slug)
        .where(Quiz.module_id == Module.id, Quiz.active, Quiz.kind == "check")
        .limit(1)
        .scalar_subquery()
    )
    user = bindparam("user_id")
    reading = (
        select(
            Module.id,
            Module.course_id,
            Module.slug,
            Module.title,
            Module.minutes,
            Module.content_note,
            Module.version,
            Course.slug.label("course_slug"),
            Course.title.label("course_title"),
            ModuleProgress.id.label("progress_id"),
            ModuleProgress.note_acknowledged_at,
            ModuleProgress.last_section,
            ModuleProgress.completed_at,
            Enrollment.last_module_id,
            check.label("check_quiz"),
        )
        .join(Course, Course.id == Module.course_id)
        .outerjoin(
            ModuleProgress,
            and_(ModuleProgress.module_id == Module.id, ModuleProgress.user_id == user),
        )
        .outerjoin(Enrollment, and_(Enrollment.course_id == Course.id, Enrollment.user_id == user))
        .where(
            Course.slug == bindparam("course_slug"),
            Course.active,
            Module.slug == bindparam("module_slug"),
            Module.active,
        )
    )
    siblings = (
        select(Module.slug, Module.title)
        .where(Module.course_id == bindparam("course_id"), Module.active)
        .order_by(Module.position)
    )
    body = select(
        Module.id, Module.version, Module.objectives, Module.sources, Module.html, Module.toc
    ).where(Module.id == bindparam("module_id"))
    return reading, siblings, body


def _connection(db: Session) -> Connection:
    """Return the session's connection (its transaction), after the flush a query would do.

    The module page's statements select plain columns, so they run on the connection: the
    ORM's per-statement work in ``Session.execute`` costs more than the statements themselves.
    """
    if db.autoflush:
        db.flush()  # what Session.execute's autoflush does; nothing to do on a clean session
    return db.connection()


def module_reading(
    db: Session, course_slug: str, module_slug: str, user_id: int
) -> ModuleReading | None:
    """Return the module page's data for a learner, or None if there is no such module.

    This is the hottest page: one statement for the module, the learner's progress, the
    resume point and the knowledge check, one for the neighbours; no ORM objects, the
    statements are built once, and the module's body is not read (see ``module_body``).
    """
    reading, sibling_query, _ = _reading_statements()
    connection = _connection(db)
    params = {"course_slug": course_slug, "module_slug": module_slug, "user_id": user_id}
    row = connection.execute(reading, params).first()
    if row is None:
        return None
    siblings = connection.execute(sibling_query, {"course_id": row.course_id}).all()
    index = [s.slug for s in siblings].index(row.slug)
    module = ModuleText(
        row.id,
        row.course_id,
        row.slug,
        row.title,
        row.minutes,
        row.content_note,
        row.version,
        CourseRef(row.course_slug, row.course_title),
    )
    progress = None
    if row.progress_id is not None:
        progress = ProgressView(row.note_acknowledged_at, row.last_section, row.completed_at)
    return ModuleReading(
        module,
        progress,
        row.last_module_id,
        Neighbour(*siblings[index - 1]) if index > 0 else None,
        Neighbour(*siblings[index + 1]) if index + 1 < len(siblings) else None,
        index + 1,
        len(siblings),
        row.check_quiz,
    )


def module_body(db: Session, module_id: int) -> ModuleBody | None:
    """Return a module's body and the version it belongs to (None if the module is gone)."""
    row = _connection(db).execute(_reading_statements()[2], {"module_id": module_id}).first()
    return None if row is None else ModuleBody(*row)


def current_site(db: Session) -> dict[str, Any]:
    """Return the site variables and support resources of the latest content sync."""
    site = db.scalar(select(ContentSync.site).order_by(ContentSync.id.desc()).limit(1))
    return site or {"variables": {}, "support": []}
