"""Training reminders: who is told what, and when (pure: ``today`` is a parameter).

The shell passes one :class:`DueItem` per learner and requirement (today's status code from
:data:`lms.oversight.compliance.CODES`), the coordinators, and the site's links and support
lines; :func:`plan` returns the messages to send. Each message carries a *window* key: the
shell records (recipient, kind, topic, window) before sending, so a message whose key is
already recorded is never sent again. The windows are the whole reminder policy:

* **Due soon** (``due_30|60|90``, ``renew_30|60|90``): one reminder per requirement when the
  learner enters the 90-, 60- and 30-day bucket. Window ``<code>:<due_on>``, so a new due
  date (a renewal, a changed start date) starts afresh.
* **Past the due date** (``overdue``, ``expired``): one reminder per 7-day period counted
  from the day after the due date for the first four weeks, then one per 28-day period.
  Window ``<code>:<due_on>:w<n>`` (weeks 0-3) or ``<code>:<due_on>:m<n>`` (every 28 days
  after that): reminders keep coming while the training is outstanding, but taper off rather
  than pile up on someone who may be on leave or struggling.
* **Nothing** for anyone compliant, in progress or not started with more than 90 days to go.
* **Coordinator digest**: one per coordinator per ISO week (window ``<year>-W<week>``),
  only when their own agency has someone due soon or past the due date, listing only
  that agency's staff.

Wording is trauma-informed: plain language, no blame, what is due and by when, where to do
it, how to ask for more time or another way to complete it (without giving a reason), and
where to find support. Subject lines never name a requirement or a status: the topic is
sensitive and subject lines show on lock screens and shared inboxes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from lms.oversight.compliance import BUCKETS, CODES, Status

#: Status codes that lead to a reminder.
REMINDABLE = frozenset(
    code
    for code, (status, _, _) in CODES.items()
    if status in (Status.DUE_SOON, Status.EXPIRED, Status.OVERDUE)
)
#: Past the due date: weekly periods first, then longer ones.
WEEK = 7
WEEKLY_PERIODS = 4
LATER_PERIOD = 28
#: Support lines quoted in a learner's email (the support page lists them all).
SUPPORT_QUOTED = 3

LEARNER = "learner"
DIGEST = "digest"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class CourseLink:
    slug: str
    title: str


@dataclass(frozen=True)
class DueItem:
    """One learner's standing on one requirement today."""

    user_id: int
    email: str
    name: str
    agency_id: int | None
    requirement_key: str
    requirement_name: str
    #: Today's status code (a key of ``compliance.CODES``).
    code: str
    due_on: date
    #: The courses that satisfy the requirement, in its order.
    courses: tuple[CourseLink, ...] = ()


@dataclass(frozen=True)
class Coordinator:
    user_id: int
    email: str
    name: str
    agency_id: int
    agency_name: str


@dataclass(frozen=True)
class SupportLine:
    name: str
    contact: str


@dataclass(frozen=True)
class Site:
    """What messages say about where they come from and where to go."""

    #: The public address, without a trailing slash.
    base_url: str
    name: str = "Harbor"
    #: Who signs the messages (the oversight body).
    sender: str = "The Harbor training team"
    #: Who to ask for more time or another way to complete training, written to follow
    #: "contact" (site variable ``training_contact``); None: the agency's coordinator.
    training_contact: str | None = None
    support: tuple[SupportLine, ...] = ()


@dataclass(frozen=True)
class Message:
    """One email to send, with the key that makes sending it idempotent."""

    recipient_id: int
    to: str
    #: ``learner`` or ``digest``.
    kind: str
    #: What it is about: the requirement key, or the agency id for a digest.
    topic: str
    window: str
    subject: str
    body: str

    @property
    def key(self) -> tuple[int, str, str, str]:
        """Return the (recipient, kind, topic, window) key recorded before sending."""
        return (self.recipient_id, self.kind, self.topic, self.window)


def learner_window(code: str, due_on: date, today: date) -> str | None:
    """Return the window a learner reminder falls in (None: no reminder for ``code``)."""
    if code not in REMINDABLE:
        return None
    status = CODES[code][0]
    if status == Status.DUE_SOON:
        return f"{code}:{due_on.isoformat()}"
    day = max((today - due_on).days - 1, 0)  # 0 on the first day past the due date
    if day < WEEK * WEEKLY_PERIODS:
        period = f"w{day // WEEK}"
    else:
        period = f"m{(day - WEEK * WEEKLY_PERIODS) // LATER_PERIOD}"
    return f"{code}:{due_on.isoformat()}:{period}"


def digest_window(today: date) -> str:
    """Return the window of a coordinator digest: the ISO week of ``today``."""
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def plan(
    items: Iterable[DueItem],
    coordinators: Iterable[Coordinator],
    today: date,
    site: Site,
) -> list[Message]:
    """Return the reminders and digests due ``today``, learners first, in a stable order.

    ``items`` may include rows that need no reminder (they are left out); the shell passes
    only active users. Every digest covers only its coordinator's agency.
    """
    rows = sorted(items, key=lambda i: (i.user_id, i.requirement_key))
    messages = [m for m in (learner_message(i, today, site) for i in rows) if m is not None]
    for coordinator in sorted(coordinators, key=lambda c: c.user_id):
        digest = digest_message(coordinator, rows, today, site)
        if digest is not None:
            messages.append(digest)
    return messages


