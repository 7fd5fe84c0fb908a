"""The annual report's read side and rendering: aggregates for a period, as PDF and CSV.

Every figure comes from a GROUP BY (or one streamed statement, for knowledge gain), never a
query per learner, so the statement count is fixed whatever the size of the state; the pure
:mod:`lms.oversight.report` suppresses small cells and hashes the aggregates.

Completion and overdue are as of ``as_of`` = min(period end, today). A standing (see
:mod:`lms.oversight.standings`) is right for every day from the day it was computed, so the
standings computed on or before ``as_of`` are counted in SQL; learners whose facts changed after
``as_of`` (their standings were computed later) are recomputed by the pure core for ``as_of``
from certificates issued by then (revocations count as they stand now). Learners created after
``as_of`` are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import metadata
from typing import Any

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from lms.assessments.models import Attempt, Quiz
from lms.assessments.stats import knowledge_gain
from lms.audit import services as audit
from lms.auth.models import Agency, AgencyType, Discipline, User
from lms.certificates.models import Certificate
from lms.courses.models import Course
from lms.oversight import compliance, report, standings
from lms.oversight.compliance import CODES, Status
from lms.oversight.models import Requirement, Standing
from lms.oversight.queries import status_code

NO_AGENCY = "No agency"
NOT_RECORDED = "Not recorded"
FIRST_YEAR = 2000
_TYPE_LABELS = {t.value: t.label for t in AgencyType}
_BREACH = frozenset({Status.OVERDUE, Status.EXPIRED})


class BadPeriod(ValueError):
    """A reporting period that cannot be reported on."""


def year_period(year: int, today: date) -> tuple[date, date]:
    """Return the first and last day of ``year``; raise BadPeriod if it has not begun."""
    if not FIRST_YEAR <= year <= today.year:
        raise BadPeriod(f"Choose a year from {FIRST_YEAR} to {today.year}.")
    return date(year, 1, 1), date(year, 12, 31)


def last_full_year(today: date) -> int:
    """Return the most recent calendar year that has ended."""
    return today.year - 1


def parameters(
    start: date, end: date, today: date, threshold: int = report.THRESHOLD
) -> report.Parameters:
    """Return the report's parameters: standings are taken as of min(end, today)."""
    if end < start:
        raise BadPeriod("The period must end on or after the day it starts.")
    if start > today:
        raise BadPeriod("The period has not begun yet.")
    return report.Parameters(start, end, min(end, today), threshold)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


# -- aggregates ---------------------------------------------------------------------------------


def gather(db: Session, params: report.Parameters) -> report.Aggregates:
    """Return the report's aggregates for ``params`` (a fixed number of statements)."""
    return report.Aggregates(
        *_trained(db, params),
        *_standing(db, params.as_of),
        certificates_by_course=_certificates(db, params),
        gain_by_course=_gain(db, params),
    )


def _trained(db: Session, params: report.Parameters) -> tuple[tuple[tuple[str, int], ...], ...]:
    """People trained (distinct learners issued a certificate in the period), three ways."""
    issued = and_(
        Certificate.issued_at >= _at(params.start),
        Certificate.issued_at < _at(params.end + timedelta(days=1)),
    )
    learners = func.count(distinct(Certificate.user_id))

    def counts(column: Any) -> dict[Any, int]:
        query = (
            select(column, learners)
            .select_from(Certificate)
            .join(User, User.id == Certificate.user_id)
            .outerjoin(Agency, Agency.id == User.agency_id)
            .outerjoin(Discipline, Discipline.id == User.discipline_id)
            .where(issued)
            .group_by(column)
        )
        return {key: n for key, n in db.execute(query)}

    by_discipline = counts(Discipline.name)
    names = set(db.scalars(select(Discipline.name).where(Discipline.active)))
    disciplines = {NOT_RECORDED if k is None else k: v for k, v in by_discipline.items()}
    by_type = {
        NO_AGENCY if k is None else _TYPE_LABELS.get(str(k), str(k)): v
        for k, v in counts(Agency.type).items()
    }
    types = {t.label for t in AgencyType}
    by_region = {NO_AGENCY if k is None else k: v for k, v in counts(Agency.region).items()}
    regions = set(db.scalars(select(Agency.region).distinct()))

    def rows(found: dict[str, int], known: set[str]) -> tuple[tuple[str, int], ...]:
        return tuple(sorted((label, found.get(label, 0)) for label in known | found.keys()))

    return rows(disciplines, names), rows(by_type, types), rows(by_region, regions)


