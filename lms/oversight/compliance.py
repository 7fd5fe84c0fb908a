"""Statutory-training compliance per learner and requirement (pure: ``today`` is a parameter).

Facts in, one :class:`Compliance` out. The shell gathers the facts (the learner's profile, every
certificate they hold, approved external credits, the courses they have started) and decides
nothing itself, so dashboards, exports and the annual report all give the same answer.

Date conventions, each checked by a table of boundary tests:

* A certificate's ``expires_on`` and a credit's ``valid_until`` are *exclusive*, as in
  :func:`lms.certificates.policy.public_status`: on that day it no longer counts. The
  requirement's ``renewal_months`` caps a certificate the same way, from its issue date.
* ``due_on`` is *inclusive*: the last day on which the learner is still in time. The initial
  deadline is the start date + ``initial_deadline_days`` ("within N days" counts the last day);
  training that lapses on day L is due on L - 1. ``days_left = (due_on - today).days`` is 0 on
  that last day and negative exactly when the learner is in breach (OVERDUE or EXPIRED).
* No obligation falls before the initial deadline: training that lapses earlier (taken before
  the requirement took effect, say) leaves the learner due on the initial deadline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Set
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from fractions import Fraction

from lms.certificates.policy import add_months
from lms.courses.requirements import RequirementSpec

#: Certificate statuses as stored (lms.certificates.models.Certificate.status).
STORED_STATUSES = frozenset({"active", "revoked", "suspended"})
#: Due-soon buckets: days_left 0-30, 31-60 and 61-90.
BUCKETS = (30, 60, 90)
_NEVER = date.max  # stands for "does not lapse" so that min() and max() just work
_DAY = timedelta(days=1)


class Status(StrEnum):
    """Where a learner stands on one requirement."""

    COMPLIANT = "compliant"  #: meets it, and nothing is due within 90 days
    DUE_SOON = "due_soon"  #: something is due within 90 days (see ``bucket``), not yet late
    IN_PROGRESS = "in_progress"  #: not met, a required course started or held, not yet due soon
    NOT_STARTED = "not_started"  #: not met, nothing started, not yet due soon
    EXPIRED = "expired"  #: in breach: every course was completed, and the training lapsed
    OVERDUE = "overdue"  #: in breach: initial training never completed (or revoked)
    NOT_APPLICABLE = "not_applicable"  #: the requirement does not cover the learner

    @property
    def label(self) -> str:
        """Return the human-readable name."""
        return LABELS[self]


LABELS = {
    Status.COMPLIANT: "Compliant",
    Status.DUE_SOON: "Due soon",
    Status.IN_PROGRESS: "In progress",
    Status.NOT_STARTED: "Not started",
    Status.EXPIRED: "Expired",
    Status.OVERDUE: "Overdue",
    Status.NOT_APPLICABLE: "Not required",
}

#: Best first. Better facts (one more valid certificate or credit) never move a learner down.
ORDER = (Status.COMPLIANT, Status.DUE_SOON, Status.IN_PROGRESS, Status.NOT_STARTED,
         Status.EXPIRED, Status.OVERDUE)  # fmt: skip


@dataclass(frozen=True)
class Learner:
    discipline: str | None
    agency_type: str | None
    #: None: unknown, treated as staff employed before the requirement took effect.
    employment_start: date | None


@dataclass(frozen=True)
class Held:
    """One certificate, whatever its state: pass every one the learner holds, old ones too.

    Superseded certificates need no flag: a certificate counts on its own dates, so an older
    one still in date keeps counting even if its successor is later revoked (the training
    happened; only the newer document is void). A revoked or suspended one never counts, for
    today or for history.
    """

    course: str
    issued_on: date
    #: None: the certificate itself never expires (the requirement may still cap it).
    expires_on: date | None
    #: The *stored* status ('active', 'revoked', 'suspended'), not the public one.
    status: str

    def __post_init__(self) -> None:
        if self.status not in STORED_STATUSES:
            raise ValueError(f"stored certificate status expected, got {self.status!r}")


@dataclass(frozen=True)
class Credit:
    """External training approved by an overseer as satisfying one requirement."""

    requirement: str
    #: None: it never expires; otherwise the first day it no longer counts.
    valid_until: date | None


@dataclass(frozen=True)
class Compliance:
    status: Status
    #: 30, 60 or 90 when DUE_SOON, else None.
    bucket: int | None = None
    #: The last day in time: the initial deadline, or the day before the training lapses.
    due_on: date | None = None
    #: (due_on - today) in days; negative when in breach.
    days_left: int | None = None
    #: While met: the first day it will no longer be (None: never, or not met now).
    satisfied_until: date | None = None
    #: Required courses without a certificate that counts today, in requirements.yml order.
    missing: tuple[str, ...] = ()
    #: Met thanks to an external credit (certificates alone would lapse sooner, or not meet it).
    via_credit: bool = False
    #: The requirement is met today (COMPLIANT, or DUE_SOON only for renewal).
    satisfied: bool = False


def applies(req: RequirementSpec, learner: Learner) -> bool:
    """Return whether ``req`` covers the learner: their discipline or agency type is listed."""
    return (learner.discipline is not None and learner.discipline in req.disciplines) or (
        learner.agency_type is not None and learner.agency_type in req.agency_types
    )


def initial_deadline(req: RequirementSpec, learner: Learner) -> date:
    """Return the last day to complete the initial training (inclusive).

    Staff starting on or after the effective date have ``initial_deadline_days`` from their
    start. Staff employed before it, or whose start is unknown, have until
    ``existing_staff_deadline_days`` after it, or their own start-based deadline if later.
    """
    existing = req.effective_date + timedelta(days=req.existing_staff_deadline_days)
    start = learner.employment_start
    if start is None:
        return existing
    own = start + timedelta(days=req.initial_deadline_days)
    return own if start >= req.effective_date else max(own, existing)


def lapses_on(req: RequirementSpec, held: Held) -> date | None:
    """Return the first day ``held`` no longer counts for ``req`` (None: never, by date).

    That is its own expiry or ``issued_on + renewal_months`` (days clamped, so a certificate
    issued on 29 February lapses on 28 February), whichever comes first.
    """
    ends = [] if held.expires_on is None else [held.expires_on]
    if req.renewal_months is not None:
        issued = datetime.combine(held.issued_on, time())
        ends.append(add_months(issued, req.renewal_months).date())
    return min(ends, default=None)


@dataclass(frozen=True)
class Snapshot:
    """What :func:`status_on` needs to answer for ``today`` or any later day.

    It stays right for every later day until a fact changes (a certificate issued, revoked or
    renewed, a credit decided, a course started, the learner's profile or the requirement
    edited), so it is stored per learner and requirement (:class:`lms.oversight.models.Standing`)
    and dashboards compute today's status from it in SQL (:func:`lms.oversight.queries.status_sql`
    mirrors :func:`status_on`; a test holds them together).
    """

    #: The last day in time; None only when the training never lapses.
    due_on: date | None
    #: While met: the first day it no longer is (``date.max``: never). When not met: the day
    #: the training lapsed (None: it never counted). Never None once it has been met.
    lapses_on: date | None
    #: In progress while ``today < busy_until``: ``date.max`` once a required course is started,
    #: else the latest lapse of a required course's certificate (None: nothing held).
    busy_until: date | None


def snapshot(
    req: RequirementSpec,
    learner: Learner,
    held: Iterable[Held],
    credits: Iterable[Credit],
    started: Set[str],
    today: date,
) -> Snapshot:
    """Return the learner's snapshot for ``req`` (which must cover them) as of ``today``."""
    return _evaluate(req, learner, tuple(held), credits, started, today)[0]


