"""Compliance classification: a table per rule, with a row on each side of every boundary."""

from __future__ import annotations

import ast
import random
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from lms.courses.loader import load_tree
from lms.courses.requirements import RequirementSpec
from lms.oversight import compliance
from lms.oversight.compliance import (
    Compliance,
    Counts,
    Credit,
    Held,
    Learner,
    Status,
    applies,
    classify,
    initial_deadline,
    lapses_on,
    summarise,
)
from tests.conftest import CONTENT

D = date.fromisoformat

#: Two courses, discipline or agency type coverage, in force from 2026-07-01.
REQ = RequirementSpec(
    id="core",
    name="Core training",
    citation="EXAMPLE: Code 1.2.3",
    disciplines=("law-enforcement", "child-welfare"),
    agency_types=("court",),
    courses=("a", "b"),
    initial_deadline_days=180,
    effective_date=D("2026-07-01"),
    existing_staff_deadline_days=365,
    renewal_months=24,
)
ONE = replace(REQ, id="one", courses=("a",))
ONCE = replace(ONE, id="once", renewal_months=None)

#: Started on the effective date: due 2026-12-28 (180 days).
NEW = Learner("law-enforcement", None, D("2026-07-01"))
#: Employed long before the effective date: due 2027-07-01 (365 days after it).
OLD = Learner("law-enforcement", None, D("2015-03-02"))
UNKNOWN = Learner("child-welfare", None, None)


def cert(course: str, issued: str, expires: str | None, status: str = "active") -> Held:
    return Held(course, D(issued), None if expires is None else D(expires), status)


#: Issued after NEW's deadline, so that lapses govern: a lapses 2029-01-10, due 2029-01-09.
A = cert("a", "2027-01-10", "2029-01-10")
B = cert("b", "2027-03-01", "2029-03-01")


# --- coverage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("learner", "covered"),
    [
        (Learner("law-enforcement", None, None), True),  # discipline listed
        (Learner("child-welfare", "education", None), True),  # discipline listed, type not
        (Learner("education", "court", None), True),  # agency type listed, discipline not
        (Learner(None, "court", None), True),  # agency type only
        (Learner("education", "education", None), False),  # neither listed
        (Learner(None, None, None), False),  # nothing known
        (Learner("court", None, None), False),  # an agency type is not a discipline
        (Learner(None, "law-enforcement", None), False),  # nor a discipline an agency type
    ],
)
def test_applies(learner, covered):
    assert applies(REQ, learner) is covered


def test_not_covered_is_not_applicable_whatever_the_facts():
    outsider = Learner("education", "health_care", D("2020-01-01"))
    result = classify(REQ, outsider, [A, B], [Credit("core", None)], {"a"}, D("2030-01-01"))
    assert result == Compliance(Status.NOT_APPLICABLE)
    assert result.bucket is result.due_on is result.days_left is None


# --- initial deadline ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("req", "start", "due"),
    [
        (REQ, None, "2027-07-01"),  # unknown start: existing staff
        (REQ, "2015-03-02", "2027-07-01"),  # long employed
        (REQ, "2026-06-30", "2027-07-01"),  # day before effective: existing staff
        (REQ, "2026-07-01", "2026-12-28"),  # on the effective date: new staff, 180 days
        (REQ, "2026-07-02", "2026-12-29"),
        (REQ, "2027-02-28", "2027-08-27"),
        # existing staff never earlier than their own start-based deadline
        (replace(REQ, initial_deadline_days=400, existing_staff_deadline_days=30),
         "2026-06-30", "2027-08-04"),
        (replace(REQ, initial_deadline_days=400, existing_staff_deadline_days=30),
         "2020-01-01", "2026-07-31"),
    ],
)  # fmt: skip
def test_initial_deadline(req, start, due):
    learner = Learner("law-enforcement", None, None if start is None else D(start))
    assert initial_deadline(req, learner) == D(due)


