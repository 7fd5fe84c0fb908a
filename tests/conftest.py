"""Shared fixtures: an app per test on in-memory SQLite (or PostgreSQL when
``LMS_TEST_DATABASE_URL`` is set), the real curriculum synced, and personas of every role."""

from __future__ import annotations

import contextvars
import dataclasses
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text

from lms import clock, create_app
from lms.auth import services as auth_services
from lms.auth.models import Agency, AgencyType, Role, User
from lms.auth.passwords import Hasher
from lms.certificates import signing
from lms.courses.loader import load_tree
from lms.courses.services import sync_content
from lms.courses.spec import ContentTree
from lms.db import Base
from lms.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"
#: One signing key per test run (the generated-on-first-run path has its own test).
TEST_SIGNING_KEY = signing.private_key_pem(signing.generate_key()).decode()
#: Cheap hashing in tests; the production parameters have their own test.
TEST_HASHER = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 1}


def app_config(**extra: object) -> dict[str, object]:
    """Return the configuration used by test apps."""
    config: dict[str, object] = {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": PG_URL or "sqlite://",
        "CONTENT_DIR": str(CONTENT),
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "harbor_session",
        "PREFERRED_URL_SCHEME": "http",  # the test client's scheme; HTTPS has its own tests
        "SIGNING_KEY": TEST_SIGNING_KEY,
        "PUBLIC_BASE_URL": "https://harbor.example.gov",
        **TEST_HASHER,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def _pg_schema() -> Iterator[None]:
    """On PostgreSQL, build the schema once per run (tests then truncate)."""
    if PG_URL:
        app = create_app(app_config())
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            import lms.models  # noqa: F401

            Base.metadata.create_all(db.engine)
            db.engine.dispose()
    yield


@pytest.fixture
def app(_pg_schema: None) -> Iterator[Flask]:
    """Return a fresh app with an empty schema."""
    app = create_app(app_config())
    app.test_client_class = IsolatedClient
    with app.app_context():
        import lms.models  # noqa: F401

        if not PG_URL:
            Base.metadata.create_all(db.engine)
        yield app
        db.session.rollback()
        db.session.close()
        if PG_URL:
            tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own application context.

    The ``app`` fixture keeps a context pushed for direct database access; without this,
    requests would share its ``g`` (and so its session and Flask-Login's cached user).
    After each request the test's own session is expired, so it reads what the request wrote.
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@cache
def curriculum() -> ContentTree:
    """Return the shipped curriculum, loaded once per test run (the loader is pure)."""
    return load_tree(CONTENT)


@cache
def foundations_tree() -> ContentTree:
    """Return the curriculum with only the Foundations course: what most tests need, fast."""
    tree = curriculum()
    return dataclasses.replace(
        tree, courses=tuple(c for c in tree.courses if c.slug == "foundations")
    )


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    learner: User
    coordinator: User
    overseer: User
    admin: User
    fred: User  #: a learner of another agency, trying to see what he should not

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = ["anonymous", "learner", "coordinator", "overseer", "admin", "fred"]


def make_user(
    name: str, role: Role, agency: Agency | None, discipline_slug: str | None = "law-enforcement"
) -> User:
    """Create a user with the shared test password."""
    from sqlalchemy import select

    from lms.auth.models import Discipline

    discipline = (
        db.session.scalar(select(Discipline).where(Discipline.slug == discipline_slug))
        if discipline_slug
        else None
    )
    hasher = Hasher(1, 1024, 1)
    new = auth_services.NewUser(
        name.title(),
        f"{name}@example.org",
        PASSWORD,
        agency.id if agency else None,
        discipline.id if discipline else None,
        date(2025, 1, 6),
        role,
    )
    return auth_services.create_user(db.session, new, hasher, clock.now())


@pytest.fixture
def world(app: Flask) -> World:
    """Sync the real curriculum and create two agencies and a persona of every role."""
    sync_content(db.session, foundations_tree(), clock.now())
    agency = Agency(
        name="Harbor City Police Department",
        type=AgencyType.LAW_ENFORCEMENT,
        county="Harbor County",
        region="Coastal",
    )
    other = Agency(
        name="Pine County Juvenile Probation",
        type=AgencyType.JUVENILE_JUSTICE,
        county="Pine County",
        region="Northern",
    )
    db.session.add_all([agency, other])
    db.session.flush()
    w = World(
        agency,
        other,
        learner=make_user("learner", Role.LEARNER, agency),
        coordinator=make_user("coordinator", Role.COORDINATOR, agency),
        overseer=make_user("overseer", Role.OVERSEER, None, "leadership"),
        admin=make_user("admin", Role.ADMIN, None, None),
        fred=make_user("fred", Role.LEARNER, other, "juvenile-justice"),
    )
    db.session.commit()
    return w


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client: FlaskClient, page: str = "/support") -> str:
    """Return a CSRF token for ``client``'s session, read from a page that carries one."""
    for url in (page, "/account", "/login"):
        match = _CSRF.search(client.get(url).get_data(as_text=True))
        if match:
            return match.group(1) or match.group(2)
    raise AssertionError("no page with a CSRF token")


def post(client: FlaskClient, url: str, data: dict[str, str] | None = None, **kwargs: object):
    """POST a form with a valid CSRF token, as a browser would."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def login(client: FlaskClient, user: User | None, password: str = PASSWORD) -> None:
    """Sign ``user`` in through the real login form (no-op for anonymous)."""
    if user is None:
        return
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": password,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def count_queries(app: Flask):
    """Count SQL statements run inside a ``with count_queries() as n:`` block (``n[0]``)."""
    from contextlib import contextmanager

    @contextmanager
    def counter() -> Iterator[list[int]]:
        count = [0]

        def before(*_args: object) -> None:
            count[0] += 1

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield count
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter
