"""``lms demo generate``: a realistic, deterministic state-wide population, inserted in bulk."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from lms import clock, demo_generate
from lms.assessments.statistics import gain_pairs
from lms.auth.models import Agency, AgencyType, Discipline, Role, User
from lms.auth.passwords import Hasher
from lms.certificates import queries
from lms.certificates.models import Certificate
from lms.courses.models import Course, Enrollment, ModuleProgress
from lms.courses.services import sync_content
from lms.demo_generate import CERT_STATES, generate, load_catalogue
from lms.demo_plan import (
    DISCIPLINES_BY_TYPE,
    UNUSABLE_PASSWORD,
    Batch,
    Planner,
    plan_agencies,
    share_out,
)
from lms.extensions import db
from lms.oversight import standings
from lms.oversight.models import ExternalCredit, Standing
from tests.conftest import csrf_token, curriculum, login, make_user

LEARNERS = 300


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def synced(app):
    sync_content(db.session, curriculum(), clock.now())
    db.session.commit()
    return app


@pytest.fixture
def population(synced):
    summary = generate(db.session, LEARNERS, 11, clock.now())
    db.session.commit()
    return summary


def test_counts_and_every_certificate_state(population):
    people = Counter(db.session.scalars(select(User.role)))
    agencies = db.session.scalar(select(func.count()).select_from(Agency))
    assert people[Role.LEARNER] == LEARNERS
    assert people[Role.COORDINATOR] == agencies == population.agencies
    assert {AgencyType(t) for t in db.session.scalars(select(Agency.type))} == set(
        DISCIPLINES_BY_TYPE
    )
    assert all(population.certificates[state] > 0 for state in CERT_STATES), population
    certs = db.session.scalar(select(func.count()).select_from(Certificate))
    assert certs == population.rows["certificates"] == sum(population.certificates.values())
    assert set(db.session.scalars(select(ExternalCredit.status))) == {
        "approved",
        "pending",
        "rejected",
    }
    assert db.session.scalar(select(func.count()).select_from(Enrollment)) > LEARNERS
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) > LEARNERS
    assert "Elapsed" in population.lines()[-1]


def test_certificates_are_consistent(population):
    now = clock.now()
    rows = db.session.scalars(select(Certificate)).all()
    assert all(re.fullmatch(r"HBR-\d{4}-\d{6,}", c.serial) for c in rows)
    assert len({c.serial for c in rows}) == len({c.code for c in rows}) == len(rows)
    assert len({(c.status_list, c.status_index) for c in rows}) == len(rows)
    by_id = {c.id: c for c in rows}
    for cert in rows:
        assert cert.expires_at is not None and cert.issued_at < cert.expires_at
        assert cert.issued_at <= now and cert.score >= cert.pass_mark
        if cert.superseded_by_id:
            newer = by_id[cert.superseded_by_id]
            assert (newer.user_id, newer.course_id, newer.cycle) == (
                cert.user_id,
                cert.course_id,
                cert.cycle + 1,
            )
            assert newer.issued_at > cert.issued_at
    assert any(c.expires_at < now for c in rows)
    assert {c.status for c in rows} == {"active", "revoked", "suspended"}


def test_disciplines_fit_agency_types_and_start_dates_spread(population):
    rows = db.session.execute(
        select(Agency.type, Discipline.slug, User.employment_start)
        .join(User, User.agency_id == Agency.id)
        .join(Discipline, Discipline.id == User.discipline_id)
    ).all()
    assert len(rows) > LEARNERS * 0.9
    for kind, slug, _start in rows:
        assert slug in dict(DISCIPLINES_BY_TYPE[AgencyType(kind)]), (kind, slug)
    starts = [s for _, _, s in rows if s is not None]
    effective = min(r.effective_date for r in load_catalogue(db.session).requirements)
    assert any(s >= effective for s in starts) and any(s.year < effective.year - 5 for s in starts)


def test_knowledge_gain_can_be_reported(population):
    foundations = db.session.scalar(select(Course.id).where(Course.slug == "foundations"))
    pairs = gain_pairs(db.session, foundations)
    assert len(pairs) >= 10
    pre = sum(p for p, _ in pairs) / len(pairs)
    post = sum(q for _, q in pairs) / len(pairs)
    assert post > pre


def test_standings_are_rebuilt_and_in_step(population):
    count = db.session.scalar(select(func.count()).select_from(Standing))
    assert count == population.standings > LEARNERS
    assert standings.check(db.session, clock.today()) == []


def test_generated_accounts_cannot_sign_in(population, client):
    email = db.session.scalar(select(User.email).where(User.role == Role.LEARNER).limit(1))
    usable = select(func.count()).where(User.password_hash != UNUSABLE_PASSWORD)
    assert db.session.scalar(usable) == 0
    assert not Hasher(1, 1024, 1).verify(UNUSABLE_PASSWORD, "")
    response = client.post(
        "/login",
        data={"email": email, "password": "", "csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code != 302
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": UNUSABLE_PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.status_code != 302


def test_a_generated_certificate_verifies_publicly(population, client):
    cert = db.session.scalar(select(Certificate).where(Certificate.status == "revoked").limit(1))
    response = client.get(f"/verify/{cert.code}.json")
    assert response.status_code == 200
    assert response.get_json()["status"] == "revoked"
    # No PDF was rendered: the download view finds no stored file and answers 404.
    assert queries.own_pdf(db.session, cert.serial, cert.user_id) is None


def test_planning_is_deterministic_for_a_seed(synced):
    catalogue = load_catalogue(db.session)
    today = clock.today()

    def plan(seed: int) -> tuple[list, Batch]:
        rng = random.Random(seed)
        agencies = plan_agencies(rng, 12, ())
        planner = Planner(rng, catalogue, today, {"users": 1, "certificates": 1, "status_list": 1})
        batch = Batch()
        for index, agency in enumerate(agencies):
            for _ in range(20):
                planner.person(batch, Role.LEARNER, index + 1, agency)
        return agencies, batch

    assert plan(3) == plan(3)
    assert plan(3) != plan(4)
    assert len({a.name for a in plan(3)[0]}) == 12


def test_small_chunks_give_the_same_population(synced, monkeypatch):
    monkeypatch.setattr(demo_generate, "CHUNK_PEOPLE", 40)  # many chunks
    summary = generate(db.session, 150, 11, clock.now())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(User)) == sum(summary.people.values())
    assert summary.people[Role.LEARNER] == 150
    assert standings.check(db.session, clock.today()) == []


def test_share_out_sums_exactly():
    assert sum(share_out(1000, [0.3, 1.7, 2.2, 0.01])) == 1000
    assert share_out(10, [1, 1]) == [5, 5]


def test_cli_generates_then_refuses_a_second_run(synced):
    first = run(synced, "demo", "generate", "--learners", "40", "--seed", "2")
    assert first.exit_code == 0, first.output
    assert "certificates" in first.output and "standings" in first.output
    users = db.session.scalar(select(func.count()).select_from(User))
    second = run(synced, "demo", "generate", "--learners", "40")
    assert second.exit_code == 1
    assert "already holds a generated population" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_cli_requires_synced_content(app):
    result = run(app, "demo", "generate", "--learners", "10")
    assert result.exit_code == 1
    assert "lms content sync" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_generates_beside_existing_data(world, client):
    sync_content(db.session, curriculum(), clock.now())
    db.session.commit()
    generate(db.session, 120, 1, clock.now())
    db.session.commit()
    names = list(db.session.scalars(select(Agency.name)))
    assert len(names) == len(set(names))
    later = make_user("later", Role.LEARNER, world.agency)  # ids continue after the explicit ones
    db.session.commit()
    assert later.id > db.session.scalar(
        select(func.max(User.id)).where(User.email.like("%.demo.invalid"))
    )
    login(client, world.overseer)
    queue = client.get("/oversight/credits")  # pending generated credits wait for a decision
    assert queue.status_code == 200
    pending = db.session.scalar(
        select(ExternalCredit.title).where(ExternalCredit.status == "pending")
    )
    assert pending in queue.get_data(as_text=True)
