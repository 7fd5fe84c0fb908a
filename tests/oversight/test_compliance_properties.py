"""Properties of compliance classification over generated facts (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lms.certificates import policy
from lms.courses.requirements import RequirementSpec
from lms.oversight.compliance import (
    BUCKETS,
    ORDER,
    STORED_STATUSES,
    Compliance,
    Credit,
    Held,
    Learner,
    Status,
    applies,
    classify,
    initial_deadline,
    lapses_on,
)

settings.register_profile("compliance", deadline=None, max_examples=300)
COURSES = ("a", "b", "c")
dates = st.dates(date(2024, 1, 1), date(2033, 12, 31))


@st.composite
def requirements(draw) -> RequirementSpec:
    courses = draw(st.lists(st.sampled_from(COURSES), min_size=1, max_size=3, unique=True))
    return RequirementSpec(
        id="req",
        name="Requirement",
        citation="EXAMPLE",
        disciplines=("law-enforcement",),
        agency_types=("court",),
        courses=tuple(courses),
        initial_deadline_days=draw(st.integers(1, 400)),
        effective_date=draw(st.dates(date(2025, 1, 1), date(2028, 12, 31))),
        existing_staff_deadline_days=draw(st.integers(1, 400)),
        renewal_months=draw(st.none() | st.integers(1, 36)),
    )


learners = st.builds(
    Learner,
    st.sampled_from(["law-enforcement", "education", None]),
    st.sampled_from(["court", "health_care", None]),
    st.none() | dates,
)


ANY_COURSE = st.sampled_from((*COURSES, "z"))


@st.composite
def certificates(draw, course=ANY_COURSE) -> Held:
    issued = draw(dates)
    life = draw(st.none() | st.integers(0, 1500))
    expires = None if life is None else issued + timedelta(days=life)
    return Held(draw(course), issued, expires, draw(st.sampled_from(sorted(STORED_STATUSES))))


credits_ = st.builds(Credit, st.sampled_from(["req", "other"]), st.none() | dates)
facts = st.fixed_dictionaries({
    "req": requirements(),
    "learner": learners,
    "held": st.lists(certificates(), max_size=6),
    "credits": st.lists(credits_, max_size=2),
    "started": st.frozensets(st.sampled_from((*COURSES, "z"))),
    "today": dates,
})  # fmt: skip


def run(f: dict, **changes) -> Compliance:
    f = {**f, **changes}
    return classify(f["req"], f["learner"], f["held"], f["credits"], f["started"], f["today"])


def worse(before: Compliance, after: Compliance) -> bool:
    """After is worse: a lower status, or the same one with an earlier due date."""
    if before.status is Status.NOT_APPLICABLE or after.status is Status.NOT_APPLICABLE:
        return before.status is not after.status
    rank_before, rank_after = ORDER.index(before.status), ORDER.index(after.status)
    if rank_before != rank_after:
        return rank_after > rank_before
    return (after.due_on or date.max) < (before.due_on or date.max)


@settings(settings.get_profile("compliance"))
@given(facts)
def test_result_is_a_function_of_the_facts_and_today(f):
    first = run(f)
    assert run(f) == first
    assert run(f, held=list(reversed(f["held"])), credits=list(reversed(f["credits"]))) == first
    # facts that can never count change nothing: revoked, suspended, other courses, the future
    noise = [Held("a", f["today"], None, "revoked"), Held("b", f["today"], None, "suspended"),
             Held("z", f["today"], None, "active"),
             Held("a", f["today"] + timedelta(days=1), None, "active"),
             Credit("other", None)]  # fmt: skip
    held = [*f["held"], *(n for n in noise if isinstance(n, Held))]
    assert run(f, held=held, credits=[*f["credits"], noise[-1]]) == first


@settings(settings.get_profile("compliance"))
@given(facts)
def test_invariants(f):
    result, req, today = run(f), f["req"], f["today"]
    assert (result.status is Status.NOT_APPLICABLE) is not applies(req, f["learner"])
    assert (result.bucket is not None) is (result.status is Status.DUE_SOON)
    if result.status is Status.NOT_APPLICABLE:
        assert result == Compliance(Status.NOT_APPLICABLE)
        return
    if result.due_on is None:
        assert result.status is Status.COMPLIANT and result.satisfied
        assert result.days_left is None and result.satisfied_until is None
    else:
        assert result.days_left == (result.due_on - today).days
        assert result.due_on >= initial_deadline(req, f["learner"])  # nothing due earlier
        in_breach = result.status in (Status.OVERDUE, Status.EXPIRED)
        assert (result.days_left < 0) is in_breach
        if result.status is Status.COMPLIANT:
            assert result.days_left > BUCKETS[-1]
        if result.bucket is not None:
            assert 0 <= result.days_left <= result.bucket < result.days_left + 31
    assert result.satisfied is (
        result.status is Status.COMPLIANT
        or (result.status is Status.DUE_SOON and result.satisfied_until is not None)
    )
    if result.satisfied_until is not None:
        assert result.satisfied and result.satisfied_until > today
    assert list(result.missing) == [c for c in req.courses if c in result.missing]
    if result.via_credit:
        assert result.satisfied
    elif result.satisfied:
        assert result.missing == ()
    else:
        assert result.missing and not result.via_credit


@settings(settings.get_profile("compliance"))
@given(facts, st.integers(1, 3000))
def test_time_never_undoes_a_breach(f, days):
    before = run(f)
    after = run(f, today=f["today"] + timedelta(days=days))
    if before.status is Status.OVERDUE:
        # never back to NOT_STARTED (or any "still in time" status) without new training
        assert after.status in (Status.OVERDUE, Status.EXPIRED, Status.COMPLIANT, Status.DUE_SOON)
        if after.status is Status.DUE_SOON:
            assert after.satisfied


@settings(settings.get_profile("compliance"))
@given(facts, st.sampled_from(COURSES), st.integers(0, 800), st.none() | st.integers(1, 1500))
def test_a_valid_certificate_never_makes_things_worse(f, course, age, ahead):
    today = f["today"]
    extra = Held(course, today - timedelta(days=age),
                 None if ahead is None else today + timedelta(days=ahead), "active")  # fmt: skip
    assume((lapses_on(f["req"], extra) or date.max) > today)
    before, after = run(f), run(f, held=[*f["held"], extra])
    assert not worse(before, after), (before, after)


@settings(settings.get_profile("compliance"))
@given(facts, st.none() | st.integers(1, 1500))
def test_a_valid_credit_never_makes_things_worse(f, ahead):
    until = None if ahead is None else f["today"] + timedelta(days=ahead)
    before, after = run(f), run(f, credits=[*f["credits"], Credit("req", until)])
    assert not worse(before, after), (before, after)
    if before.status is not Status.NOT_APPLICABLE:
        assert after.satisfied


@settings(settings.get_profile("compliance"))
@given(certificates(course=st.just("a")), dates)
def test_a_certificate_counts_exactly_when_the_verify_page_says_valid(held, today):
    """With no renewal cap, counting agrees with lms.certificates.policy.public_status."""
    req = RequirementSpec("req", "R", "C", ("law-enforcement",), (), ("a",), 90,
                          date(2025, 1, 1), 90, None)  # fmt: skip
    assume(held.issued_on <= today)
    now = datetime.combine(today, time())
    expires = None if held.expires_on is None else datetime.combine(held.expires_on, time())
    valid = policy.public_status(held.status, expires, False, now) is policy.Status.VALID
    result = classify(req, Learner("law-enforcement", None, None), [held], (), frozenset(), today)
    assert ("a" not in result.missing) is valid
    capped = replace(req, renewal_months=24)
    result = classify(capped, Learner("law-enforcement", None, None), [held], (), set(), today)
    assert ("a" not in result.missing) is (valid and today < lapses_on(capped, held))
