"""The annual report on a small world: aggregates, suppression in HTML/CSV/PDF, hash, audit."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import count

import pypdf
import pytest
from sqlalchemy import select, update

from lms import clock
from lms.assessments.models import Attempt, Quiz, QuizVersion
from lms.audit.models import AuditEvent
from lms.auth.models import Role, User
from lms.certificates.models import Certificate
from lms.courses.models import Course
from lms.extensions import db
from lms.oversight import annual, report, standings
from tests.conftest import login, make_user

YEAR = 2025
TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
_serials = count(1)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def certificate(
    user: User,
    issued: str,
    expires: str | None = None,
    cycle: int = 1,
    revoked: str | None = None,
) -> Certificate:
    """Store a certificate row directly (issuance has its own tests)."""
    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    n = next(_serials)
    cert = Certificate(
        serial=f"HBR-TEST-{n:06d}",
        code=f"CODE{n:012d}",
        credential_id=f"urn:uuid:test-{n}",
        user_id=user.id,
        course_id=course.id,
        cycle=cycle,
        issued_at=at(issued),
        expires_at=at(expires) if expires else None,
        learner_name=user.name,
        discipline_name=None,
        course_title=course.title,
        course_version=course.version,
        hours=Decimal("6"),
        requirements=[],
        status="revoked" if revoked else "active",
        status_changed_at=at(revoked) if revoked else None,
        status_list=1,
        status_index=n,
        pdf_sha256="0" * 64,
        credential={},
        credential_jwt="",
    )
    db.session.add(cert)
    return cert


def attempt(user: User, kind: str, score: Fraction, submitted: str) -> None:
    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == kind))
    version = db.session.scalar(select(QuizVersion.id).where(QuizVersion.quiz_id == quiz.id))
    when = at(submitted)
    db.session.add(
        Attempt(
            user_id=user.id,
            quiz_id=quiz.id,
            quiz_version_id=version,
            number=1,
            status="submitted",
            started_at=when - timedelta(minutes=10),
            submitted_at=when,
            score=score,
            passed=score >= Fraction(4, 5),
        )
    )


@pytest.fixture
def small_world(world):
    """15 people trained in 2025 (14 in law enforcement, Fred alone in juvenile justice), one
    certificate expired and one revoked in 2025, and others outside the year."""
    extra = [make_user(f"officer{i}", Role.LEARNER, world.agency) for i in range(12)]
    for user in (world.learner, *extra):
        certificate(user, "2025-03-01", "2027-03-01")
    certificate(world.fred, "2025-02-01", "2027-02-01")
    certificate(world.coordinator, "2025-05-01", "2027-05-01", revoked="2025-07-01")
    # Outside 2025 on every count but one: expired in 2025 (issued 2023).
    certificate(extra[0], "2023-06-01", "2025-06-01", cycle=0)
    certificate(extra[1], "2024-01-01", "2026-01-01", cycle=0, revoked="2026-01-05")
    certificate(extra[2], "2026-02-01", "2028-02-01", cycle=2)
    # Knowledge gain: twelve learners took the pre-test and the final in 2025.
    for user in (world.learner, *extra[:11]):
        attempt(user, "pretest", Fraction(1, 2), "2025-02-15")
        attempt(user, "final", Fraction(9, 10), "2025-02-20")
    db.session.execute(update(User).values(created_at=at("2024-01-01")))
    db.session.commit()
    return world


def params(today: date = TODAY) -> report.Parameters:
    start, end = annual.year_period(YEAR, today)
    return annual.parameters(start, end, today)


def title() -> str:
    return db.session.scalar(select(Course.title).where(Course.slug == "foundations"))


def table(built: report.Report, key: str) -> dict[str, list[str]]:
    found = next(t for s in built.sections for t in s.tables if t.key == key)
    rows = {r.label: [f.text for f in r.figures] for r in found.rows}
    if found.total:
        rows[found.total.label] = [f.text for f in found.total.figures]
    return rows


def test_aggregates_count_only_the_period(small_world):
    data = annual.gather(db.session, params())
    assert dict(data.trained_by_discipline)["Law enforcement"] == 14
    assert dict(data.trained_by_discipline)["Juvenile justice"] == 1
    assert dict(data.trained_by_agency_type) == {
        **{label: 0 for label, _ in data.trained_by_agency_type},
        "Law enforcement": 14,
        "Juvenile justice": 1,
    }
    assert dict(data.trained_by_region) == {"Coastal": 14, "Northern": 1}
    (foundations,) = data.certificates_by_course
    assert (foundations.issued, foundations.expired, foundations.revoked) == (15, 1, 1)
    (gain,) = data.gain_by_course
    assert gain.n == 12
    assert gain.pre_mean == pytest.approx(0.5) and gain.post_mean == pytest.approx(0.9)
    assert gain.normalised_gain == pytest.approx(0.8)


def test_the_current_year_stops_at_today(small_world):
    # Reporting 2025 "on" 2025-06-15: the revocation of 2025-07-01 has not happened yet.
    p = annual.parameters(date(2025, 1, 1), date(2025, 12, 31), date(2025, 6, 15))
    assert p.as_of == date(2025, 6, 15)
    (foundations,) = annual.gather(db.session, p).certificates_by_course
    assert (foundations.expired, foundations.revoked) == (1, 0)


def test_suppressed_tables(small_world):
    built = annual.annual_report(db.session, params(), NOW)
    assert table(built, "trained_by_region") == {
        "Coastal": [report.COMPLEMENT_TEXT],  # 14, hidden: 15 - 14 would give Fred's 1 away
        "Northern": ["<11"],
        "All": ["15"],
    }
    assert table(built, "certificates_by_course")[title()] == ["15", "<11", "<11"]
    assert table(built, "knowledge_gain_by_course")[title()] == [
        "12",
        "50.0%",
        "90.0%",
        "+40.0 points",
        "0.80",
    ]


def test_standings_as_of_a_past_day_agree_whenever_they_were_computed(small_world):
    """Standings computed on the period's last day, or recomputed later, give one answer."""
    standings.refresh(db.session, date(2025, 12, 31))
    in_sql = annual.gather(db.session, params())
    standings.refresh(db.session, TODAY)
    recomputed = annual.gather(db.session, params())
    assert in_sql.standing_by_requirement == recomputed.standing_by_requirement
    assert in_sql.standing_by_region == recomputed.standing_by_region
    covered = sum(r.met + r.pending + r.overdue for r in in_sql.standing_by_requirement)
    assert covered > 0