@dataclass
class _Tally:
    met: int = 0
    pending: int = 0
    overdue: int = 0

    def add(self, code: str, n: int) -> None:
        status, _, satisfied = CODES[code]
        if satisfied:
            self.met += n
        elif status in _BREACH:
            self.overdue += n
        else:
            self.pending += n


def _standing(db: Session, as_of: date) -> tuple[tuple[report.StandingCounts, ...], ...]:
    """Completion and overdue as of ``as_of``, by requirement, agency type and region."""
    stale_users = select(Standing.user_id).where(Standing.computed_on > as_of).distinct()
    current = (
        select(
            Standing.requirement_id,
            Standing.agency_id,
            status_code(as_of).label("code"),
        )
        .where(Standing.computed_on <= as_of, Standing.user_id.not_in(stale_users))
        .subquery()
    )
    pairs: Counter[tuple[int, int | None, str]] = Counter()
    for requirement_id, agency_id, code, n in db.execute(
        select(
            current.c.requirement_id, current.c.agency_id, current.c.code, func.count()
        ).group_by(current.c.requirement_id, current.c.agency_id, current.c.code)
    ):
        pairs[(requirement_id, agency_id, code)] += n
    recompute = tuple(
        db.scalars(
            select(User.id)
            .where(User.id.in_(stale_users), User.created_at < _at(as_of + timedelta(days=1)))
            .order_by(User.id)
        )
    )
    if recompute:
        # The pure core, for learners whose standings were computed after as_of, through the
        # standings module's own fact gathering (bulk, per batch of learners) so both agree.
        for row in standings.compute(db, as_of, recompute):
            code = compliance.code_of(compliance.status_on(row.snapshot, as_of))
            pairs[(row.requirement_id, row.agency_id, code)] += 1

    names = {key: name for key, name in db.execute(select(Requirement.id, Requirement.name))}
    agencies = {
        agency_id: (_TYPE_LABELS.get(str(kind), str(kind)), region)
        for agency_id, kind, region in db.execute(select(Agency.id, Agency.type, Agency.region))
    }
    by: dict[str, dict[str, _Tally]] = {
        "requirement": defaultdict(_Tally),
        "type": defaultdict(_Tally),
        "region": defaultdict(_Tally),
    }
    for (requirement_id, agency_id, code), n in pairs.items():
        kind, region = agencies.get(agency_id, (NO_AGENCY, NO_AGENCY))
        by["requirement"][names.get(requirement_id, str(requirement_id))].add(code, n)
        by["type"][kind].add(code, n)
        by["region"][region].add(code, n)

    def rows(tallies: dict[str, _Tally]) -> tuple[report.StandingCounts, ...]:
        return tuple(
            report.StandingCounts(label, t.met, t.pending, t.overdue)
            for label, t in sorted(tallies.items())
        )

    return rows(by["requirement"]), rows(by["type"]), rows(by["region"])