# --- when one certificate stops counting -----------------------------------------------------


@pytest.mark.parametrize(
    ("req", "held", "lapse"),
    [
        (ONCE, cert("a", "2026-01-31", None), None),  # one-time requirement, no expiry
        (ONCE, cert("a", "2026-01-31", "2027-01-31"), "2027-01-31"),  # its own expiry
        (ONE, cert("a", "2026-01-31", None), "2028-01-31"),  # renewal caps a lifetime cert
        (ONE, cert("a", "2026-01-31", "2030-01-31"), "2028-01-31"),  # renewal comes first
        (ONE, cert("a", "2026-01-31", "2027-06-15"), "2027-06-15"),  # expiry comes first
        (ONE, cert("a", "2024-02-29", None), "2026-02-28"),  # leap day, clamped
        (replace(ONE, renewal_months=48), cert("a", "2024-02-29", None), "2028-02-29"),
        (replace(ONE, renewal_months=1), cert("a", "2026-01-31", None), "2026-02-28"),
        (replace(ONE, renewal_months=13), cert("a", "2026-12-31", None), "2028-01-31"),
    ],
)
def test_lapses_on(req, held, lapse):
    assert lapses_on(req, held) == (None if lapse is None else D(lapse))


def test_held_takes_stored_statuses_only():
    for public in ("valid", "expired", "superseded", ""):
        with pytest.raises(ValueError, match="stored certificate status"):
            Held("a", D("2026-01-01"), None, public)


# --- the classification table ----------------------------------------------------------------

FIELDS = ("status", "bucket", "due_on", "days_left", "satisfied_until", "missing", "via_credit",
          "satisfied")  # fmt: skip
CASES: list = []


def case(name, today, *, req=ONE, learner=NEW, held=(), credits=(), started=(), **expect):
    expect = {k: D(v) if k in ("due_on", "satisfied_until") and v else v for k, v in expect.items()}
    assert set(expect) <= set(FIELDS), name
    CASES.append(pytest.param(req, learner, held, credits, started, D(today), expect, id=name))


# Initial training, nothing held: due 2026-12-28 (inclusive), overdue from 2026-12-29.
late = {"due_on": "2026-12-28"}
case("new, 91 days left", "2026-09-28", status=Status.NOT_STARTED, bucket=None, days_left=91,
     missing=("a",), satisfied=False, **late)  # fmt: skip
case("new, 91 days, started", "2026-09-28", started={"a"}, status=Status.IN_PROGRESS, **late)
case("new, 91 days, other course started", "2026-09-28", started={"zz"},
     status=Status.NOT_STARTED)  # fmt: skip
case("new, 90 days left", "2026-09-29", status=Status.DUE_SOON, bucket=90, days_left=90, **late)
case("new, 61 days left", "2026-10-28", status=Status.DUE_SOON, bucket=90, days_left=61)
case("new, 60 days left", "2026-10-29", status=Status.DUE_SOON, bucket=60, days_left=60)
case("new, 31 days left", "2026-11-27", status=Status.DUE_SOON, bucket=60, days_left=31)
case("new, 30 days left", "2026-11-28", status=Status.DUE_SOON, bucket=30, days_left=30)
case("new, day before deadline", "2026-12-27", status=Status.DUE_SOON, bucket=30, days_left=1)
case("new, on the deadline", "2026-12-28", status=Status.DUE_SOON, bucket=30, days_left=0,
     satisfied=False, **late)  # fmt: skip
case("new, day after deadline", "2026-12-29", status=Status.OVERDUE, bucket=None, days_left=-1,
     missing=("a",), **late)  # fmt: skip
case("new, long overdue, started", "2027-12-29", started={"a"}, status=Status.OVERDUE,
     days_left=-366)  # fmt: skip
case("new, before employment", "2026-01-01", status=Status.NOT_STARTED, days_left=361)

