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
from dataclasses import dataclass, field
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
    held = tuple(held)
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
    deadline = initial_deadline(req, learner)

    until = max((d for d in (by_certificates, by_credit) if d is not None and d > today),
                default=None)  # fmt: skip
    if until is not None:
        via_credit = by_credit == until and (by_certificates is None or by_certificates < until)
        if until == _NEVER:
            return Compliance(Status.COMPLIANT, missing=missing, via_credit=via_credit,
                              satisfied=True)  # fmt: skip
        due = max(deadline, until - _DAY)
        return _timed(due, today, until, missing, via_credit, satisfied=True)

    # Not met. Did it lapse (every course had an active certificate, or a credit expired)?
    lapses = [d for d in credit_ends if d <= today]
    if all(end is not None for end in best.values()):
        lapses.append(min(e for c, e in best.items() if c in missing and e is not None))
    lapse = max(lapses, default=None)
    due = deadline if lapse is None else max(deadline, lapse - _DAY)
    days = (due - today).days
    if days < 0:
        status = Status.OVERDUE if lapse is None else Status.EXPIRED
        return Compliance(status, due_on=due, days_left=days, missing=missing)
    if days <= BUCKETS[-1]:
        return _timed(due, today, None, missing, via_credit=False, satisfied=False)
    busy = bool(started & set(req.courses)) or len(missing) < len(req.courses)
    status = Status.IN_PROGRESS if busy else Status.NOT_STARTED
    return Compliance(status, due_on=due, days_left=days, missing=missing)


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
