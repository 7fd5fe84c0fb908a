"""The overseers' audit page: newest first, 50 a page (keyset), filters in the query string,
a 400 page for anything it does not understand; overseers and admins only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from lms.audit import queries
from lms.audit.models import AuditEvent
from lms.audit.queries import BadFilter, Filters, parse_filters
from lms.audit.services import record
from lms.extensions import db
from tests.conftest import login

URL = "/oversight/audit"
T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def trail(app, world):
    """Five entries over three days, by the system, the overseer and the admin (alone: the
    requirement events of the world's curriculum sync are cleared first)."""
    _clear()
    events = [
        record(db.session, "certificate.issue", "certificate:HBR-2026-000001",
               {"user": world.learner.id, "course": "foundations"}, T0),
        record(db.session, "certificate.revoke", "certificate:HBR-2026-000001",
               {"reason": "issued_in_error", "note": None}, T0 + timedelta(days=1),
               actor_id=world.overseer.id),
        record(db.session, "user.role", f"user:{world.fred.id}",
               {"email": "fred@example.org", "from": "learner", "to": "coordinator"},
               T0 + timedelta(days=1, hours=2), actor_id=world.admin.id),
        record(db.session, "quiz.rescore", "question:foundations/q1",
               {"attempts": 3, "key": ["a", "c"]}, T0 + timedelta(days=2),
               actor_id=world.overseer.id),
        record(db.session, "certificate.issue", "certificate:HBR-2026-000002",
               {"user": world.fred.id, "course": "foundations"}, T0 + timedelta(days=2, hours=1)),
    ]  # fmt: skip
    db.session.commit()
    return [event.id for event in events]


def _clear() -> None:
    db.session.execute(delete(AuditEvent))
    db.session.commit()


def _ids(html: str) -> list[int]:
    """The entry numbers shown, in page order."""
    return [int(n) for n in re.findall(r'<th scope="row">(\d+)</th>', html)]


def _get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


@pytest.fixture
def overseer(client, world):
    login(client, world.overseer)
    return client


def test_the_overseer_sees_every_entry_newest_first(overseer, trail):
    html = _get(overseer, URL)
    assert _ids(html) == trail[::-1]
    assert "<h1>Audit trail</h1>" in html
    assert "2026-11-04 10:30:00" in html and "2026-11-02 09:30:00" in html
    assert "System" in html and "Overseer" in html and "overseer@example.org" in html
    assert "<dt>reason</dt><dd>issued_in_error</dd>" in html
    assert "<dt>note</dt><dd>–</dd>" in html
    assert "<dt>key</dt><dd>[&#34;a&#34;, &#34;c&#34;]</dd>" in html
    assert 'href="/oversight/audit?subject=certificate:HBR-2026-000001"' in html
    assert "Older entries" not in html and "Newest entries" not in html


def test_admins_see_it_too(client, world, trail):
    login(client, world.admin)
    assert _ids(_get(client, URL)) == trail[::-1]


@pytest.mark.parametrize("persona", ["learner", "coordinator", "fred"])
def test_agency_staff_and_learners_are_refused(client, world, trail, persona):
    login(client, getattr(world, persona))
    assert client.get(URL).status_code == 403


def test_visitors_are_sent_to_sign_in(client, trail):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=certificate.issue", [4, 0]),
        ("action=certificate.", [4, 1, 0]),
        ("action=user.", [2]),
        ("action=certificate.re", []),  # not a prefix: no trailing dot, so exact
        ("subject=certificate:HBR-2026-000001", [1, 0]),
        ("actor=overseer@example.org", [3, 1]),
        ("actor=Overseer@Example.org", [3, 1]),
        ("actor=system", [4, 0]),
        ("actor=nobody@example.org", []),
        ("from=2026-11-03", [4, 3, 2, 1]),
        ("to=2026-11-03", [2, 1, 0]),
        ("from=2026-11-03&to=2026-11-03", [2, 1]),
        ("action=certificate.&from=2026-11-03&actor=system", [4]),
        ("action=&subject=&actor=&from=&to=", [4, 3, 2, 1, 0]),  # the form's blank fields
    ],
)
def test_filters(overseer, trail, query, expected):
    html = _get(overseer, f"{URL}?{query}")
    assert _ids(html) == [trail[i] for i in expected]
    if not expected:
        assert "No entries match." in html