# Existing staff (employed before 2026-07-01, or start unknown): due 2027-07-01.
for who, learner in (("old", OLD), ("unknown start", UNKNOWN)):
    case(f"{who}, before the effective date", "2026-06-30", learner=learner,
         status=Status.NOT_STARTED, due_on="2027-07-01", days_left=366)  # fmt: skip
    case(f"{who}, on the effective date", "2026-07-01", learner=learner,
         status=Status.NOT_STARTED, days_left=365)  # fmt: skip
    case(f"{who}, 91 days left", "2027-04-01", learner=learner, status=Status.NOT_STARTED)
    case(f"{who}, 90 days left", "2027-04-02", learner=learner, status=Status.DUE_SOON,
         bucket=90)  # fmt: skip
    case(f"{who}, on the deadline", "2027-07-01", learner=learner, status=Status.DUE_SOON,
         bucket=30, days_left=0)  # fmt: skip
    case(f"{who}, day after", "2027-07-02", learner=learner, status=Status.OVERDUE,
         due_on="2027-07-01", days_left=-1)  # fmt: skip
case("hired the day before the effective date", "2027-07-02",
     learner=Learner("law-enforcement", None, D("2026-06-30")), status=Status.OVERDUE,
     due_on="2027-07-01")  # fmt: skip

# Met by a certificate; a lapses 2029-01-10, so it is due (renew by) 2029-01-09.
met = {"satisfied_until": "2029-01-10", "due_on": "2029-01-09", "missing": (), "satisfied": True}
case("issued today counts", "2027-01-10", held=[A], status=Status.COMPLIANT, days_left=730,
     bucket=None, via_credit=False, **met)  # fmt: skip
case("issued tomorrow does not count", "2027-01-09", held=[A], status=Status.OVERDUE,
     missing=("a",), satisfied_until=None)  # fmt: skip
case("met, 91 days left", "2028-10-10", held=[A], status=Status.COMPLIANT, bucket=None,
     days_left=91, **met)  # fmt: skip
case("met, 90 days left", "2028-10-11", held=[A], status=Status.DUE_SOON, bucket=90,
     days_left=90, **met)  # fmt: skip
case("met, 61 days left", "2028-11-09", held=[A], status=Status.DUE_SOON, bucket=90,
     days_left=61)  # fmt: skip
case("met, 60 days left", "2028-11-10", held=[A], status=Status.DUE_SOON, bucket=60,
     days_left=60)  # fmt: skip
case("met, 31 days left", "2028-12-09", held=[A], status=Status.DUE_SOON, bucket=60,
     days_left=31)  # fmt: skip
case("met, 30 days left", "2028-12-10", held=[A], status=Status.DUE_SOON, bucket=30,
     days_left=30)  # fmt: skip
case("met, last valid day", "2029-01-09", held=[A], status=Status.DUE_SOON, bucket=30,
     days_left=0, **met)  # fmt: skip
case("expiry day", "2029-01-10", held=[A], status=Status.EXPIRED, bucket=None,
     due_on="2029-01-09", days_left=-1, satisfied_until=None, missing=("a",),
     satisfied=False)  # fmt: skip
case("day after expiry", "2029-01-11", held=[A], status=Status.EXPIRED, days_left=-2)
case("expired, renewal started", "2029-02-01", held=[A], started={"a"},
     status=Status.EXPIRED)  # fmt: skip
case("renewed after lapsing", "2029-02-01", held=[A, cert("a", "2029-01-20", "2031-01-20")],
     status=Status.COMPLIANT, satisfied_until="2031-01-20", due_on="2031-01-19")  # fmt: skip
case("one-time requirement, lifetime cert", "2090-01-01", req=ONCE,
     held=[cert("a", "2027-01-10", None)], status=Status.COMPLIANT, due_on=None,
     days_left=None, satisfied_until=None, satisfied=True)  # fmt: skip