def _evaluate(
    req: RequirementSpec,
    learner: Learner,
    held: tuple[Held, ...],
    credits: Iterable[Credit],
    started: Set[str],
    today: date,
) -> tuple[Snapshot, tuple[str, ...], bool]:
    # Per course: the latest lapse over its active certificates (None: it has none).
    best: dict[str, date | None] = {}
    for course in req.courses:
        ends = [
            lapses_on(req, h) or _NEVER
            for h in held
            if h.course == course and h.status == "active" and h.issued_on <= today
        ]
        best[course] = max(ends, default=None)
    missing = tuple(c for c, end in best.items() if end is None or end <= today)
    by_certificates = None if missing else min(e for e in best.values() if e is not None)
    credit_ends = [c.valid_until or _NEVER for c in credits if c.requirement == req.id]
    by_credit = max(credit_ends, default=None)

    lapse = max((d for d in (by_certificates, by_credit) if d is not None and d > today),
                default=None)  # fmt: skip
    via_credit = (
        lapse is not None
        and by_credit == lapse
        and (by_certificates is None or by_certificates < lapse)
    )
    if lapse is None:
        # Not met. Did it lapse (every course had an active certificate, or a credit expired)?
        # Every credit has ended by now, and later days change neither candidate.
        lapses = list(credit_ends)
        if all(end is not None for end in best.values()):
            lapses.append(min(e for c, e in best.items() if c in missing and e is not None))
        lapse = max(lapses, default=None)
    deadline = initial_deadline(req, learner)
    due = None if lapse == _NEVER else deadline if lapse is None else max(deadline, lapse - _DAY)
    if started & set(req.courses):
        busy_until: date | None = _NEVER
    else:
        busy_until = max((e for e in best.values() if e is not None), default=None)
    return Snapshot(due, lapse, busy_until), missing, via_credit


