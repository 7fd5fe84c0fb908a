"""The planning half of ``lms demo generate``: who works where, what they have done (pure).

Plain Python driven by one ``random.Random(seed)`` and a ``today`` parameter, so the same seed
gives the same rows: agencies across counties and regions, people with disciplines that fit
their agency, enrollments, progress, quiz attempts, certificates in every state and external
credits, as row dictionaries for :mod:`lms.demo_generate` to insert in bulk.
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from fractions import Fraction
from typing import Any

from lms.auth.models import AgencyType, Role
from lms.certificates import codes
from lms.certificates.policy import REASONS, Action, expiry
from lms.certificates.statuslist import MIN_LIST_BITS
from lms.courses.requirements import RequirementSpec
from lms.oversight import compliance

#: Stored instead of a hash: argon2 rejects it as malformed, so no password ever matches.
UNUSABLE_PASSWORD = "!demo-generated:no-password"
EMAIL_DOMAIN = "demo.invalid"
LEARNERS_PER_AGENCY = 330
#: People planned and inserted per chunk (bounds memory); rows per INSERT statement batch.
CHUNK_PEOPLE = 5000
INSERT_BATCH = 5000
OVERSEERS = 3
#: Every 33rd person claims external credit, decided in this rotation.
CREDIT_ROTATION = ("approved", "approved", "pending", "approved", "rejected")

REGIONS = ("Northern", "Coastal", "Central", "Southern", "Eastern", "Western")
#: (county, region, county seat); about forty counties in six regions.
COUNTIES = (
    ("Pine", "Northern", "Pineville"), ("Harbor", "Coastal", "Harbor City"),
    ("Lake", "Central", "Lakeside"), ("Capitol", "Central", "Capitol City"),
    ("Cedar", "Northern", "Cedar Falls"), ("Aspen", "Northern", "Aspen Ridge"),
    ("Birch", "Northern", "Birchwood"), ("Timber", "Northern", "Timberline"),
    ("Spruce", "Northern", "Spruce Hollow"), ("Elk", "Northern", "Elk River"),
    ("Bay", "Coastal", "Bayport"), ("Coral", "Coastal", "Coral Springs"),
    ("Heron", "Coastal", "Heron Point"), ("Marsh", "Coastal", "Marshfield"),
    ("Cypress", "Coastal", "Cypress Bend"), ("Prairie", "Central", "Prairie View"),
    ("Meadow", "Central", "Meadowbrook"), ("Oak", "Central", "Oakdale"),
    ("Maple", "Central", "Maplewood"), ("Clay", "Central", "Clayton"),
    ("Mesa", "Southern", "Mesa Verde"), ("Sage", "Southern", "Sageville"),
    ("Canyon", "Southern", "Canyon City"), ("Red Rock", "Southern", "Red Rock"),
    ("Juniper", "Southern", "Juniper Flats"), ("Walnut", "Southern", "Walnut Grove"),
    ("Granite", "Eastern", "Granite Falls"), ("Iron", "Eastern", "Ironton"),
    ("Summit", "Eastern", "Summitville"), ("Laurel", "Eastern", "Laurel Hill"),
    ("Sycamore", "Eastern", "Sycamore"), ("Stone", "Eastern", "Stonebridge"),
    ("Willow", "Western", "Willow Creek"), ("Silver", "Western", "Silver City"),
    ("Bluff", "Western", "Bluffton"), ("Fox", "Western", "Foxborough"),
    ("Hawk", "Western", "Hawk Valley"), ("Valley", "Western", "Valley Center"),
    ("River", "Central", "Riverton"), ("Ridge", "Eastern", "Ridgecrest"),
)  # fmt: skip
_TOWN_PARTS = (
    ("Fair", "Green", "Spring", "Brook", "Ash", "Mill", "West", "North", "Glen", "Clear",
     "White", "Hill", "Rose", "Lin", "Marion", "Bridge"),
    ("field", "ville", "ton", "port", "wood", "dale", "burg", "ford", "view", "haven"),
)  # fmt: skip
#: Agency name patterns per type: {county} is "Pine County", {town} a town of that county.
NAMES: dict[AgencyType, tuple[str, ...]] = {
    AgencyType.LAW_ENFORCEMENT: ("{town} Police Department", "{county} Sheriff's Office",
                                 "{town} Department of Public Safety"),
    AgencyType.CHILD_WELFARE: ("Department of Children and Families, {county} Office",
                               "{county} Children's Services"),
    AgencyType.JUVENILE_JUSTICE: ("{county} Juvenile Probation",
                                  "{county} Juvenile Intake Services",
                                  "{town} Regional Juvenile Detention Center"),
    AgencyType.HEALTH_CARE: ("{town} Children's Hospital", "{county} Behavioral Health",
                             "{town} Community Health Center", "{town} Medical Center"),
    AgencyType.EDUCATION: ("{county} Unified School District", "{town} Public Schools",
                           "{town} Unified School District"),
    AgencyType.COMMUNITY_PROVIDER: ("{town} Youth Services", "{town} Family Resource Center",
                                    "{county} Runaway and Homeless Youth Program"),
    AgencyType.ADVOCACY: ("{county} Child Advocacy Center", "{town} Survivor Advocacy Network"),
    AgencyType.COURT: ("{county} Juvenile Court", "{county} Public Defender's Office",
                       "{county} District Attorney's Office", "{county} CASA Program"),
}  # fmt: skip
#: Share of agencies and relative staff size per type.
TYPE_WEIGHTS = {
    AgencyType.LAW_ENFORCEMENT: (28, 1.4), AgencyType.CHILD_WELFARE: (9, 1.4),
    AgencyType.JUVENILE_JUSTICE: (8, 0.8), AgencyType.HEALTH_CARE: (12, 1.2),
    AgencyType.EDUCATION: (20, 1.5), AgencyType.COMMUNITY_PROVIDER: (10, 0.5),
    AgencyType.ADVOCACY: (6, 0.35), AgencyType.COURT: (7, 0.6),
}  # fmt: skip
#: Which disciplines work in which agency type, with weights (the first is the main one).
DISCIPLINES_BY_TYPE: dict[AgencyType, tuple[tuple[str, int], ...]] = {
    AgencyType.LAW_ENFORCEMENT: (("law-enforcement", 93), ("leadership", 7)),
    AgencyType.CHILD_WELFARE: (("child-welfare", 90), ("health", 4), ("leadership", 6)),
    AgencyType.JUVENILE_JUSTICE: (("juvenile-justice", 90), ("education", 3), ("health", 2),
                                  ("leadership", 5)),
    AgencyType.HEALTH_CARE: (("health", 95), ("leadership", 5)),
    AgencyType.EDUCATION: (("education", 90), ("health", 5), ("leadership", 5)),
    AgencyType.COMMUNITY_PROVIDER: (("community-provider", 88), ("health", 7), ("leadership", 5)),
    AgencyType.ADVOCACY: (("community-provider", 90), ("leadership", 10)),
    AgencyType.COURT: (("court", 93), ("leadership", 7)),
}  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Aaliyah Aiden Alejandro Amara Andre Angela Anh Ari Aya Ben Bianca Brandon Camila "
    "Carlos Chen Chloe Dakota Daniel Deja Devon Diego Elena Elijah Emily Eric Fatima "
    "Gabriel Grace Hana Hector Imani Isaac Jada Jamal Jasmine Javier Jordan Joseph Kai "
    "Kayla Keisha Kevin Laila Latoya Leah Lucas Luis Malik Maria Marcus Maya Mei Michael "
    "Miguel Naomi Nia Noah Olivia Omar Priya Quinn Rachel Rafael Riley Rosa Ryan Samira "
    "Sarah Sean Sofia Tanisha Taylor Thomas Tyrone Valeria Victor Wei Winona Xavier Yasmin "
    "Yusuf Zoe"
)
LAST = _words(
    "Abbott Acosta Adeyemi Begay Bennett Brooks Castillo Chen Clark Cruz Davis Diaz "
    "Edwards Fernandez Fisher Garcia Gonzalez Green Hall Harris Hernandez Hill Huang "
    "Jackson James Johnson Jones Kim King Lee Lewis Lopez Martin Martinez Mitchell Moore "
    "Morales Morgan Nguyen Nelson Okafor Ortiz Patel Perez Phillips Ramirez Reed Rivera "
    "Roberts Robinson Rodriguez Sanchez Scott Singh Smith Tallchief Taylor Thomas Thompson "
    "Torres Tran Turner Walker Washington White Williams Wilson Wright Yazzie Young"
)
EXTERNAL_TRAINING = (
    ("Human Trafficking Awareness for Patrol", "State Peace Officer Standards and Training"),
    ("Recognising Child Sex Trafficking in Health Settings", "Regional Health Care Coalition"),
    ("Trauma-Informed Interviewing of Youth", "National Children's Advocacy Center"),
    ("Commercial Sexual Exploitation of Children: Core Concepts", "State Social Work Academy"),
    ("Self-Care for Helping Professionals", "University Extension, Continuing Education"),
)


class GenerateError(Exception):
    """The database is not ready for a generated population (or already holds one)."""


# -- the catalogue the planner works from --------------------------------------------------------


@dataclass(frozen=True)
class QuizInfo:
    id: int
    version_id: int
    questions: int
    pass_mark: Fraction


@dataclass(frozen=True)
class CourseInfo:
    id: int
    slug: str
    title: str
    version: str
    hours: Decimal
    validity_months: int
    #: (module id, module version, has a content note), in order.
    modules: tuple[tuple[int, int, bool], ...]
    pretest: QuizInfo | None
    final: QuizInfo | None


@dataclass(frozen=True)
class Catalogue:
    disciplines: dict[str, tuple[int, str]]  #: slug -> (id, name)
    courses: dict[str, CourseInfo]
    requirements: tuple[RequirementSpec, ...]


@dataclass(frozen=True)
class AgencyPlan:
    name: str
    type: AgencyType
    county: str
    region: str
    size: float  #: relative number of staff


@dataclass
class Batch:
    """Rows planned for one chunk of people, per table, in insertion order."""

    users: list[dict[str, Any]] = field(default_factory=list)
    enrollments: list[dict[str, Any]] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)
    certificates: list[dict[str, Any]] = field(default_factory=list)
    superseded: list[dict[str, Any]] = field(default_factory=list)  #: after their successors
    attempts: list[dict[str, Any]] = field(default_factory=list)
    credits: list[dict[str, Any]] = field(default_factory=list)


# -- planning (pure: no database, no clock) -------------------------------------------------------


def towns() -> dict[str, tuple[str, ...]]:
    """Return each county's towns: its seat and three others (fixed, whatever the seed)."""
    pool = [a + b for a in _TOWN_PARTS[0] for b in _TOWN_PARTS[1]]
    random.Random("harbor-towns").shuffle(pool)
    return {c: (seat, *pool[i * 3 : i * 3 + 3]) for i, (c, _, seat) in enumerate(COUNTIES)}


