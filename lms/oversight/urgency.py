"""One learner across the requirements that cover them (pure: ``today`` is a parameter).

The dashboards count each learner once, by their most urgent standing (:data:`URGENCY`). A
learner's per-requirement :class:`~lms.oversight.compliance.Snapshot` values combine into a
:class:`LearnerSnapshot` of four dates, from which :func:`learner_status_on` answers for any
later day: stored per learner, it lets SQL count learners one row each rather than grouping
their requirements (``lms.oversight.dashboard.learner_urgency`` mirrors it; a test holds the
two together, and a property test holds it to the per-requirement statuses).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lms.oversight.compliance import BUCKETS, Snapshot, Status

#: Most urgent first: how a learner is counted once across the requirements that cover them.
#: Something in breach outranks something due soon, which outranks training not yet started
#: (or in progress) that is not due for more than 90 days.
URGENCY = (Status.OVERDUE, Status.EXPIRED, Status.DUE_SOON, Status.NOT_STARTED,
           Status.IN_PROGRESS, Status.COMPLIANT)  # fmt: skip
_EVER = date.min  # "since always", so that min() and comparisons just work
_NEVER = date.max  # a Snapshot's lapse date for training that never lapses


@dataclass(frozen=True)
class LearnerSnapshot:
    """What :func:`learner_status_on` needs, from all of a learner's snapshots: four dates.

    Like a :class:`Snapshot`, it holds for every later day until a fact changes, so it is
    stored once per learner (:class:`lms.oversight.models.LearnerStanding`) and the dashboards
    count learners with one CASE per learner rather than grouping their requirements.
    """

    #: The earliest due date over their requirements (None: nothing ever falls due).
    due_on: date | None
    #: The earliest due date of a requirement never met (in breach from the day after: overdue).
    overdue_after: date | None
    #: From this day some requirement is unmet and not started (``date.min``: already; None:
    #: never), as long as nothing is due within 90 days.
    idle_from: date | None
    #: From this day some requirement is unmet (``date.min``: already; None: never).
    unmet_from: date | None


def learner_snapshot(snaps: Iterable[Snapshot]) -> LearnerSnapshot:
    """Combine one learner's snapshots (one per requirement that covers them)."""
    snaps = tuple(snaps)
    dues = [s.due_on for s in snaps if s.due_on is not None]
    never_met = [s.due_on for s in snaps if s.lapses_on is None and s.due_on is not None]
    idle = [
        max(s.lapses_on or _EVER, s.busy_until or _EVER) for s in snaps if s.lapses_on != _NEVER
    ]
    unmet = [s.lapses_on or _EVER for s in snaps if s.lapses_on != _NEVER]
    return LearnerSnapshot(
        min(dues, default=None),
        min(never_met, default=None),
        min(idle, default=None),
        min(unmet, default=None),
    )


def learner_status_on(snap: LearnerSnapshot, today: date) -> tuple[Status, bool]:
    """Return the learner's most urgent status on ``today`` (by :data:`URGENCY`) and whether
    every requirement that covers them is met."""
    all_met = snap.unmet_from is None or snap.unmet_from > today
    if snap.due_on is not None and snap.due_on < today:
        breach = snap.overdue_after is not None and snap.overdue_after < today
        return (Status.OVERDUE if breach else Status.EXPIRED), all_met
    if snap.due_on is not None and (snap.due_on - today).days <= BUCKETS[-1]:
        return Status.DUE_SOON, all_met
    if snap.idle_from is not None and snap.idle_from <= today:
        return Status.NOT_STARTED, all_met
    return (Status.COMPLIANT if all_met else Status.IN_PROGRESS), all_met


def most_urgent(statuses: Iterable[Status]) -> Status:
    """Return the most urgent of ``statuses`` (COMPLIANT for none)."""
    return min(statuses, key=URGENCY.index, default=Status.COMPLIANT)