case("renewal caps a lifetime cert", "2029-01-10", held=[cert("a", "2027-01-10", None)],
     status=Status.EXPIRED, due_on="2029-01-09")  # fmt: skip
case("leap day: last day", "2030-02-27", held=[cert("a", "2028-02-29", None)],
     status=Status.DUE_SOON, bucket=30, days_left=0, satisfied_until="2030-02-28")  # fmt: skip
case("leap day: lapses 28 Feb", "2030-02-28", held=[cert("a", "2028-02-29", None)],
     status=Status.EXPIRED, due_on="2030-02-27")  # fmt: skip

# No obligation before the initial deadline: training that lapses earlier is due then.
pre = [cert("a", "2024-09-01", "2026-09-01")]
case("pre-statute training, still valid", "2026-08-01", learner=OLD, held=pre,
     status=Status.COMPLIANT, satisfied_until="2026-09-01", due_on="2027-07-01",
     days_left=334, satisfied=True)  # fmt: skip
case("pre-statute training lapsed, not yet due", "2026-09-01", learner=OLD, held=pre,
     status=Status.NOT_STARTED, due_on="2027-07-01", days_left=303, satisfied=False)  # fmt: skip
case("pre-statute training lapsed, on the deadline", "2027-07-01", learner=OLD, held=pre,
     status=Status.DUE_SOON, bucket=30, days_left=0)  # fmt: skip
case("pre-statute training lapsed, past the deadline", "2027-07-02", learner=OLD, held=pre,
     status=Status.EXPIRED, due_on="2027-07-01", days_left=-1)  # fmt: skip
edge = [cert("a", "2025-07-02", "2027-07-02")]  # lapses the day after the deadline
case("lapses day after deadline: last day", "2027-07-01", learner=OLD, held=edge,
     status=Status.DUE_SOON, days_left=0, satisfied=True)  # fmt: skip
case("lapses day after deadline: expired", "2027-07-02", learner=OLD, held=edge,
     status=Status.EXPIRED, due_on="2027-07-01", days_left=-1)  # fmt: skip

# Revoked and suspended certificates never count, for today or for history.
case("revoked, in date", "2028-01-01", held=[replace(A, status="revoked")],
     status=Status.OVERDUE, due_on="2026-12-28", missing=("a",))  # fmt: skip
case("revoked, past its expiry", "2029-06-01", held=[replace(A, status="revoked")],
     status=Status.OVERDUE)  # fmt: skip
case("suspended, in date", "2028-01-01", held=[replace(A, status="suspended")],
     status=Status.OVERDUE)  # fmt: skip
case("suspended, before the deadline", "2026-09-01",
     held=[cert("a", "2026-08-01", "2028-08-01", "suspended")],
     status=Status.NOT_STARTED)  # fmt: skip
case("expired, then renewal revoked", "2029-06-01",
     held=[A, cert("a", "2029-02-01", "2031-02-01", "revoked")], status=Status.EXPIRED,
     due_on="2029-01-09")  # fmt: skip
# Superseded: no flag, each certificate counts on its own dates.
case("superseded expired + newer valid", "2029-06-01",
     held=[A, cert("a", "2028-12-01", "2030-12-01")], status=Status.COMPLIANT,
     satisfied_until="2030-12-01")  # fmt: skip
case("superseded valid + newer valid: the later counts", "2028-12-15",
     held=[A, cert("a", "2028-12-01", "2030-12-01")], status=Status.COMPLIANT,
     satisfied_until="2030-12-01")  # fmt: skip
case("superseded valid + newer revoked: the older counts", "2028-12-15",
     held=[A, cert("a", "2028-12-01", "2030-12-01", "revoked")], status=Status.DUE_SOON,
     bucket=30, satisfied_until="2029-01-10")  # fmt: skip
case("a certificate for another course", "2028-01-01", held=[cert("z", "2027-01-10", None)],
     status=Status.OVERDUE, missing=("a",))  # fmt: skip

# Several courses: the first to lapse decides.
case("both held", "2028-06-01", req=REQ, held=[A, B], status=Status.COMPLIANT,
     satisfied_until="2029-01-10", due_on="2029-01-09", missing=())  # fmt: skip
case("both held, first about to lapse", "2028-12-10", req=REQ, held=[B, A],
     status=Status.DUE_SOON, bucket=30, days_left=30)  # fmt: skip
case("first lapsed", "2029-01-10", req=REQ, held=[A, B], status=Status.EXPIRED,
     due_on="2029-01-09", missing=("a",))  # fmt: skip
case("both lapsed: the earliest outstanding lapse", "2029-03-01", req=REQ, held=[A, B],
     status=Status.EXPIRED, due_on="2029-01-09", missing=("a", "b"))  # fmt: skip
case("first renewed, second lapsed", "2029-03-01", req=REQ,
     held=[A, B, cert("a", "2029-01-20", "2031-01-20")], status=Status.EXPIRED,
     due_on="2029-02-28", days_left=-1, missing=("b",))  # fmt: skip
case("one of two, not yet due", "2026-09-01", req=REQ, held=[cert("a", "2026-08-01", None)],
     status=Status.IN_PROGRESS, missing=("b",), due_on="2026-12-28")  # fmt: skip
case("one of two, past the deadline", "2027-01-01", req=REQ,
     held=[cert("a", "2026-08-01", None)], status=Status.OVERDUE, missing=("b",))  # fmt: skip
case("one lapsed, other never held", "2029-06-01", req=REQ, held=[A], status=Status.OVERDUE,
     due_on="2026-12-28", missing=("a", "b"))  # fmt: skip

# Approved external credit.
case("credit without expiry", "2030-01-01", credits=[Credit("one", None)],
     status=Status.COMPLIANT, due_on=None, days_left=None, satisfied_until=None,
     via_credit=True, satisfied=True, missing=("a",))  # fmt: skip
case("credit, last day", "2027-12-31", credits=[Credit("one", D("2028-01-01"))],
     status=Status.DUE_SOON, bucket=30, days_left=0, satisfied_until="2028-01-01",
     via_credit=True)  # fmt: skip
case("credit, on valid_until", "2028-01-01", credits=[Credit("one", D("2028-01-01"))],
     status=Status.EXPIRED, due_on="2027-12-31", days_left=-1, via_credit=False)  # fmt: skip
case("credit lapsed before the deadline", "2026-09-01", credits=[Credit("one", D("2026-08-01"))],
     status=Status.NOT_STARTED, due_on="2026-12-28")  # fmt: skip
case("credit for another requirement", "2027-06-01", credits=[Credit("core", None)],
     status=Status.OVERDUE, via_credit=False)  # fmt: skip
case("the latest of several credits", "2027-06-01",
     credits=[Credit("one", D("2027-07-01")), Credit("one", D("2029-07-01"))],
     status=Status.COMPLIANT, satisfied_until="2029-07-01")  # fmt: skip
case("credit outlasts certificate", "2028-06-01", held=[A],
     credits=[Credit("one", D("2030-01-01"))], status=Status.COMPLIANT,
     satisfied_until="2030-01-01", via_credit=True)  # fmt: skip
case("certificate outlasts credit", "2028-06-01", held=[A],
     credits=[Credit("one", D("2028-09-01"))], status=Status.COMPLIANT,
     satisfied_until="2029-01-10", via_credit=False)  # fmt: skip
case("certificate and credit end together", "2028-06-01", held=[A],
     credits=[Credit("one", D("2029-01-10"))], via_credit=False)  # fmt: skip
case("credit stands in for one of two courses' worth", "2028-06-01", req=REQ, held=[A],
     credits=[Credit("core", None)], status=Status.COMPLIANT, via_credit=True,
     missing=("b",))  # fmt: skip