def plan_agencies(rng: random.Random, count: int, taken: Iterable[str]) -> list[AgencyPlan]:
    """Choose ``count`` agencies with unique realistic names, every non-oversight type first."""
    used = set(taken)
    by_county = towns()
    county_weights = [1 / (i + 1) ** 0.8 for i in range(len(COUNTIES))]
    kinds = list(TYPE_WEIGHTS)
    plans: list[AgencyPlan] = []
    for n in range(count):
        kind = (
            kinds[n]
            if n < len(kinds)
            else rng.choices(kinds, [w for w, _ in TYPE_WEIGHTS.values()])[0]
        )
        name = ""
        for _ in range(40):
            county, region, _seat = rng.choices(COUNTIES, county_weights)[0]
            pattern = rng.choice(NAMES[kind])
            name = pattern.format(county=f"{county} County", town=rng.choice(by_county[county]))
            if name not in used:
                break
        while name in used:  # every pattern of this type is taken: a branch office
            name = f"{name}, {rng.choice(by_county[county])} Office"
        used.add(name)
        size = TYPE_WEIGHTS[kind][1] * rng.lognormvariate(0, 0.8)
        plans.append(AgencyPlan(name, kind, f"{county} County", region, size))
    return plans


def share_out(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), summing exactly."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def email_domain(agency_name: str | None) -> str:
    """Return the made-up mail domain of an agency (or the oversight body)."""
    words = "".join(c if c.isalnum() else " " for c in (agency_name or "oversight").lower())
    return "-".join(words.split())[:60] + "." + EMAIL_DOMAIN


