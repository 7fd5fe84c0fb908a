"""``lms demo generate``: a realistic state-wide demo population for dashboards and benchmarks.

Two halves. The planning half (:mod:`lms.demo_plan`: the planner and its name and date
helpers) is plain Python driven by one ``random.Random(seed)`` and a ``today`` parameter: the
same seed on the same database gives the same rows. This shell (:func:`generate`) reads the
synced catalogue, feeds the planner one chunk of people at a time and writes each chunk in
bulk (executemany Core inserts; on PostgreSQL ``COPY``, measured about twice as fast), so
memory stays bounded and no ORM object is built per row. Ids of agencies, users and
certificates are assigned here (certificate serials embed the id, and a renewed certificate
points at its successor); on PostgreSQL the sequences are moved past them at the end, so
nothing else should write to those tables while a population is generated.

Generated accounts cannot sign in: their ``password_hash`` is :data:`UNUSABLE_PASSWORD`, which
the argon2 verifier rejects as malformed. Their email addresses end in ``.demo.invalid``, a
domain that never delivers, and that is how a second run recognises an earlier population and
refuses. Certificates get plausible stored values (serial, code, credential id, status list
position, a digest) but no rendered PDF and no signed credential: downloading such a PDF is a
404, exactly as for any certificate without a stored file.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import JSON, Connection, Table, func, select, text
from sqlalchemy.orm import Session

from lms.assessments.models import Attempt, Quiz, QuizVersion
from lms.assessments.snapshot import settings_from_data
from lms.auth.models import Agency, Discipline, Role, User
from lms.certificates.models import Certificate
from lms.courses.models import Course, Enrollment, Module, ModuleProgress
from lms.db import FractionType
from lms.demo_plan import (
    CHUNK_PEOPLE,
    EMAIL_DOMAIN,
    INSERT_BATCH,
    LEARNERS_PER_AGENCY,
    OVERSEERS,
    TYPE_WEIGHTS,
    Batch,
    Catalogue,
    CourseInfo,
    GenerateError,
    Planner,
    QuizInfo,
    plan_agencies,
    share_out,
)
from lms.oversight import standings
from lms.oversight.models import ExternalCredit, Requirement

# -- the shell: read the catalogue, insert chunk by chunk, rebuild the standings ----------------

CERT_STATES = (
    "active", "expiring within 30 days", "expiring within 60 days", "expiring within 90 days",
    "expired", "superseded", "revoked", "suspended",
)  # fmt: skip


@dataclass(frozen=True)
class Summary:
    """What a run created, and how long it took."""

    seed: int
    agencies: int
    counties: int
    regions: int
    people: Counter[str]  #: by role
    rows: Counter[str]  #: by table
    certificates: Counter[str]  #: by state (see CERT_STATES)
    credits: Counter[str]  #: by status
    standings: int
    generate_seconds: float
    standings_seconds: float

    def lines(self) -> list[str]:
        """Return the summary as printed by ``lms demo generate``."""
        rows, people = self.rows, self.people
        out = [
            f"Generated a state-wide demo population (seed {self.seed}):",
            f"  agencies          {self.agencies:>9,} in {self.counties} counties and "
            f"{self.regions} regions",
            f"  learners          {people['learner']:>9,} (plus {people['coordinator']:,} "
            f"coordinators and {people['overseer']:,} overseers)",
            f"  enrollments       {rows['enrollments']:>9,}",
            f"  module progress   {rows['module_progress']:>9,}",
            f"  quiz attempts     {rows['attempts']:>9,} (pre-tests and finals)",
            f"  certificates      {rows['certificates']:>9,}",
        ]
        out += [f"    {state:<24}{self.certificates[state]:>8,}" for state in CERT_STATES]
        out.append(f"  external credits  {rows['external_credits']:>9,}")
        out += [f"    {s:<24}{self.credits[s]:>8,}" for s in ("approved", "pending", "rejected")]
        out.append(f"  standings         {self.standings:>9,} rows")
        total = self.generate_seconds + self.standings_seconds
        out.append(
            f"Elapsed {total:.1f} s: generate and insert {self.generate_seconds:.1f} s, "
            f"rebuild standings {self.standings_seconds:.1f} s."
        )
        return out


def load_catalogue(db: Session) -> Catalogue:
    """Read the synced disciplines, courses, quizzes and requirements; raise if there are none."""
    from lms.oversight.queries import spec_of

    disciplines = {
        d.slug: (d.id, d.name) for d in db.scalars(select(Discipline).where(Discipline.active))
    }
    requirements = tuple(
        spec_of(r)
        for r in db.scalars(select(Requirement).where(Requirement.active).order_by(Requirement.id))
    )
    course_rows = list(db.scalars(select(Course).where(Course.active).order_by(Course.id)))
    if not disciplines or not requirements or not course_rows:
        raise GenerateError(
            "No synced curriculum (disciplines, courses and requirements) in this database: "
            "run `lms content sync` first."
        )
    modules: dict[int, list[tuple[int, int, bool]]] = {}
    for m in db.execute(
        select(Module.course_id, Module.id, Module.version, Module.content_note)
        .where(Module.active)
        .order_by(Module.course_id, Module.position)
    ):
        modules.setdefault(m.course_id, []).append((m.id, m.version, bool(m.content_note)))
    quizzes: dict[tuple[int, str], QuizInfo] = {}
    for quiz, version in db.execute(
        select(Quiz, QuizVersion)
        .join(QuizVersion, (QuizVersion.quiz_id == Quiz.id) & (QuizVersion.version == Quiz.version))
        .where(Quiz.active, Quiz.kind.in_(("pretest", "final")))
    ):
        settings = settings_from_data(version.settings)
        count = sum(d.count for d in settings.draws) or len(version.question_ids) or 1
        quizzes[(quiz.course_id, quiz.kind)] = QuizInfo(
            quiz.id, version.id, count, settings.pass_mark
        )
    courses = {
        c.slug: CourseInfo(
            c.id,
            c.slug,
            c.title,
            c.version,
            c.hours,
            c.validity_months,
            tuple(modules.get(c.id, ())),
            quizzes.get((c.id, "pretest")),
            quizzes.get((c.id, "final")),
        )  # fmt: skip
        for c in course_rows
    }
    return Catalogue(disciplines, courses, requirements)


def _insert(conn: Connection, table: Table, data: list[dict[str, Any]]) -> None:
    """Write rows with executemany Core inserts, a batch at a time."""
    for start in range(0, len(data), INSERT_BATCH):
        conn.execute(table.insert(), data[start : start + INSERT_BATCH])


def _copy(conn: Connection, table: Table, data: list[dict[str, Any]]) -> None:
    """Write rows with PostgreSQL's COPY (about twice as fast as inserts, a third of the CPU).

    The values are those the Core insert would bind: JSON columns as JSON text, fractions as
    their text form (FractionType), aware datetimes as they are (timestamptz).
    """
    names = list(data[0])
    convert: list[Callable[[Any], Any] | None] = []
    for name in names:
        kind = table.c[name].type
        if isinstance(kind, JSON):
            convert.append(json.dumps)
        elif isinstance(kind, FractionType):
            convert.append(lambda v: None if v is None else str(Fraction(v)))
        else:
            convert.append(None)
    pairs = list(zip(names, convert, strict=True))
    statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in data:
            copy.write_row([f(row[n]) if f else row[n] for n, f in pairs])


def generate(
    db: Session,
    learners: int,
    seed: int,
    now: datetime,
    echo: Callable[[str], None] | None = None,
) -> Summary:
    """Create a generated population of ``learners`` learners and rebuild the standings.

    Flushes only (the caller commits). Raises ``GenerateError`` when the curriculum is not
    synced or the database already holds a generated population.
    """
    began = time.perf_counter()
    if learners < 1:
        raise GenerateError("--learners must be at least 1.")
    earlier = db.scalar(
        select(func.count()).select_from(User).where(User.email.like(f"%.{EMAIL_DOMAIN}"))
    )
    if earlier:
        raise GenerateError(
            f"This database already holds a generated population ({earlier:,} accounts at "
            f"*.{EMAIL_DOMAIN}); generate into a fresh database instead."
        )
    catalogue = load_catalogue(db)
    today = now.date()
    rng = random.Random(seed)

    def next_id(column: Any) -> int:
        return int(db.scalar(select(func.max(column))) or 0) + 1

    first_agency = next_id(Agency.id)
    first_ids = {
        "users": next_id(User.id),
        "certificates": next_id(Certificate.id),
        "status_list": next_id(Certificate.status_list),
    }
    taken = set(db.scalars(select(Agency.name)))
    count = max(len(TYPE_WEIGHTS), round(learners / LEARNERS_PER_AGENCY))
    plans = plan_agencies(rng, count, taken)
    conn = db.connection()
    rows: Counter[str] = Counter()
    write_rows = _copy if conn.dialect.name == "postgresql" else _insert

    def insert(table: Any, data: list[dict[str, Any]]) -> None:
        if data:
            write_rows(conn, table.__table__, data)
        rows[table.__tablename__] += len(data)

    insert(Agency, [
        {"id": first_agency + i, "name": a.name, "type": str(a.type), "county": a.county,
         "region": a.region, "active": True}
        for i, a in enumerate(plans)
    ])  # fmt: skip
    planner = Planner(rng, catalogue, today, first_ids)
    people: Counter[str] = Counter()

    def write(batch: Batch) -> None:
        planner.tally(batch)
        people.update(row["role"] for row in batch.users)
        insert(User, batch.users)
        insert(Enrollment, batch.enrollments)
        insert(ModuleProgress, batch.progress)
        insert(Certificate, batch.certificates)
        insert(Certificate, batch.superseded)
        insert(Attempt, batch.attempts)
        insert(ExternalCredit, batch.credits)
        if echo:
            echo(f"  {sum(people.values()):,} people written ({time.perf_counter() - began:.0f} s)")

    batch = Batch()
    for _ in range(OVERSEERS):
        planner.person(batch, Role.OVERSEER, None, None)
    for index, (plan, staff) in enumerate(
        zip(plans, share_out(learners, [a.size for a in plans]), strict=True)
    ):
        planner.person(batch, Role.COORDINATOR, first_agency + index, plan)
        for _ in range(staff):
            planner.person(batch, Role.LEARNER, first_agency + index, plan)
            if len(batch.users) >= CHUNK_PEOPLE:
                write(batch)
                batch = Batch()
    write(batch)
    if conn.dialect.name == "postgresql":  # explicit ids were used: move the sequences on
        for table in ("agencies", "users", "certificates"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
            )
    generated = time.perf_counter()
    written = standings.refresh(db, today)
    db.flush()
    return Summary(
        seed=seed,
        agencies=len(plans),
        counties=len({a.county for a in plans}),
        regions=len({a.region for a in plans}),
        people=people,
        rows=rows,
        certificates=planner.states,
        credits=planner.credit_states,
        standings=written,
        generate_seconds=generated - began,
        standings_seconds=time.perf_counter() - generated,
    )
