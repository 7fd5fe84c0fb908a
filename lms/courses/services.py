"""Write side of courses: content sync, enrollment and module progress.

Each function flushes; the view or CLI command commits once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.assessments.services import sync_quizzes
from lms.auth.models import Discipline, User
from lms.courses.models import ContentSync, Course, Enrollment, Module, ModuleProgress
from lms.courses.spec import ContentTree, CourseSpec, ModuleSpec


@dataclass
class SyncReport:
    """What a sync changed, as ``kind:slug`` strings."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return whether anything changed."""
        return bool(self.created or self.updated or self.retired)

    def as_dict(self) -> dict[str, list[str]]:
        """Return the report as plain data."""
        return dataclasses.asdict(self)


def sync_content(db: Session, tree: ContentTree, now: datetime) -> SyncReport:
    """Bring the database in line with a validated content tree.

    Unchanged content is left untouched (a re-sync is a no-op). A changed module gets a new
    version; learners' progress rows are kept. Removed courses, modules and disciplines are
    retired, never deleted. Runs inside the caller's transaction: all or nothing.
    """
    report = SyncReport()
    disciplines = _sync_disciplines(db, tree, report)
    existing = {c.slug: c for c in db.scalars(select(Course))}
    for spec in tree.courses:
        course = _sync_course(db, existing.get(spec.slug), spec, disciplines, now, report)
        # Quizzes are versioned apart from the course text (each question on its own).
        report.updated.extend(sync_quizzes(db, course, spec.quizzes, now))
    for slug, course in existing.items():
        if course.active and slug not in {c.slug for c in tree.courses}:
            course.active = False
            report.retired.append(f"course:{slug}")
            report.retired.extend(sync_quizzes(db, course, (), now))
    from lms.oversight.sync import sync_requirements

    created, updated, retired = sync_requirements(db, tree.requirements, now)
    if created or updated or retired:
        from lms.oversight.standings import refresh

        refresh(db, now.date())  # who is covered, and by when, may have changed for anyone
    report.created.extend(created)
    report.updated.extend(updated)
    report.retired.extend(retired)
    site = _site_data(tree)
    latest = db.scalar(select(ContentSync).order_by(ContentSync.id.desc()).limit(1))
    if report.changed or latest is None or latest.site != site:
        if not report.changed:
            report.updated.append("site")
        db.add(
            ContentSync(at=now, tree_hash=tree.content_hash, summary=report.as_dict(), site=site)
        )
    db.flush()
    return report


def _site_data(tree: ContentTree) -> dict[str, Any]:
    return {
        "variables": dict(tree.site.variables),
        "support": [dataclasses.asdict(r) for r in tree.site.support],
    }


def _sync_disciplines(db: Session, tree: ContentTree, report: SyncReport) -> dict[str, Discipline]:
    rows = {d.slug: d for d in db.scalars(select(Discipline))}
    wanted = {d.slug for d in tree.disciplines}
    for spec in tree.disciplines:
        row = rows.get(spec.slug)
        if row is None:
            row = rows[spec.slug] = Discipline(slug=spec.slug)
            db.add(row)
            report.created.append(f"discipline:{spec.slug}")
        elif (row.name, row.description, row.active) != (spec.name, spec.description, True):
            report.updated.append(f"discipline:{spec.slug}")
        row.name, row.description, row.active = spec.name, spec.description, True
    for slug, row in rows.items():
        if slug not in wanted and row.active:
            row.active = False
            report.retired.append(f"discipline:{slug}")
    return rows


def _sync_course(
    db: Session,
    course: Course | None,
    spec: CourseSpec,
    disciplines: dict[str, Discipline],
    now: datetime,
    report: SyncReport,
) -> None:
    if course is None:
        course = Course(slug=spec.slug, content_hash="")
        db.add(course)
        report.created.append(f"course:{spec.slug}")
    elif course.content_hash != spec.content_hash or not course.active:
        report.updated.append(f"course:{spec.slug}")
    else:
        return course  # the course hash covers its modules, so nothing below can differ
    course.title, course.summary, course.hours = spec.title, spec.summary, spec.hours
    course.version, course.validity_months = spec.version, spec.validity_months
    course.overview_html, course.content_hash = spec.overview_html, spec.content_hash
    course.active, course.synced_at = True, now
    course.disciplines = [disciplines[slug] for slug in spec.disciplines]
    db.flush()
    modules = {m.slug: m for m in db.scalars(select(Module).where(Module.course_id == course.id))}
    for mspec in spec.modules:
        _sync_module(db, course, modules.get(mspec.slug), mspec, now, report)
    for slug, module in modules.items():
        if module.active and slug not in {m.slug for m in spec.modules}:
            module.active = False
            report.retired.append(f"module:{spec.slug}/{slug}")
    return course