def status_on(snap: Snapshot, today: date) -> Compliance:
    """Return the standing ``snap`` gives on ``today`` (no ``missing``, no ``via_credit``)."""
    if snap.lapses_on is not None and snap.lapses_on > today:
        if snap.due_on is None:
            return Compliance(Status.COMPLIANT, satisfied=True)
        return _timed(snap.due_on, today, snap.lapses_on, (), via_credit=False, satisfied=True)
    assert snap.due_on is not None  # only training that never lapses has no due date
    days = (snap.due_on - today).days
    if days < 0:
        status = Status.OVERDUE if snap.lapses_on is None else Status.EXPIRED
        return Compliance(status, due_on=snap.due_on, days_left=days)
    if days <= BUCKETS[-1]:
        return _timed(snap.due_on, today, None, (), via_credit=False, satisfied=False)
    busy = snap.busy_until is not None and snap.busy_until > today
    status = Status.IN_PROGRESS if busy else Status.NOT_STARTED
    return Compliance(status, due_on=snap.due_on, days_left=days)


def classify(
    req: RequirementSpec,
    learner: Learner,
    held: Iterable[Held],
    credits: Iterable[Credit],
    started: Set[str],
    today: date,
) -> Compliance:
    """Return where the learner stands on ``req`` today.

    Only certificates issued on or before ``today`` are considered, so a past ``today`` gives
    the standing on that day (except that revocations are as of now). ``credits`` may include
    other requirements' credits; ``started`` holds course slugs started in the current cycle.
    """
    if not applies(req, learner):
        return Compliance(Status.NOT_APPLICABLE)
    snap, missing, via_credit = _evaluate(req, learner, tuple(held), credits, started, today)
    return replace(status_on(snap, today), missing=missing, via_credit=via_credit)


def _timed(
    due: date,
    today: date,
    until: date | None,
    missing: tuple[str, ...],
    via_credit: bool,
    satisfied: bool,
) -> Compliance:
    days = (due - today).days
    bucket = next((b for b in BUCKETS if days <= b), None)
    status = Status.COMPLIANT if bucket is None else Status.DUE_SOON
    return Compliance(status, bucket, due, days, until, missing, via_credit, satisfied)


@dataclass(frozen=True)
class Counts:
    """How many learner-requirement pairs stand where (every status and bucket is a key)."""

    by_status: dict[Status, int] = field(default_factory=dict)
    by_bucket: dict[int, int] = field(default_factory=dict)
    #: Pairs where the requirement is met today (COMPLIANT, or DUE_SOON only for renewal).
    satisfied: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def applicable(self) -> int:
        return self.total - self.by_status.get(Status.NOT_APPLICABLE, 0)

    @property
    def completion_rate(self) -> Fraction | None:
        """Return the share of applicable pairs that are met (None when there are none)."""
        return Fraction(self.satisfied, self.applicable) if self.applicable else None


def summarise(results: Iterable[Compliance]) -> Counts:
    """Count results per status and per due-soon bucket, for dashboards and reports."""
    statuses: Counter[Status] = Counter()
    buckets: Counter[int] = Counter()
    satisfied = 0
    for result in results:
        statuses[result.status] += 1
        if result.bucket is not None:
            buckets[result.bucket] += 1
        satisfied += result.satisfied
    return Counts({s: statuses[s] for s in Status}, {b: buckets[b] for b in BUCKETS}, satisfied)


# -- status codes: one string per (status, bucket, met), as the SQL mirror groups by -------------

#: Code -> (status, bucket, satisfied). "renew_*" is due soon while still met (renewal);
#: "due_*" is due soon and not yet met (initial training, or after a lapse inside the deadline).
CODES: dict[str, tuple[Status, int | None, bool]] = {
    "compliant": (Status.COMPLIANT, None, True),
    **{f"renew_{b}": (Status.DUE_SOON, b, True) for b in BUCKETS},
    **{f"due_{b}": (Status.DUE_SOON, b, False) for b in BUCKETS},
    "in_progress": (Status.IN_PROGRESS, None, False),
    "not_started": (Status.NOT_STARTED, None, False),
    "expired": (Status.EXPIRED, None, False),
    "overdue": (Status.OVERDUE, None, False),
}


def code_of(result: Compliance) -> str:
    """Return the status code of an applicable result (see :data:`CODES`)."""
    if result.status == Status.DUE_SOON:
        return f"{'renew' if result.satisfied else 'due'}_{result.bucket}"
    if result.status == Status.NOT_APPLICABLE:
        raise ValueError("a requirement that does not apply has no status code")
    return result.status.value


def counts_of(pairs: Iterable[tuple[str, int]]) -> Counts:
    """Return :class:`Counts` from (status code, number of pairs) rows, as SQL returns them."""
    statuses: Counter[Status] = Counter()
    buckets: Counter[int] = Counter()
    satisfied = 0
    for code, n in pairs:
        status, bucket, met = CODES[code]
        statuses[status] += n
        if bucket is not None:
            buckets[bucket] += n
        satisfied += n * met
    return Counts({s: statuses[s] for s in Status}, {b: buckets[b] for b in BUCKETS}, satisfied)
