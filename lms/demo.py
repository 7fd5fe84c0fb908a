"""Demo data for ``make run``: agencies of several types and counties, one account per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth import services
from lms.auth.models import Agency, AgencyType, Discipline, Role, User
from lms.auth.passwords import Hasher

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
