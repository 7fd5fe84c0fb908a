"""Demo data for ``make run``: agencies of several types and counties, one account per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth import services
from lms.auth.models import Agency, AgencyType, Discipline, Role, User
from lms.auth.passwords import Hasher

if TYPE_CHECKING:
    from lms.certificates.issuer import Issuer

AGENCIES = [
    ("Harbor City Police Department", AgencyType.LAW_ENFORCEMENT, "Harbor County", "Coastal"),
    ("Pine County Sheriff's Office", AgencyType.LAW_ENFORCEMENT, "Pine County", "Northern"),
    (
        "Department of Children and Families, Coastal Region",
        AgencyType.CHILD_WELFARE,
        "Harbor County",
        "Coastal",
    ),
    ("Pine County Juvenile Probation", AgencyType.JUVENILE_JUSTICE, "Pine County", "Northern"),
    ("Lakeside Children's Hospital", AgencyType.HEALTH_CARE, "Lake County", "Central"),
    ("Lake County Unified School District", AgencyType.EDUCATION, "Lake County", "Central"),
    ("Safe Passage Youth Services", AgencyType.COMMUNITY_PROVIDER, "Harbor County", "Coastal"),
    ("Northern Advocacy Center", AgencyType.ADVOCACY, "Pine County", "Northern"),
    (
        "State Council on Youth Exploitation Response",
        AgencyType.OVERSIGHT,
        "Capitol County",
        "Central",
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    name: str
    agency: str | None
    discipline: str | None


ACCOUNTS = [
    DemoAccount(
        "learner",
        "officer@example.org",
        "demo-officer-harbor",
        "Jordan Rivera",
        "Harbor City Police Department",
        "law-enforcement",
    ),
    DemoAccount(
        "coordinator",
        "coordinator@example.org",
        "demo-coordinator-harbor",
        "Sam Okafor",
        "Harbor City Police Department",
        "law-enforcement",
    ),
    DemoAccount(
        "overseer",
        "overseer@example.org",
        "demo-overseer-harbor",
        "Alex Chen",
        "State Council on Youth Exploitation Response",
        "leadership",
    ),
    DemoAccount("admin", "admin@example.org", "demo-admin-harbor", "Morgan Lee", None, None),
    DemoAccount(
        "learner",
        "caseworker@example.org",
        "demo-caseworker-harbor",
        "Riley Nguyen",
        "Department of Children and Families, Coastal Region",
        "child-welfare",
    ),
]


def seed(db: Session, hasher: Hasher, now: datetime) -> list[DemoAccount]:
    """Create what is missing of the demo agencies and accounts; return the accounts."""
    agencies = {a.name: a for a in db.scalars(select(Agency))}
    for name, kind, county, region in AGENCIES:
        if name not in agencies:
            agencies[name] = Agency(name=name, type=kind, county=county, region=region)
            db.add(agencies[name])
    db.flush()
    disciplines = {d.slug: d for d in db.scalars(select(Discipline))}
    for account in ACCOUNTS:
        if db.scalar(select(User.id).where(User.email == account.email)) is not None:
            continue
        discipline = disciplines.get(account.discipline or "")
        new = services.NewUser(
            account.name,
            account.email,
            account.password,
            agencies[account.agency].id if account.agency else None,
            discipline.id if discipline else None,
            date(2024, 9, 1),
            Role(account.role),
        )
        services.create_user(db, new, hasher, now)
    return ACCOUNTS


#: The demo caseworker finished Foundations this long ago, so the demo shows a certificate
#: whose recertification window is open.
CERTIFIED_EMAIL = "caseworker@example.org"
CERTIFIED_MONTHS_AGO = 22


def seed_certificate(db: Session, issuer: Issuer, now: datetime) -> str | None:
    """Walk the demo caseworker through Foundations and issue the certificate (idempotent).

    The learner's steps are the real ones, backdated: every module completed, a final
    assessment attempt drawn, answered correctly and scored by the quiz engine, then issuance.
    Returns the serial, or None when the course or the account is missing.
    """
    from lms.assessments import attempts as quiz_attempts
    from lms.assessments.models import Quiz
    from lms.assessments.scoring import full_marks_response
    from lms.certificates.models import Certificate
    from lms.certificates.policy import add_months
    from lms.certificates.services import issue_if_eligible
    from lms.courses.models import Course
    from lms.courses.services import complete_module

    user = db.scalar(select(User).where(User.email == CERTIFIED_EMAIL))
    course = db.scalar(select(Course).where(Course.slug == "foundations", Course.active))
    if user is None or course is None:
        return None
    held = db.scalar(select(Certificate.serial).where(Certificate.user_id == user.id))
    if held:
        return held
    then = add_months(now, -CERTIFIED_MONTHS_AGO)
    for module in sorted((m for m in course.modules if m.active), key=lambda m: m.position):
        complete_module(db, user, module, then)
    final = db.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == "final"))
    if final is not None:
        attempt = quiz_attempts.start_attempt(db, user, final, then)
        own = quiz_attempts.lock_own_attempt(db, course.slug, final.slug, user.id, attempt.number)
        items = quiz_attempts.answer_items(db, own)
        responses = {i.shown.position: full_marks_response(i.shown.question) for i in items}
        quiz_attempts.submit_attempt(db, own, items, responses, then)
        db.flush()
    cert = issue_if_eligible(db, user, course, issuer, then)
    return cert.serial if cert else None