def learner_message(item: DueItem, today: date, site: Site) -> Message | None:
    """Return the learner's reminder about one requirement (None: none due today)."""
    window = learner_window(item.code, item.due_on, today)
    if window is None:
        return None
    status, _, renewal = CODES[item.code]
    when = long_date(item.due_on)
    name = f"“{item.requirement_name}”"
    if status == Status.DUE_SOON:
        kind = "due for renewal" if renewal else "due"
        opening = f"This is a reminder that your training {name} is {kind} by {when} " + (
            f"({days_phrase((item.due_on - today).days)})."
        )
        if renewal:
            opening += (
                " Your current training counts until then; renewing before that date keeps"
                " it current."
            )
    elif status == Status.EXPIRED:
        opening = (
            f"Your training {name} was due for renewal by {when}, and our records show it "
            "has not been renewed yet. You can renew it at any time, at your own pace."
        )
    else:
        opening = (
            f"Your training {name} was due by {when}, and our records show it is not "
            "complete yet. You can start, or pick up where you left off, at any time."
        )
    body = [f"Hello {item.name},", "", *_wrap(opening), ""]
    if item.courses:
        body.append("Where to find it:")
        body += [f"  {c.title}: {site.base_url}/courses/{c.slug}" for c in item.courses]
    else:
        body.append(f"Your courses: {site.base_url}/courses")
    body += [
        "",
        f"Your certificates and training record: {site.base_url}/certificates",
        "",
        *_wrap(
            "If you completed this training somewhere else, you can send us the details "
            f"here: {site.base_url}/credits/new"
        ),
        "",
        *_wrap(_ask_line(site)),
        "",
        *_support_lines(site),
        "",
        "With thanks for the work you do,",
        site.sender,
        "",
        *_wrap(
            "You are receiving this because this training applies to your role. This is an "
            "automatic message; please do not reply to it."
        ),
    ]
    return Message(
        item.user_id,
        item.email,
        LEARNER,
        item.requirement_key,
        window,
        f"{site.name}: a reminder about your training",
        "\n".join(body) + "\n",
    )


#: Digest sections: heading and the codes listed under it, most pressing first.
SECTIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Past the due date", frozenset({"overdue", "expired"})),
    *(
        (
            f"Due within {b} days" if low == 0 else f"Due in {low + 1} to {b} days",
            frozenset({f"due_{b}", f"renew_{b}"}),
        )
        for low, b in zip((0, *BUCKETS[:-1]), BUCKETS, strict=True)
    ),
)


def digest_message(
    coordinator: Coordinator, items: Iterable[DueItem], today: date, site: Site
) -> Message | None:
    """Return a coordinator's weekly digest of their own agency (None: nobody is due)."""
    own = sorted(
        (i for i in items if i.agency_id == coordinator.agency_id and i.code in REMINDABLE),
        key=lambda i: (i.due_on, i.name, i.requirement_name),
    )
    if not own:
        return None
    groups = [(heading, [i for i in own if i.code in codes]) for heading, codes in SECTIONS]
    body = [
        f"Hello {coordinator.name},",
        "",
        *_wrap(
            f"Here is this week's summary of training due for staff at "
            f"{coordinator.agency_name}, as of {long_date(today)}."
        ),
        "",
        *(f"  {heading}: {len(rows)}" for heading, rows in groups),
    ]
    for heading, rows in groups:
        if rows:
            body += ["", heading]
            body += [f"  - {i.name}: {i.requirement_name} ({_digest_note(i)})" for i in rows]
    ask = (
        f"contact {site.training_contact}"
        if site.training_contact
        else "ask you or the training team"
    )
    body += [
        "",
        *_wrap(
            "Each person receives their own reminders as their dates approach, so there is "
            "no need to forward this message. Follow-up works best when it is supportive: "
            "someone may be on leave, carrying a heavy caseload, or finding the subject matter "
            f"hard. Staff can {ask} for more time or a different way to complete the training, "
            "without giving a reason."
        ),
        "",
        f"Details and exports: {site.base_url}/oversight",
        "",
        "With thanks,",
        site.sender,
    ]
    return Message(
        coordinator.user_id,
        coordinator.email,
        DIGEST,
        str(coordinator.agency_id),
        digest_window(today),
        f"{site.name}: weekly training summary for your team",
        "\n".join(body) + "\n",
    )


def _digest_note(item: DueItem) -> str:
    status, _, met = CODES[item.code]
    when = long_date(item.due_on)
    if status == Status.OVERDUE:
        return f"was due {when}; not yet completed"
    if status == Status.EXPIRED:
        return f"renewal was due {when}"
    return f"renewal due {when}" if met else f"due {when}"


def _ask_line(site: Site) -> str:
    who = site.training_contact or "your agency's training coordinator"
    return (
        f"If you need more time, an adjustment, or a different way to complete the training, "
        f"contact {who}. You do not need to give a reason."
    )


def _support_lines(site: Site) -> list[str]:
    lines = _wrap(
        "Some of this material touches on difficult experiences. Take breaks whenever you "
        "need them. Support is available at any time:"
    )
    lines += [f"  - {s.name}: {s.contact}" for s in site.support[:SUPPORT_QUOTED]]
    lines.append(f"  All support options: {site.base_url}/support")
    return lines


def long_date(day: date) -> str:
    """Return ``day`` as "December 28, 2026" (no locale: the same on every server)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def days_phrase(days: int) -> str:
    """Return "today", "tomorrow" or "in N days" for a date ``days`` ahead."""
    return "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"


def _wrap(text: str) -> list[str]:
    """Return a paragraph as one line: clients reflow it (hard wraps break up on phones)."""
    return [" ".join(text.split())]