def cert_state(status: str, expires_at: datetime | None, superseded: bool, today: date) -> str:
    """Return the summary state of a certificate as of ``today``."""
    if status != "active":
        return status
    if superseded:
        return "superseded"
    if expires_at is None:
        return "active"
    days = (expires_at.date() - today).days
    if days <= 0:
        return "expired"
    for bucket in (30, 60, 90):
        if days <= bucket:
            return f"expiring within {bucket} days"
    return "active"


def _at(day: date, rng: random.Random) -> datetime:
    """Return a moment in working hours on ``day`` (UTC)."""
    return datetime.combine(day, clock_time(rng.randint(13, 23), rng.randint(0, 59)), UTC)


class Planner:
    """Plan people and their training, deterministically from one random generator."""

    def __init__(
        self, rng: random.Random, catalogue: Catalogue, today: date, first_ids: dict[str, int]
    ) -> None:
        self.rng, self.cat, self.today = rng, catalogue, today
        self.next_user = first_ids["users"]
        self.next_cert = first_ids["certificates"]
        self.status_list = first_ids["status_list"] - 1
        self.free_positions: list[int] = []
        self.effective = min((r.effective_date for r in catalogue.requirements), default=today)
        self.overseer_ids: list[int] = []
        self.states: Counter[str] = Counter()
        self.credit_states: Counter[str] = Counter()
        self.people = 0
        self._covered: dict[tuple[str | None, str | None], list[RequirementSpec]] = {}

    # -- people --------------------------------------------------------------------------------
    def person(
        self, batch: Batch, role: Role, agency_id: int | None, agency: AgencyPlan | None
    ) -> None:
        """Plan one person with their enrollments, progress, certificates, attempts, credits."""
        rng = self.rng
        self.people += 1
        uid, self.next_user = self.next_user, self.next_user + 1
        slug = self._discipline(agency, role)
        discipline = self.cat.disciplines.get(slug) if slug else None
        start = self._start()
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        covered = self._requirements(
            slug if discipline else None, str(agency.type) if agency else None
        )
        courses = dict.fromkeys(s for r in covered for s in r.courses)
        required = [self.cat.courses[s] for s in courses if s in self.cat.courses]
        ctx = _Person(uid, name, discipline[1] if discipline else None, covered, start)
        earliest = self._training(batch, ctx, required)
        if self.people % 33 == 0 and covered:
            claimed = self._credit(batch, ctx)
            earliest = min(earliest, claimed) if earliest else claimed
        created = earliest or _at(
            self._day_between(
                max(start or self.effective, self.today - timedelta(days=900)),
                self.today - timedelta(days=1),
            ),
            rng,
        )
        batch.users.append({
            "id": uid,
            "email": f"{first}.{last}.{uid}@{email_domain(agency and agency.name)}".lower()
            .replace("'", ""),
            "name": name,
            "password_hash": UNUSABLE_PASSWORD,
            "role": str(role),
            "agency_id": agency_id,
            "discipline_id": discipline[0] if discipline else None,
            "employment_start": start,
            "extra_time_percent": 50 if rng.random() < 0.02 else 0,
            "active": role != Role.LEARNER or rng.random() >= 0.02,
            "created_at": created - timedelta(days=rng.randint(0, 10)),
            "password_changed_at": None,
        })  # fmt: skip
        if role == Role.OVERSEER:
            self.overseer_ids.append(uid)

    def _discipline(self, agency: AgencyPlan | None, role: Role) -> str | None:
        if agency is None:
            return "leadership"
        options = DISCIPLINES_BY_TYPE[agency.type]
        if role == Role.COORDINATOR and self.rng.random() < 0.5:
            return options[0][0]
        return self.rng.choices([s for s, _ in options], [w for _, w in options])[0]

    def _requirements(self, discipline: str | None, kind: str | None) -> list[RequirementSpec]:
        key = (discipline or None, kind)
        if key not in self._covered:
            learner = compliance.Learner(key[0], key[1], None)
            self._covered[key] = [
                r for r in self.cat.requirements if compliance.applies(r, learner)
            ]
        return self._covered[key]

    def _start(self) -> date | None:
        """Employment start: some unknown, some hired after the requirements took effect."""
        rng, today = self.rng, self.today
        roll = rng.random()
        if roll < 0.03:
            return None
        if roll < 0.15 and today > self.effective + timedelta(days=1):
            return self._day_between(self.effective, today - timedelta(days=1))
        tenure = min(rng.expovariate(1 / 7), 35) * 365.25
        return min(self.effective, today) - timedelta(days=1 + int(tenure))

    def _day_between(self, low: date, high: date) -> date:
        return low + timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    # -- training ------------------------------------------------------------------------------
    def _training(self, batch: Batch, p: _Person, required: list[CourseInfo]) -> datetime | None:
        """Plan the person's courses; return when they first did anything (None: never)."""
        rng, today = self.rng, self.today
        if not required:
            return None
        new_hire = p.start is not None and p.start >= self.effective
        weights = (20, 20, 30, 30) if new_hire else (58, 18, 10, 14)
        profile = rng.choices(("complete", "partial", "started", "none"), weights)[0]
        if profile == "none":
            return None
        tenure = (today - p.start).days if p.start else 3000
        # When they did the bulk of their training, as days before today.
        bucket = rng.choices(("recent", "expiring", "expired", "renewed"), (55, 15, 12, 18))[0]
        ages = {
            "recent": (20, 630),
            "expiring": (640, 729),
            "expired": (731, 1100),
            "renewed": (700, 1400),
        }
        low, high = ages[bucket]
        if new_hire or tenure < low + 30:
            bucket, low, high = "recent", 1, max(2, min(630, tenure - 5))
        age = rng.randint(low, high)
        attempts = rng.random() < 0.2
        plans: list[str] = []
        for i, _course in enumerate(required):
            if profile == "complete":
                plans.append("certified")
            elif profile == "partial":
                plans.append(
                    "certified"
                    if i == 0 or rng.random() < 0.5
                    else rng.choice(("progress", "none"))
                )
            else:
                plans.append("progress" if i < 2 and rng.random() < 0.7 else "none")
        if profile == "partial" and all(x == "certified" for x in plans) and len(plans) > 1:
            plans[-1] = "progress"
        earliest: datetime | None = None
        for course, plan in zip(required, plans, strict=True):
            if plan == "none":
                continue
            jitter = rng.randint(-12, 12)
            if plan == "progress":
                day = today - timedelta(days=rng.randint(1, min(150, max(1, tenure - 1))))
                began = self._in_progress(batch, p, course, day, attempts)
            else:
                day = today - timedelta(days=min(max(1, age + jitter), max(1, tenure - 1)))
                renew = bucket == "renewed" and (today - day).days >= 700
                began = self._certified(batch, p, course, day, renew, attempts)
            earliest = began if earliest is None else min(earliest, began)
        return earliest

    def _in_progress(
        self, batch: Batch, p: _Person, course: CourseInfo, day: date, attempts: bool
    ) -> datetime:
        started = _at(day, self.rng)
        done = self.rng.randint(0, len(course.modules) - 1) if course.modules else 0
        self._modules(batch, p.uid, course, started, done, started_only=True)
        last = course.modules[min(done, len(course.modules) - 1)][0] if course.modules else None
        batch.enrollments.append(_enrollment(p.uid, course.id, started, None, last, 1, None))
        if attempts and course.pretest:
            self._attempt(
                batch, p.uid, course.pretest, 1, started - timedelta(minutes=20), pre=True
            )
        return started

    def _certified(
        self,
        batch: Batch,
        p: _Person,
        course: CourseInfo,
        day: date,
        renew: bool,
        attempts: bool,
    ) -> datetime:
        """Plan a completed course and its certificate (and its renewal, if ``renew``)."""
        rng = self.rng
        issued = _at(day, rng)
        started = issued - timedelta(days=rng.randint(0, 20), minutes=rng.randint(60, 600))
        score = None
        if attempts and course.pretest:
            self._attempt(
                batch, p.uid, course.pretest, 1, started - timedelta(minutes=20), pre=True
            )
        if attempts and course.final:
            score = self._attempt(batch, p.uid, course.final, 1, issued - timedelta(minutes=40))
            if score < course.final.pass_mark:
                score = self._attempt(
                    batch, p.uid, course.final, 2, issued - timedelta(minutes=5), passing=True
                )
        first = self._certificate(p, course, issued, 1, score)
        cycle, cycle_started, completed = 1, None, issued
        if renew:
            expires = expiry(issued, course.validity_months) or issued
            latest = datetime.combine(self.today - timedelta(days=1), clock_time(12), UTC)
            second = min(expires - timedelta(days=rng.randint(0, 85)), latest)
            cycle, cycle_started, completed = 2, second - timedelta(days=rng.randint(1, 14)), second
            newer = self._certificate(p, course, second, 2, None)
            first["superseded_by_id"] = newer["id"]
            batch.certificates.append(newer)
            batch.superseded.append(first)
        else:
            batch.certificates.append(first)
        self._modules(
            batch, p.uid, course, cycle_started or started, len(course.modules), end=completed
        )
        last = course.modules[-1][0] if course.modules else None
        batch.enrollments.append(
            _enrollment(p.uid, course.id, started, completed, last, cycle, cycle_started)
        )
        return started

    def _modules(
        self,
        batch: Batch,
        uid: int,
        course: CourseInfo,
        began: datetime,
        done: int,
        *,
        end: datetime | None = None,
        started_only: bool = False,
    ) -> None:
        """Plan module progress: ``done`` modules complete, and the next one opened if asked."""
        span = (end - began) if end else timedelta(days=self.rng.randint(1, 30))
        count = len(course.modules)
        for i, (module_id, version, note) in enumerate(course.modules):
            if i > done or (i == done and not started_only):
                break
            at = began + span * (i + 1) / (count + 1)
            complete = i < done
            batch.progress.append({
                "user_id": uid, "module_id": module_id, "started_at": at, "updated_at": at,
                "note_acknowledged_at": at if note else None, "last_section": None,
                "completed_at": at if complete else None,
                "completed_version": version if complete else None,
            })  # fmt: skip

    def _attempt(
        self,
        batch: Batch,
        uid: int,
        quiz: QuizInfo,
        number: int,
        started: datetime,
        *,
        pre: bool = False,
        passing: bool = False,
    ) -> Fraction:
        """Plan one submitted attempt and return its score (pre-tests score lower)."""
        rng, n = self.rng, quiz.questions
        mean, sd = (0.55, 0.17) if pre else (0.87, 0.09)
        right = min(n, max(0, round(rng.gauss(mean, sd) * n)))
        if passing:
            right = max(right, math.ceil(quiz.pass_mark * n))
        score = Fraction(right, n)
        batch.attempts.append({
            "user_id": uid, "quiz_id": quiz.id, "quiz_version_id": quiz.version_id,
            "number": number, "status": "submitted", "started_at": started, "deadline_at": None,
            "submitted_at": started + timedelta(minutes=rng.randint(6, 35)), "late": False,
            "score": score, "passed": score >= quiz.pass_mark,
        })  # fmt: skip
        return score

    def _certificate(
        self, p: _Person, course: CourseInfo, issued: datetime, cycle: int, score: Fraction | None
    ) -> dict[str, Any]:
        rng = self.rng
        cid, self.next_cert = self.next_cert, self.next_cert + 1
        code = codes.encode_code(rng.randbytes(10))
        if not self.free_positions:  # a new status list, half filled (as issuance does)
            self.status_list += 1
            self.free_positions = rng.sample(range(MIN_LIST_BITS), MIN_LIST_BITS // 2)
        final = course.final
        if score is None and final is not None:
            need = math.ceil(final.pass_mark * final.questions)
            score = Fraction(rng.randint(need, final.questions), final.questions)
        status, reason, changed_at, changed_by = "active", None, None, None
        if cid % 211 == 17 or cid % 241 == 101:
            action = Action.REVOKE if cid % 211 == 17 else Action.SUSPEND
            status = "revoked" if action == Action.REVOKE else "suspended"
            reason = rng.choice(sorted(REASONS[action]))
            changed_at = min(
                issued + timedelta(days=rng.randint(3, 200)),
                _at(self.today - timedelta(days=1), rng),
            )
            changed_by = rng.choice(self.overseer_ids) if self.overseer_ids else None
        expires = expiry(issued, course.validity_months)
        return {
            "id": cid, "serial": codes.make_serial(issued.year, cid), "code": code,
            "credential_id": f"urn:uuid:{uuid.UUID(bytes=rng.randbytes(16), version=4)}",
            "user_id": p.uid, "course_id": course.id, "cycle": cycle, "issued_at": issued,
            "expires_at": expires, "learner_name": p.name, "discipline_name": p.discipline_name,
            "course_title": course.title, "course_version": course.version, "hours": course.hours,
            "quiz_version_id": final.version_id if final else None, "score": score,
            "pass_mark": final.pass_mark if final else None,
            "requirements": [
                {"id": r.id, "name": r.name} for r in p.covered if course.slug in r.courses
            ],
            "status": status, "status_reason": reason,
            "status_note": "Generated demo record." if reason else None,
            "status_changed_at": changed_at, "status_changed_by": changed_by,
            "superseded_by_id": None, "status_list": self.status_list,
            "status_index": self.free_positions.pop(),
            "pdf_sha256": hashlib.sha256(code.encode()).hexdigest(),
            "credential": {}, "credential_jwt": "",
        }  # fmt: skip

    def _credit(self, batch: Batch, p: _Person) -> datetime:
        """Plan one external credit claim (mostly approved); return when it was submitted."""
        rng, today = self.rng, self.today
        status = CREDIT_ROTATION[sum(self.credit_states.values()) % len(CREDIT_ROTATION)]
        self.credit_states[status] += 1
        requirement = rng.choice(p.covered)
        title, provider = rng.choice(EXTERNAL_TRAINING)
        completed = today - timedelta(days=rng.randint(30, 600))
        submitted = _at(
            min(completed + timedelta(days=rng.randint(1, 20)), today - timedelta(days=1)), rng
        )
        decided = status != "pending"
        latest = datetime.combine(today - timedelta(days=1), clock_time(23, 30), UTC)
        batch.credits.append({
            "user_id": p.uid, "requirement_keys": [requirement.id], "title": title,
            "provider": provider, "completed_on": completed,
            "hours": Decimal(rng.choice(("1.00", "1.50", "2.00", "3.00", "4.00"))),
            "status": status, "submitted_at": submitted,
            "decided_by_id": rng.choice(self.overseer_ids)
            if decided and self.overseer_ids else None,
            "decided_at": min(submitted + timedelta(days=rng.randint(1, 10)), latest)
            if decided else None,
            "decision_note": {"approved": "Equivalent content and hours.", "rejected":
                              "Does not cover the required topics."}.get(status),
            "valid_until": completed.replace(year=completed.year + 2, day=min(completed.day, 28))
            if status == "approved" else None,
        })  # fmt: skip
        return submitted

    def tally(self, batch: Batch) -> None:
        """Count the certificates of a planned chunk by state."""
        for row in batch.certificates:
            state = cert_state(row["status"], row["expires_at"], False, self.today)
            self.states[state] += 1
        for row in batch.superseded:
            state = cert_state(row["status"], row["expires_at"], True, self.today)
            self.states[state] += 1


@dataclass(frozen=True)
class _Person:
    uid: int
    name: str
    discipline_name: str | None
    covered: list[RequirementSpec]
    start: date | None


def _enrollment(
    uid: int,
    course_id: int,
    started: datetime,
    completed: datetime | None,
    last_module: int | None,
    cycle: int,
    cycle_started: datetime | None,
) -> dict[str, Any]:
    return {
        "user_id": uid, "course_id": course_id, "started_at": started,
        "completed_at": completed, "last_module_id": last_module, "cycle": cycle,
        "cycle_started_at": cycle_started,
    }  # fmt: skip
