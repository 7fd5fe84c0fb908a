"""The export routes: who gets which rows, filters, the audit entry, and streaming."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from lms import clock
from lms.audit.models import AuditEvent
from lms.auth.models import Role
from lms.extensions import db
from lms.oversight import standings
from tests.conftest import login, make_user


@pytest.fixture
def stood(world):
    """The world, with a hostile name in the first agency, and every standing computed."""
    hostile = make_user("hostile", Role.LEARNER, world.agency)
    hostile.name = '=HYPERLINK("http://evil.example","x")'
    standings.refresh(db.session, clock.today())
    db.session.commit()
    return world


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def _get(app, user, url):
    client = app.test_client()
    login(client, user)
    return client.get(url)


def test_state_wide_csv_holds_every_agency(app, stood):
    response = _get(app, stood.overseer, "/oversight/export.csv")
    assert response.is_streamed  # (reading the body below buffers it)
    rows = _csv(response)
    agencies = {r["Agency"] for r in rows}
    assert {stood.agency.name, stood.other_agency.name} <= agencies
    learners = {r["Learner"] for r in rows}
    assert {"Learner", "Fred", "Coordinator"} <= learners
    assert all(r["Status"] for r in rows)
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="harbor-compliance-state-')
    assert disposition.endswith(f'{clock.today().isoformat()}.csv"')


def test_hostile_names_are_escaped(app, stood):
    rows = _csv(_get(app, stood.admin, "/oversight/export.csv"))
    assert any(r["Learner"].startswith("'=HYPERLINK(") for r in rows)
    assert not any(v.startswith("=") for r in rows for v in r.values())


def test_state_wide_xlsx(app, stood):
    response = _get(app, stood.overseer, "/oversight/export.xlsx")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    assert response.mimetype.endswith("spreadsheetml.sheet")
    ws = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    head, *rows = list(ws.iter_rows(values_only=True))
    assert head[:3] == ("Learner", "Email", "Agency")
    assert {r[2] for r in rows} >= {stood.agency.name, stood.other_agency.name}
    assert len(rows) == len(_csv(_get(app, stood.overseer, "/oversight/export.csv")))


def test_filters_narrow_the_export(app, stood):
    url = f"/oversight/export.csv?agency={stood.other_agency.id}"
    rows = _csv(_get(app, stood.overseer, url))
    assert rows and {r["Agency"] for r in rows} == {stood.other_agency.name}
    rows = _csv(_get(app, stood.overseer, "/oversight/export.csv?region=Coastal&status=breach"))
    assert {r["Region"] for r in rows} <= {"Coastal"}
    assert {r["Status"] for r in rows} <= {"Overdue", "Expired"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("colour=red", "Unknown filter"),
        ("region=Atlantis", "No region called"),
        ("agency=999", "No agency with id"),
        ("status=fine", "No status called"),
    ],
)
@pytest.mark.parametrize("url", ["/oversight/export.csv", "/oversight/export.xlsx"])
def test_bad_filter_is_400_with_the_message(app, stood, url, query, message):
    response = _get(app, stood.overseer, f"{url}?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_coordinator_gets_only_their_agency(app, stood):
    rows = _csv(_get(app, stood.coordinator, "/agency/export.csv"))
    assert rows and {r["Agency"] for r in rows} == {stood.agency.name}
    assert "Fred" not in {r["Learner"] for r in rows}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_coordinator_naming_another_agency_gets_no_data(app, stood, kind):
    url = f"/agency/export.{kind}?agency={stood.other_agency.id}"
    response = _get(app, stood.coordinator, url)
    assert response.status_code == 400
    body = response.get_data()
    assert b"Fred" not in body and stood.other_agency.name.encode() not in body
    assert b"No agency with id" in body


def test_coordinator_filter_of_another_agencys_values_finds_nothing(app, stood):
    # Pine County exists state-wide, but not among the coordinator's allowed values.
    response = _get(app, stood.coordinator, "/agency/export.csv?county=Pine+County")
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["fred", "learner"])
@pytest.mark.parametrize(
    "url", ["/oversight/export.csv", "/agency/export.csv", "/agency/export.xlsx"]
)
def test_learners_are_refused(app, stood, who, url):
    assert _get(app, getattr(stood, who), url).status_code == 403


def test_oversight_uses_the_state_wide_route(app, stood):
    assert _get(app, stood.overseer, "/agency/export.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(app, stood):
    response = app.test_client().get("/oversight/export.csv")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_every_export_is_audited_before_streaming(app, stood):
    url = f"/agency/export.xlsx?discipline=law-enforcement&agency={stood.agency.id}"
    response = _get(app, stood.coordinator, url)
    assert response.status_code == 200
    # Committed before a single byte was read: the body has not been consumed yet.
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.xlsx")).one()
    assert event.actor_id == stood.coordinator.id
    assert event.subject == f"agency:{stood.agency.id}"
    assert event.data["filters"]["discipline"] == "law-enforcement"
    assert event.data["filters"]["agency"] == stood.agency.id
    assert event.data["format"] == "xlsx"
    assert event.data["rows"] == len(list(openpyxl.load_workbook(
        io.BytesIO(response.get_data())).active.iter_rows(min_row=2)))  # fmt: skip
    assert event.at is not None


def test_state_wide_audit_records_the_filters(app, stood):
    _csv(_get(app, stood.overseer, "/oversight/export.csv?status=overdue"))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.csv")).one()
    assert (event.actor_id, event.subject) == (stood.overseer.id, "state")
    assert event.data["filters"]["status"] == "overdue"
    assert event.data["scope"] == "state"


def test_refused_exports_are_not_audited(app, stood):
    _get(app, stood.overseer, "/oversight/export.csv?region=Atlantis")
    _get(app, stood.fred, "/oversight/export.csv")
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("export.%"))
    ).all()


def test_export_query_is_one_statement(app, stood, count_queries):
    from lms.oversight import export_queries
    from lms.oversight.filters import Filters

    with count_queries() as n:
        rows = list(export_queries.rows(db.session, Filters(), clock.today()))
    assert n[0] == 1
    assert len(rows) == export_queries.count(db.session, Filters(), clock.today())
    keys = [(r.agency is None, r.agency or "", r.learner) for r in rows]
    assert keys == sorted(keys)


def test_rows_are_streamed_from_the_database(app, stood):
    """yield_per: a server-side cursor on PostgreSQL, so rows are never all held at once."""
    from sqlalchemy import event

    from lms.oversight import export_queries
    from lms.oversight.filters import Filters

    cursors = []

    def before(_conn, cursor, *_args):
        cursors.append(type(cursor).__name__)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        stream = export_queries.streamed_rows(db.engine, Filters(), clock.today())
        first = next(stream)
        stream.close()  # an abandoned download: the stream's session is closed
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert first.requirement
    if db.engine.dialect.name == "postgresql":
        assert cursors == ["ServerCursor"]