case("credit after certificate lapsed", "2029-06-01", held=[A],
     credits=[Credit("one", D("2029-05-01"))], status=Status.EXPIRED,
     due_on="2029-04-30")  # fmt: skip


@pytest.mark.parametrize(("req", "learner", "held", "credits", "started", "today", "expect"),
                         CASES)  # fmt: skip
def test_classify(req, learner, held, credits, started, today, expect):
    result = classify(req, learner, held, credits, frozenset(started), today)
    got = {name: getattr(result, name) for name in expect}
    assert got == expect


def test_classify_is_order_independent_and_takes_any_iterables():
    held = [A, B, cert("a", "2029-01-20", "2031-01-20"), replace(B, status="revoked")]
    credits = [Credit("core", D("2029-02-01")), Credit("other", None)]
    today = D("2029-01-25")
    first = classify(REQ, NEW, held, credits, frozenset(), today)
    for seed in range(10):
        random.Random(seed).shuffle(held)
        assert classify(REQ, NEW, iter(held), iter(credits), set(), today) == first


# --- roll-up ---------------------------------------------------------------------------------


def test_summarise_counts_and_rate():
    def at(today):
        return classify(REQ, NEW, [A, B], (), frozenset(), D(today))

    results = [
        at("2028-06-01"),  # compliant
        at("2028-12-10"),  # due soon, met (30)
        at("2029-01-10"),  # expired
        classify(ONE, NEW, (), (), frozenset(), D("2026-11-01")),  # due soon, not met (60)
        classify(ONE, NEW, (), (), frozenset(), D("2026-08-01")),  # not started
        classify(ONE, Learner("education", None, None), (), (), frozenset(), D("2026-08-01")),
    ]
    counts = summarise(results)
    assert counts.total == 6 and counts.applicable == 5 and counts.satisfied == 2
    assert counts.by_status[Status.COMPLIANT] == 1
    assert counts.by_status[Status.DUE_SOON] == 2
    assert counts.by_status[Status.OVERDUE] == 0  # every status is a key
    assert counts.by_bucket == {30: 1, 60: 1, 90: 0}
    # a learner due soon but not trained is not "complete"
    assert counts.completion_rate == Fraction(2, 5)


@pytest.mark.parametrize(
    "results", [[], [Compliance(Status.NOT_APPLICABLE)]], ids=["nothing", "nothing applicable"]
)
def test_summarise_without_applicable_pairs(results):
    counts = summarise(results)
    assert counts.applicable == 0 and counts.completion_rate is None
    assert set(counts.by_status) == set(Status)


def test_empty_counts():
    assert Counts().total == 0 and Counts().completion_rate is None


# --- the shipped requirements and the dependency rule ----------------------------------------


def test_shipped_requirements_classify():
    requirements = load_tree(CONTENT).requirements
    officer = Learner("law-enforcement", "law_enforcement", D("2026-09-01"))
    today = D("2026-09-15")
    assert all(applies(r, officer) for r in requirements)
    nothing = [classify(r, officer, (), (), frozenset(), today) for r in requirements]
    assert all(c.status in (Status.NOT_STARTED, Status.DUE_SOON) for c in nothing)
    held = [Held(c, today, D("2028-09-15"), "active") for r in requirements for c in r.courses]
    done = [classify(r, officer, held, (), frozenset(), today) for r in requirements]
    assert {c.status for c in done} == {Status.COMPLIANT}
    assert {c.satisfied_until for c in done} == {D("2028-09-15")}


def test_pure_module_imports():
    path = Path(compliance.__file__)
    tree = ast.parse(path.read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    forbidden = ("flask", "sqlalchemy", "werkzeug", "lms.db", "lms.extensions", "lms.clock")
    assert not {n for n in names if n.startswith(forbidden)}
    assert "date.today(" not in path.read_text() and "datetime.now(" not in path.read_text()