def test_statements_are_bounded(small_world, count_queries):
    standings.refresh(db.session, TODAY)
    with count_queries() as n:
        annual.gather(db.session, params())
    first = n[0]
    for i in range(20):
        certificate(make_user(f"more{i}", Role.LEARNER, small_world.agency), "2025-04-01")
    db.session.commit()
    standings.refresh(db.session, TODAY)
    with count_queries() as n:
        annual.gather(db.session, params())
    assert n[0] == first <= 20


def test_same_data_same_hash_changed_data_another(small_world):
    first = annual.annual_report(db.session, params(), NOW)
    again = annual.annual_report(db.session, params(), NOW + timedelta(hours=5))
    assert first.data_hash == again.data_hash
    certificate(small_world.admin, "2025-09-01")
    db.session.commit()
    changed = annual.annual_report(db.session, params(), NOW)
    assert changed.data_hash != first.data_hash


def test_csv_is_long_and_safe(small_world):
    built = annual.annual_report(db.session, params(), NOW)
    rows = list(csv.reader(io.StringIO(annual.csv_bytes(built).decode("utf-8-sig"))))
    assert rows[0] == ["section", "dimension", "value", "measure", "figure"]
    assert ["People trained", "Region", "Northern", "People trained", "<11"] in rows
    assert ["Report information", "Parameter", "Data hash (SHA-256)", "", built.data_hash] in rows
    gain = [r for r in rows if r[3] == "Mean gain" and r[2] == title()]
    assert gain == [["Knowledge gain", "Course", title(), "Mean gain", "'+40.0 points"]]


def test_pdf_renders_with_the_hash(small_world):
    built = annual.annual_report(db.session, params(), NOW)
    body = annual.pdf(built)
    assert body.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    assert built.data_hash in "".join(text.split())
    assert "<11" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in reader.trailer["/Root"]


# -- the web ------------------------------------------------------------------------------------


@pytest.fixture
def overseer_client(app, small_world, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    client = app.test_client()
    login(client, small_world.overseer)
    return client


def test_page_previews_the_last_full_year(overseer_client):
    response = overseer_client.get("/oversight/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Calendar year 2025" in html
    assert '<option value="2025" selected>' in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "&lt;11" in html and report.COMPLEMENT_TEXT in html
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.generate")
    ).all()


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=1999",
        "year=2027",
        "year=20255",
        "year=2025&year=2024",
        "year=2025&agency=1",
        "format=pdf",
    ],
)
def test_bad_parameters_are_400(overseer_client, query):
    for path in ("/oversight/report", "/oversight/report.pdf", "/oversight/report.csv"):
        response = overseer_client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.generate")
    ).all()


def test_a_bad_year_says_why(overseer_client):
    page = overseer_client.get("/oversight/report.csv?year=abc").get_data(as_text=True)
    assert "The year must be four digits" in page
    page = overseer_client.get("/oversight/report?year=2025&x=1").get_data(as_text=True)
    assert "Unknown parameter: x" in page


def test_downloads_are_audited(overseer_client, small_world):
    csv_response = overseer_client.get("/oversight/report.csv?year=2025")
    assert csv_response.status_code == 200
    assert csv_response.headers["Content-Disposition"] == (
        'attachment; filename="harbor-annual-report-2025.csv"'
    )
    assert "<11" in csv_response.get_data(as_text=True)
    pdf_response = overseer_client.get("/oversight/report.pdf?year=2025")
    assert pdf_response.status_code == 200 and pdf_response.data.startswith(b"%PDF")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.generate").order_by(AuditEvent.id)
    ).all()
    assert [e.data["format"] for e in events] == ["csv", "pdf"]
    expected = annual.annual_report(db.session, params(NOW.date()), NOW).data_hash
    for event in events:
        assert event.actor_id == small_world.overseer.id
        assert event.subject == "report:annual:2025-01-01:2025-12-31"
        assert event.data["data_hash"] == expected
        assert event.data["as_of"] == "2025-12-31" and event.data["threshold"] == 11


def test_cli_writes_both_files(app, small_world, tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    result = app.test_cli_runner().invoke(
        args=["report", "annual", "--year", "2025", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["harbor-annual-report-2025.csv", "harbor-annual-report-2025.pdf"]
    assert "Data hash: " in result.output
    bad = app.test_cli_runner().invoke(args=["report", "annual", "--year", "2031", "--out", "x"])
    assert bad.exit_code != 0 and "Choose a year" in bad.output
