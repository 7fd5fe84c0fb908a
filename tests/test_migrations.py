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
