"""The reminder planner (pure): who is told what, in which window, in which words."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.oversight import reminders
from lms.oversight.compliance import CODES
from lms.oversight.reminders import (
    Coordinator,
    CourseLink,
    DueItem,
    Site,
    SupportLine,
    digest_window,
    learner_window,
    plan,
)

TODAY = date(2026, 12, 10)  # a Thursday, ISO week 50
SITE = Site(
    base_url="https://harbor.example.gov",
    sender="Example State Council",
    training_contact="the Council's training team at training@example.org",
    support=(
        SupportLine("988 Suicide & Crisis Lifeline", "Call or text 988"),
        SupportLine("National Human Trafficking Hotline", "Call 1-888-373-7888"),
        SupportLine("Childhelp", "Call 1-800-422-4453"),
        SupportLine("RAINN", "Call 1-800-656-4673"),
    ),
)
REQUIREMENT = "Core training on responding to the commercial sexual exploitation of children"


def item(code: str, due_on: date, user_id: int = 1, agency_id: int | None = 10, **kw) -> DueItem:
    fields = {
        "user_id": user_id,
        "email": f"user{user_id}@example.org",
        "name": f"Learner {user_id}",
        "agency_id": agency_id,
        "requirement_key": "core-response",
        "requirement_name": REQUIREMENT,
        "code": code,
        "due_on": due_on,
        "courses": (CourseLink("foundations", "Foundations"),),
    }
    fields.update(kw)
    return DueItem(**fields)


def coordinator(user_id: int = 100, agency_id: int = 10) -> Coordinator:
    return Coordinator(user_id, f"c{user_id}@example.org", "Casey Coordinator", agency_id, "PD")


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


# -- windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "due_on", "window"),
    [
        ("due_90", day(75), "due_90:2027-02-23"),
        ("due_60", day(45), "due_60:2027-01-24"),
        ("due_30", day(0), "due_30:2026-12-10"),
        ("renew_90", day(90), "renew_90:2027-03-10"),
        ("renew_60", day(31), "renew_60:2027-01-10"),
        ("renew_30", day(30), "renew_30:2027-01-09"),
        # past the due date: 7-day periods from the day after it, four of them ...
        ("overdue", day(-1), "overdue:2026-12-09:w0"),
        ("overdue", day(-7), "overdue:2026-12-03:w0"),
        ("overdue", day(-8), "overdue:2026-12-02:w1"),
        ("expired", day(-28), "expired:2026-11-12:w3"),
        # ... then 28-day periods
        ("expired", day(-29), "expired:2026-11-11:m0"),
        ("overdue", day(-56), "overdue:2026-10-15:m0"),
        ("overdue", day(-57), "overdue:2026-10-14:m1"),
        ("overdue", day(-400), "overdue:2025-11-05:m13"),
        # nothing for anyone not due within 90 days
        ("compliant", day(200), None),
        ("in_progress", day(120), None),
        ("not_started", day(91), None),
    ],
)
def test_learner_window(code, due_on, window):
    assert learner_window(code, due_on, TODAY) == window


def test_due_soon_and_past_due_codes_are_remindable():
    expected = {"due_30", "due_60", "due_90", "renew_30", "renew_60", "renew_90"}
    assert set(CODES) > reminders.REMINDABLE
    assert expected | {"expired", "overdue"} == reminders.REMINDABLE


def test_a_due_soon_window_holds_until_the_next_bucket():
    due = date(2027, 3, 1)
    windows = {
        learner_window(code, due, due - timedelta(days=d))
        for d, code in [(90, "due_90"), (75, "due_90"), (61, "due_90")]
    }
    assert windows == {"due_90:2027-03-01"}
    assert learner_window("due_60", due, due - timedelta(days=60)) == "due_60:2027-03-01"


@pytest.mark.parametrize(
    ("days_past", "reminders_so_far"),
    [(1, 1), (7, 1), (8, 2), (28, 4), (29, 5), (56, 5), (57, 6), (365, 17)],
)
def test_past_due_reminders_taper_off(days_past, reminders_so_far):
    due = date(2026, 1, 1)
    windows = {
        learner_window("overdue", due, due + timedelta(days=d)) for d in range(1, days_past + 1)
    }
    assert len(windows) == reminders_so_far


def test_a_new_due_date_starts_afresh():
    assert learner_window("renew_30", day(20), TODAY) != learner_window("renew_30", day(21), TODAY)


@pytest.mark.parametrize(
    ("today", "window"),
    [
        (date(2026, 12, 7), "2026-W50"),  # Monday
        (date(2026, 12, 13), "2026-W50"),  # Sunday
        (date(2026, 12, 14), "2026-W51"),
        (date(2027, 1, 1), "2026-W53"),  # ISO year, not calendar year
    ],
)
def test_digest_window_is_the_iso_week(today, window):
    assert digest_window(today) == window


# -- who gets what ---------------------------------------------------------------------------


def test_plan_sends_one_reminder_per_due_requirement_and_nothing_to_others():
    items = [
        item("due_30", day(10), user_id=1),
        item("due_30", day(10), user_id=1, requirement_key="identification"),
        item("compliant", day(300), user_id=2),
        item("in_progress", day(100), user_id=3),
        item("not_started", day(120), user_id=4),
        item("overdue", day(-3), user_id=5),
    ]
    messages = plan(items, [], TODAY, SITE)
    assert [(m.recipient_id, m.kind, m.topic) for m in messages] == [
        (1, "learner", "core-response"),
        (1, "learner", "identification"),
        (5, "learner", "core-response"),
    ]
    assert messages[0].to == "user1@example.org"
    assert len({m.key for m in messages}) == 3


def test_digest_covers_only_the_coordinators_own_agency():
    items = [
        item("due_30", day(5), user_id=1, agency_id=10, name="Ana Own"),
        item("expired", day(-10), user_id=2, agency_id=10, name="Ben Own"),
        item("renew_90", day(80), user_id=3, agency_id=10, name="Cy Own"),
        item("compliant", day(300), user_id=4, agency_id=10, name="Dee Compliant"),
        item("overdue", day(-3), user_id=5, agency_id=20, name="Fred Other"),
    ]
    messages = plan(items, [coordinator(100, 10), coordinator(200, 30)], TODAY, SITE)
    digests = [m for m in messages if m.kind == "digest"]
    assert len(digests) == 1  # agency 30 has nobody due: no digest
    digest = digests[0]
    assert (digest.recipient_id, digest.topic, digest.window) == (100, "10", "2026-W50")
    for name in ("Ana Own", "Ben Own", "Cy Own"):
        assert name in digest.body
    assert "Fred Other" not in digest.body
    assert "Dee Compliant" not in digest.body
    assert "Past the due date: 1" in digest.body
    assert "Due within 30 days: 1" in digest.body
    assert "Due in 31 to 60 days: 0" in digest.body
    assert "Due in 61 to 90 days: 1" in digest.body
    # most pressing first
    assert digest.body.index("Ben Own") < digest.body.index("Ana Own") < digest.body.index("Cy")


def test_learners_without_an_agency_get_reminders_but_no_digest_lists_them():
    messages = plan([item("due_30", day(3), agency_id=None)], [coordinator()], TODAY, SITE)
    assert [m.kind for m in messages] == ["learner"]


# -- wording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(reminders.REMINDABLE))
def test_subject_lines_name_no_requirement_and_no_status(code):
    due_on = day(-5) if code in ("overdue", "expired") else day(20)
    (message,) = plan([item(code, due_on)], [], TODAY, SITE)
    subject = message.subject.lower()
    for word in ("exploitation", "sexual", "core", "overdue", "expired", "late", "fail"):
        assert word not in subject
    assert message.subject == "Harbor: a reminder about your training"


@pytest.mark.parametrize(
    ("code", "due_on", "says"),
    [
        ("due_30", day(0), "is due by December 10, 2026 (today)"),
        ("due_30", day(1), "is due by December 11, 2026 (tomorrow)"),
        ("due_60", day(45), "is due by January 24, 2027 (in 45 days)"),
        ("renew_90", day(80), "is due for renewal by February 28, 2027 (in 80 days)"),
        ("overdue", day(-3), "was due by December 7, 2026"),
        ("expired", day(-3), "was due for renewal by December 7, 2026"),
    ],
)
def test_learner_message_says_what_is_due_by_when_and_where(code, due_on, says):
    (message,) = plan([item(code, due_on, name="Sam Rivera")], [], TODAY, SITE)
    body = " ".join(message.body.split())  # unwrap
    assert body.startswith("Hello Sam Rivera,")
    assert says in body
    assert REQUIREMENT in body
    assert "Foundations: https://harbor.example.gov/courses/foundations" in body
    assert "https://harbor.example.gov/certificates" in body
    assert "https://harbor.example.gov/support" in body
    assert "Call or text 988" in body
    assert "RAINN" not in body  # three support lines quoted, the page has the rest
    assert "training@example.org" in body
    assert "You do not need to give a reason." in body
    for word in ("overdue", "failed", "failure", "non-compliant", "noncompliant", "must "):
        assert word not in body.lower()


def test_paragraphs_are_not_hard_wrapped():
    # Mail clients reflow long lines; hard wraps break up badly on phones.
    for message in plan([item("overdue", day(-3))], [coordinator()], TODAY, SITE):
        assert all(len(line) < 998 for line in message.body.splitlines())  # RFC 5322
        assert "December 7, 2026" in message.body


def test_without_a_training_contact_learners_are_pointed_to_their_coordinator():
    site = Site(base_url="https://h.example")
    (message,) = plan([item("due_30", day(3), courses=())], [], TODAY, site)
    body = " ".join(message.body.split())
    assert "contact your agency's training coordinator" in body
    assert "Your courses: https://h.example/courses" in body
    assert body.endswith("please do not reply to it.")


def test_plan_is_deterministic():
    items = [item("due_30", day(3), user_id=u) for u in (3, 1, 2)]
    first = plan(items, [coordinator()], TODAY, SITE)
    assert first == plan(list(reversed(items)), [coordinator()], TODAY, SITE)
    assert [m.recipient_id for m in first] == [1, 2, 3, 100]
