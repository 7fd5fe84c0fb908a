"""Migrations build the schema from empty, and the models have not drifted from them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import lms.models  # noqa: F401
from lms import create_app, migrate
from lms.db import Base
from tests.conftest import PG_URL, app_config


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """An empty database of the backend under test: a SQLite file, or a new PostgreSQL db."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"harbor_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_to_head_has_no_drift(empty_database_url):
    app = create_app(app_config(DATABASE_URL=empty_database_url))
    migrate.upgrade(app)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        assert diff == [], diff
        assert set(inspect(conn).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()


def test_downgrade_to_base_and_back(empty_database_url):
    app = create_app(app_config(DATABASE_URL=empty_database_url))
    migrate.upgrade(app)
    migrate.downgrade(app, "base")
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(app)


def test_0008_fills_learner_standings_from_the_stored_standings(empty_database_url):
    """Upgrading a database that has standings computes each learner's combined snapshot, in
    SQL, exactly as the pure core does (and `lms compliance check` then finds nothing)."""
    from datetime import UTC, date, datetime

    from sqlalchemy.orm import Session

    from lms.auth.models import Agency, AgencyType, Role, User
    from lms.oversight.models import LearnerStanding, Requirement, Standing

    app = create_app(app_config(DATABASE_URL=empty_database_url))
    migrate.upgrade(app, "0007")
    engine = create_engine(empty_database_url)
    never, ever = date.max, date.min
    d = date(2027, 1, 10)
    snaps = {  # user -> [(due_on, lapses_on, busy_until) per requirement]
        1: [(d, None, None), (date(2026, 12, 1), date(2026, 10, 1), None)],
        2: [(None, never, None), (date(2028, 5, 1), date(2028, 5, 2), never)],
        3: [(date(2027, 9, 1), None, date(2027, 2, 1))],
    }
    with Session(engine) as session:
        agency = Agency(name="A", type=AgencyType.HEALTH_CARE, county="C", region="R")
        session.add(agency)
        session.flush()
        now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
        for uid in snaps:
            session.add(User(id=uid, email=f"u{uid}@example.org", name=f"U{uid}",
                             password_hash="!", role=Role.LEARNER, agency_id=agency.id,
                             created_at=now))  # fmt: skip
        for rid in (1, 2):
            session.add(Requirement(id=rid, key=f"r{rid}", name="R", citation="EXAMPLE",
                                    disciplines=[], agency_types=["health_care"], courses=["a"],
                                    initial_deadline_days=1, effective_date=d,
                                    existing_staff_deadline_days=1, renewal_months=None,
                                    content_hash="x", synced_at=now))  # fmt: skip
        session.flush()
        for uid, rows in snaps.items():
            for rid, (due, lapses, busy) in enumerate(rows, 1):
                session.add(Standing(user_id=uid, requirement_id=rid, agency_id=agency.id,
                                     due_on=due, lapses_on=lapses, busy_until=busy,
                                     computed_on=date(2026, 12, 5)))  # fmt: skip
        session.commit()
    migrate.upgrade(app)
    from lms.oversight.compliance import Snapshot
    from lms.oversight.urgency import learner_snapshot

    with Session(engine) as session:
        for uid, rows in snaps.items():
            row = session.get(LearnerStanding, uid)
            expected = learner_snapshot(Snapshot(*r) for r in rows)
            got = (row.due_on, row.overdue_after, row.idle_from, row.unmet_from)
            assert got == (expected.due_on, expected.overdue_after, expected.idle_from,
                           expected.unmet_from), uid  # fmt: skip
    assert ever < d < never
    engine.dispose()