def _certificates(db: Session, params: report.Parameters) -> tuple[report.CertificateCounts, ...]:
    """Certificates issued, expired and revoked in the period, per course (one statement)."""
    start = _at(params.start)
    end = _at(params.end + timedelta(days=1))
    # Nothing has expired or been revoked after as_of (today, for the current year).
    seen_end = min(end, _at(params.as_of + timedelta(days=1)))
    c = Certificate

    def tally(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = (
        select(
            Course.title,
            tally(and_(c.issued_at >= start, c.issued_at < end)),
            tally(and_(c.expires_at >= start, c.expires_at < seen_end)),
            tally(
                and_(
                    c.status == "revoked",
                    c.status_changed_at >= start,
                    c.status_changed_at < seen_end,
                )
            ),
        )
        .select_from(Course)
        .outerjoin(c, c.course_id == Course.id)
        .group_by(Course.id, Course.title)
    )
    return tuple(
        report.CertificateCounts(title, int(issued), int(expired), int(revoked))
        for title, issued, expired, revoked in db.execute(query)
    )


def _gain(db: Session, params: report.Parameters) -> tuple[report.GainFigures, ...]:
    """Knowledge gain per course: learners whose first final attempt was in the period."""
    rows = db.execute(
        select(Course.title, Attempt.user_id, Quiz.kind, Attempt.score, Attempt.submitted_at)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(
            Attempt.number == 1,
            Attempt.status == "submitted",
            Quiz.kind.in_(("pretest", "final")),
        )
    )
    start, end = _at(params.start), _at(params.end + timedelta(days=1))
    pre: dict[tuple[str, int], float] = {}
    post: dict[tuple[str, int], float] = {}
    titles: set[str] = set()
    for title, user_id, kind, score, submitted_at in rows:
        titles.add(title)
        if kind == "pretest":
            pre[(title, user_id)] = float(score or 0)
        elif submitted_at is not None and start <= submitted_at < end:
            post[(title, user_id)] = float(score or 0)
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for key in sorted(pre.keys() & post.keys()):
        pairs[key[0]].append((pre[key], post[key]))
    found = []
    for title in sorted(titles):
        gain = knowledge_gain(pairs.get(title, []))
        found.append(
            report.GainFigures(
                title,
                gain.n_pairs,
                gain.pre_mean,
                gain.post_mean,
                gain.mean_gain,
                gain.normalised_gain,
            )
        )
    return tuple(found)


def versions(db: Session) -> tuple[tuple[str, str], ...]:
    """Return the application's version and the content versions the figures rest on."""
    try:
        app = metadata.version("lms")
    except metadata.PackageNotFoundError:
        app = "unknown"
    courses = "; ".join(
        f"{slug} {version}"
        for slug, version in db.execute(select(Course.slug, Course.version).order_by(Course.slug))
    )
    requirements = "; ".join(
        f"{key} v{version}"
        for key, version in db.execute(
            select(Requirement.key, Requirement.version)
            .where(Requirement.active)
            .order_by(Requirement.key)
        )
    )
    return (
        ("Harbor", app),
        ("Courses", courses or "none"),
        ("Requirements", requirements or "none"),
    )


def annual_report(db: Session, params: report.Parameters, now: datetime) -> report.Report:
    """Return the report for ``params``, generated at ``now``."""
    return report.build(params, gather(db, params), now, versions(db))


def record_generation(
    db: Session, built: report.Report, form: str, now: datetime, actor_id: int | None
) -> None:
    """Write who generated which report, in which form, and the hash of its data."""
    p = built.parameters
    audit.record(
        db,
        "report.generate",
        f"report:annual:{p.start.isoformat()}:{p.end.isoformat()}",
        {
            "format": form,
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
            "as_of": p.as_of.isoformat(),
            "threshold": p.threshold,
            "data_hash": built.data_hash,
        },
        now,
        actor_id=actor_id,
    )


# -- rendering ----------------------------------------------------------------------------------


def html_document(built: report.Report) -> str:
    """Return the report as a standalone HTML document, for the PDF."""
    from lms.certificates.pdf import document_html

    return document_html("oversight/annual_report_pdf.html", report=built)


def pdf(built: report.Report) -> bytes:
    """Return the report as a tagged PDF, printed by the certificates' renderer."""
    from lms.certificates.pdf import render_html

    return render_html(html_document(built), identifier=f"annual report {built.data_hash}")


def csv_bytes(built: report.Report) -> bytes:
    """Return the report as CSV in long form (section, dimension, value, measure, figure).

    Written by the compliance exports' writer: UTF-8 with a byte-order mark, and every cell a
    spreadsheet could read as a formula prefixed with a single quote (``exports.safe_cell``).
    """
    from lms.oversight.exports import csv_chunks

    head = ("section", "dimension", "value", "measure", "figure")
    return b"".join(csv_chunks(head, report.long_rows(built)))


def filename(built: report.Report, extension: str) -> str:
    """Return a download name such as ``harbor-annual-report-2025.pdf``."""
    p = built.parameters
    span = (
        str(p.start.year)
        if p.label.startswith("Calendar year")
        else f"{p.start.isoformat()}_{p.end.isoformat()}"
    )
    return f"harbor-annual-report-{span}.{extension}"
