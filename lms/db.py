"""Declarative base, column types and the per-app database handle.

Flask-SQLAlchemy is not used: a small handle (engine + scoped session bound to the app
context) is all the app needs, and it keeps SQLAlchemy 2.0's typed API unwrapped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class FractionType(TypeDecorator[Fraction]):
    """An exact fraction stored as text ("3/4"), so scores never round at the pass mark."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Fraction | None, dialect: Any) -> str | None:
        return None if value is None else str(Fraction(value))

    def process_result_value(self, value: str | None, dialect: Any) -> Fraction | None:
        return None if value is None else Fraction(value)


class Base(DeclarativeBase):
    """Base of every model; constraint names follow one convention so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Fraction: FractionType()}


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys on, and in-memory SQLite a single connection."""
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"check_same_thread": False}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Write-ahead logging: readers never block the writer (in the default rollback journal,
    # every page view's read lock holds up a quiz submission's commit), and a commit costs one
    # fsync instead of several. synchronous stays FULL: a committed answer survives a crash.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Database:
    """Per-app engine and session factory; one session per application context (in ``g``)."""

    def init_app(self, app: Flask) -> None:
        """Bind to ``app``'s ``DATABASE_URL`` and close the context's session at teardown."""
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["lms.db"] = sessionmaker(engine, expire_on_commit=False)
        app.teardown_appcontext(_close_session)

    @staticmethod
    def engine_for(app: Flask) -> Engine:
        """Return ``app``'s engine."""
        bind = app.extensions["lms.db"].kw["bind"]
        assert isinstance(bind, Engine)
        return bind

    @property
    def engine(self) -> Engine:
        """Return the current app's engine."""
        return self.engine_for(current_app)

    @property
    def session(self) -> Session:
        """Return the session of the current application context, opening it on first use."""
        session: Session | None = g.get("_lms_session")
        if session is None:
            session = current_app.extensions["lms.db"]()
            g._lms_session = session
        return session


def _close_session(_exc: BaseException | None) -> None:
    session: Session | None = g.pop("_lms_session", None)
    if session is not None:
        session.close()