def _sync_module(
    db: Session,
    course: Course,
    module: Module | None,
    spec: ModuleSpec,
    now: datetime,
    report: SyncReport,
) -> None:
    name = f"module:{course.slug}/{spec.slug}"
    if module is None:
        module = Module(course_id=course.id, slug=spec.slug, version=1)
        db.add(module)
        report.created.append(name)
    elif module.content_hash != spec.content_hash:
        module.version += 1
        report.updated.append(name)
    elif module.position != spec.position or not module.active:
        report.updated.append(name)  # moved or restored; the learner-facing text is the same
    module.position, module.title, module.objectives = (
        spec.position,
        spec.title,
        list(spec.objectives),
    )
    module.minutes, module.content_note = spec.minutes, spec.content_note
    module.sources = [{"title": s.title, "url": s.url} for s in spec.sources]
    module.html, module.words, module.content_hash = spec.html, spec.words, spec.content_hash
    module.toc = [{"id": t.id, "title": t.title, "level": t.level} for t in spec.toc]
    module.active, module.updated_at = True, now


# Learner progress ---------------------------------------------------------------------------


def enroll(db: Session, user: User, course: Course, now: datetime) -> Enrollment:
    """Return the user's enrollment in ``course``, creating it once even under a double click."""
    found = db.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )
    if found is not None:
        return found
    enrollment = Enrollment(user_id=user.id, course_id=course.id, started_at=now)
    try:
        with db.begin_nested():
            db.add(enrollment)
    except IntegrityError:  # a concurrent request enrolled first
        return db.scalars(
            select(Enrollment).where(
                Enrollment.user_id == user.id, Enrollment.course_id == course.id
            )
        ).one()
    from lms.oversight.standings import refresh_learner  # oversight builds on courses

    refresh_learner(db, user.id, now)  # a started course counts as training in progress
    return enrollment


def progress_for(db: Session, user: User, module: Module, now: datetime) -> ModuleProgress:
    """Return the user's progress row for ``module``, creating it on first visit."""
    row = db.scalar(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id
        )
    )
    if row is not None:
        return row
    row = ModuleProgress(user_id=user.id, module_id=module.id, started_at=now, updated_at=now)
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        return db.scalars(
            select(ModuleProgress).where(
                ModuleProgress.user_id == user.id, ModuleProgress.module_id == module.id
            )
        ).one()
    return row


def record_visit(
    db: Session, user: User, module: Module, progress: ModuleProgress | None, now: datetime
) -> ModuleProgress:
    """Note that the user opened ``module``: start progress and move the resume point.

    Writes only when something changes, so re-reading a page costs no write.
    """
    enrollment = enroll(db, user, module.course, now)
    if enrollment.last_module_id != module.id:
        enrollment.last_module_id = module.id
    if progress is None:
        progress = progress_for(db, user, module, now)
    db.flush()
    return progress


def acknowledge_note(db: Session, user: User, module: Module, now: datetime) -> None:
    """Record that the learner read the content note and chose to continue."""
    progress = progress_for(db, user, module, now)
    progress.note_acknowledged_at = progress.updated_at = now
    db.flush()


def pause(db: Session, user: User, module: Module, section: str | None, now: datetime) -> None:
    """Keep the learner's place (a heading id of the module) for later."""
    valid = {entry["id"] for entry in module.toc}
    progress = record_visit(db, user, module, None, now)
    progress.last_section = section if section in valid else None
    progress.updated_at = now
    db.flush()


def module_completion(db: Session, user_id: int, course_id: int) -> tuple[int, int]:
    """Return (active modules, of them completed by the learner) for a course."""
    total = db.scalar(
        select(func.count(Module.id)).where(Module.course_id == course_id, Module.active)
    )
    done = db.scalar(
        select(func.count(ModuleProgress.id))
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(
            ModuleProgress.user_id == user_id,
            Module.course_id == course_id,
            Module.active,
            ModuleProgress.completed_at.is_not(None),
        )
    )
    return int(total or 0), int(done or 0)


def complete_module(db: Session, user: User, module: Module, now: datetime) -> bool:
    """Mark ``module`` complete (idempotent); return whether the whole course is now complete."""
    progress = record_visit(db, user, module, None, now)
    if progress.completed_at is None:
        progress.completed_at = now
    progress.completed_version = module.version
    progress.last_section = None
    progress.updated_at = now
    db.flush()
    total, done = module_completion(db, user.id, module.course_id)
    enrollment = enroll(db, user, module.course, now)
    if total and done == total and enrollment.completed_at is None:
        enrollment.completed_at = now
    db.flush()
    return bool(total and done == total)