def test_the_form_keeps_the_filters(overseer, trail):
    html = _get(overseer, f"{URL}?action=certificate.&from=2026-11-03")
    assert 'name="action" type="text" value="certificate."' in html
    assert 'name="from" type="date" value="2026-11-03"' in html
    assert "Clear filters" in html and "Matching entries" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("colour=red", "Unknown filter &#39;colour&#39;."),
        ("action=certificate.issue&action=quiz.rescore", "Give action only once."),
        ("action=DROP%20TABLE", "Action must be an action such as certificate.revoke"),
        ("actor=not-an-email", "Actor must be an email address, or system."),
        ("from=2026-13-01", "From must be a date written YYYY-MM-DD"),
        ("to=yesterday", "To must be a date written YYYY-MM-DD"),
        ("from=2026-11-04&to=2026-11-03", "From must not be after to."),
        ("before=abc", "Before must be an entry number"),
        ("before=-3", "Before must be an entry number"),
        ("subject=" + "x" * 201, "Subject must be at most 200 characters."),
    ],
)
def test_anything_not_understood_is_a_400_page_saying_what_is_allowed(
    overseer, trail, query, message
):
    html = _get(overseer, f"{URL}?{query}", status=400)
    assert '<div class="error-summary" role="alert" tabindex="-1">' in html
    assert message in html
    assert "The filters allowed are action, subject, actor, from, to, before" in html
    assert "<title>Error: Audit trail" in html
    assert "Traceback" not in html and _ids(html) == []


def test_a_bad_value_marks_its_field(overseer, trail):
    html = _get(overseer, f"{URL}?from=soon&action=certificate.", status=400)
    assert '<a href="#audit-from">From must be a date' in html
    assert re.search(r'id="audit-from" name="from"[^>]*aria-invalid="true"', html)
    assert not re.search(r'id="audit-action"[^>]*aria-invalid', html)
    assert 'value="certificate."' in html  # what was typed is kept


def test_keyset_pages_of_fifty(overseer, world):
    _clear()
    made = [
        record(db.session, "quiz.rescore", f"question:q{i}", {"i": i}, T0 + timedelta(minutes=i)).id
        for i in range(120)
    ]
    db.session.commit()
    newest = made[::-1]
    first = _get(overseer, URL)
    assert _ids(first) == newest[:50]
    assert f'href="/oversight/audit?before={newest[49]}">Older entries' in first
    second = _get(overseer, f"{URL}?before={newest[49]}")
    assert _ids(second) == newest[50:100]
    assert 'href="/oversight/audit">Newest entries' in second
    third = _get(overseer, f"{URL}?before={newest[99]}")
    assert _ids(third) == newest[100:]
    assert "Older entries" not in third


def test_paging_keeps_the_filters(overseer, world):
    _clear()
    for i in range(60):
        action = "quiz.rescore" if i % 2 else "certificate.issue"
        record(db.session, action, f"x:{i}", {}, T0 + timedelta(minutes=i))
    db.session.commit()
    first = _get(overseer, f"{URL}?action=quiz.rescore")
    assert len(_ids(first)) == 30 and "Older entries" not in first
    first = _get(overseer, f"{URL}?action=certificate.&from=2026-11-02")
    assert len(_ids(first)) == 30
    for i in range(60, 100):
        record(db.session, "certificate.issue", f"x:{i}", {}, T0 + timedelta(minutes=i))
    db.session.commit()
    first = _get(overseer, f"{URL}?action=certificate.")
    last = _ids(first)[-1]
    assert f'href="/oversight/audit?action=certificate.&amp;before={last}">Older' in first
    second = _get(overseer, f"{URL}?action=certificate.&before={last}")
    assert len(_ids(first)) == 50 and len(_ids(second)) == 20
    assert "Newest entries" in second


def test_one_statement_a_page(app, world, trail, count_queries):
    for filters in (Filters(), Filters(actor="overseer@example.org", action="certificate.")):
        with count_queries() as n:
            found = queries.page(db.session, filters, size=2)
        assert n[0] == 1
        assert len(found.rows) <= 2
    assert found.rows[0].actor_email == "overseer@example.org"


def test_parse_filters():
    assert parse_filters({}) == Filters()
    parsed = parse_filters(
        {"action": ["certificate."], "actor": [" Ann@Example.org "], "from": ["2026-01-31"],
         "to": ["2026-02-01"], "before": ["40"], "subject": ["user:3"]}
    )  # fmt: skip
    assert parsed == Filters(
        "certificate.", "user:3", "ann@example.org", date(2026, 1, 31), date(2026, 2, 1), 40
    )
    assert parsed.params(before=7) == {
        "action": "certificate.", "subject": "user:3", "actor": "ann@example.org",
        "from": "2026-01-31", "to": "2026-02-01", "before": 7,
    }  # fmt: skip
    with pytest.raises(BadFilter) as bad:
        parse_filters({"sort": ["id"], "from": ["31/01/2026"], "to": ["2026-02-30"]})
    assert bad.value.fields == {"from", "to"}
    assert bad.value.problems[0] == (None, "Unknown filter 'sort'.")
