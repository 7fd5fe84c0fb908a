"""People and organisations: agencies, disciplines, users, their sessions and login attempts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base


def _enum_check(column: str, enum: type[StrEnum]) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


class AgencyType(StrEnum):
    LAW_ENFORCEMENT = "law_enforcement"
    CHILD_WELFARE = "child_welfare"
    JUVENILE_JUSTICE = "juvenile_justice"
    HEALTH_CARE = "health_care"
    EDUCATION = "education"
    COMMUNITY_PROVIDER = "community_provider"
    ADVOCACY = "advocacy"
    COURT = "court"
    OVERSIGHT = "oversight"

    @property
    def label(self) -> str:
        """Return the human-readable name."""
        return self.value.replace("_", " ").capitalize()


class Role(StrEnum):
    LEARNER = "learner"
    COORDINATOR = "coordinator"  #: scoped to one agency
    OVERSEER = "overseer"  #: state-wide, read and oversight actions
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Return the human-readable name."""
        return self.value.capitalize()


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (_enum_check("type", AgencyType),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[AgencyType] = mapped_column(String(32))
    county: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)


class Discipline(Base):
    """A professional discipline; the list comes from ``content/disciplines.yml``."""

    __tablename__ = "disciplines"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: False once removed from content; rows stay because users reference them.
    active: Mapped[bool] = mapped_column(default=True)


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        _enum_check("role", Role),
        CheckConstraint(
            "role IN ('overseer', 'admin') OR agency_id IS NOT NULL", name="agency_required"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the unique index is the identity check.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(16), default=Role.LEARNER)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    discipline_id: Mapped[int | None] = mapped_column(ForeignKey("disciplines.id"), index=True)
    employment_start: Mapped[date | None]
    #: Accommodation: extra time on timed quizzes, as a percentage of the time limit.
    extra_time_percent: Mapped[int] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime | None]

    #: Loaded on first use: most pages never need them, and the user is loaded on every request.
    agency: Mapped[Agency | None] = relationship()
    discipline: Mapped[Discipline | None] = relationship()

    #: The raw token of the session making the current request (not a column).
    session_token = None  # type: str | None

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account cannot log in
        return self.active

    def get_id(self) -> str:
        """Return what Flask-Login keeps in the cookie: the session token, never the user id."""
        if not self.session_token:
            raise RuntimeError("no server-side session for this user")
        return self.session_token

    @property
    def is_staff(self) -> bool:
        """Return whether the user sees more than their own records."""
        return self.role != Role.LEARNER


class UserSession(Base):
    """A server-side login session: the cookie carries a token whose hash is stored here.

    Deleting the row (logout, password change, account disabled) makes a copied cookie useless.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class LoginAttempt(Base):
    """One login attempt, kept for throttling (ASVS 6.3.1) and the authentication log."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool]
