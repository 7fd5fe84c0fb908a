"""Account services: registration, authentication, server-side sessions, password changes.

Services take the session first, change objects and flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state

from lms.auth.models import Agency, Discipline, LoginAttempt, Role, User, UserSession
from lms.auth.passwords import Hasher
from lms.auth.throttle import Limits, Throttle, decide


class AccountError(Exception):
    """A request about an account that cannot be honoured; the message is safe to show."""


class EmailTaken(AccountError):
    pass


class Throttled(AccountError):
    def __init__(self, retry_after: timedelta) -> None:
        minutes = max(1, round(retry_after.total_seconds() / 60))
        super().__init__(
            f"Too many unsuccessful sign-in attempts. Please wait {minutes} minute"
            f"{'s' if minutes != 1 else ''} and try again, or reset your password."
        )
        self.retry_after = retry_after


@cache
def _dummy_hash(hasher: Hasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    """Return the canonical form of an email address (trimmed, lower-case)."""
    return email.strip().lower()


def token_hash(token: str) -> str:
    """Return the stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewUser:
    name: str
    email: str
    password: str
    agency_id: int | None
    discipline_id: int | None
    employment_start: date | None
    role: Role = Role.LEARNER


def create_user(db: Session, new: NewUser, hasher: Hasher, now: datetime) -> User:
    """Create an account; raise ``EmailTaken`` if the email is in use."""
    email = normalise_email(new.email)
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken("An account with this email address already exists.")
    user = User(
        name=new.name.strip(),
        email=email,
        password_hash=hasher.hash(new.password),
        role=new.role,
        agency_id=new.agency_id,
        discipline_id=new.discipline_id,
        employment_start=new.employment_start,
        created_at=now,
        password_changed_at=now,
    )
    db.add(user)
    db.flush()
    from lms.oversight.standings import refresh_learner  # oversight builds on auth

    refresh_learner(db, user.id, now)  # a new learner is due from their start date
    return user


def authenticate(
    db: Session,
    email: str,
    password: str,
    address: str,
    hasher: Hasher,
    limits: Limits,
    now: datetime,
) -> User | None:
    """Check a login, record the attempt, and return the user or None.

    Raises ``Throttled`` (before checking the password) when recent failures reach a limit.
    """
    email = normalise_email(email)
    since = now - limits.window
    account = db.scalars(
        select(LoginAttempt.at).where(
            LoginAttempt.email == email, LoginAttempt.at > since, ~LoginAttempt.succeeded
        )
    ).all()
    by_address = db.scalars(
        select(LoginAttempt.at).where(
            LoginAttempt.address == address, LoginAttempt.at > since, ~LoginAttempt.succeeded
        )
    ).all()
    verdict: Throttle = decide(list(account), list(by_address), now, limits)
    if not verdict.allowed:
        raise Throttled(verdict.retry_after)
    user = db.scalar(select(User).where(User.email == email))
    # An unknown email is checked against a throwaway hash so that it takes as long as a
    # wrong password (no account enumeration by timing).
    ok = hasher.verify(user.password_hash if user else _dummy_hash(hasher), password)
    ok = ok and user is not None and user.active
    db.add(LoginAttempt(email=email[:254], address=address[:64], at=now, succeeded=ok))
    if not ok or user is None:
        db.flush()
        return None
    if hasher.needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    db.flush()
    return user


def start_session(db: Session, user: User, now: datetime, address: str, agent: str) -> str:
    """Open a server-side session for ``user`` and return its token (for the cookie)."""
    token = secrets.token_urlsafe(32)
    db.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            address=address[:64],
            user_agent=agent[:200],
        )
    )
    db.flush()
    return token


@cache
def _session_lookup() -> tuple[Any, tuple[str, ...]]:
    """Build, once, the statement behind every signed-in request: the session row's
    timestamps and every column of its user, as plain columns (with the users' attribute
    names, in order)."""
    columns = User.__mapper__.column_attrs
    statement = (
        select(
            UserSession.id,
            UserSession.created_at,
            UserSession.last_seen_at,
            *(attribute.columns[0] for attribute in columns),
        )
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"))
    )
    return statement, tuple(attribute.key for attribute in columns)


def _persistent_user(db: Session, values: dict[str, Any]) -> User:
    """Return the ``User`` of a row as the ORM would load it, without the ORM's query path.

    The instance is persistent in ``db`` with the row as its loaded state (no history,
    relationships loaded on first use, changes flushed as usual): what ``Session.execute``
    of ``select(User)`` returns, at a fraction of its cost. An instance already in the
    identity map is returned as is, as a query would.
    """
    mapper = User.__mapper__
    existing = db.identity_map.get(mapper.identity_key_from_primary_key((values["id"],)))
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    user: User = mapper.class_manager.new_instance()
    instance_state(user).dict.update(values)
    make_transient_to_detached(user)  # history reset, identity key set: "as if loaded"
    db.add(user)  # attached as persistent; nothing to flush
    return user


def resolve_session(
    db: Session, token: str, now: datetime, idle: timedelta, absolute: timedelta
) -> User | None:
    """Return the user of a live session token; end it if idle or too old.

    Writes only when the session ends or its last activity is more than a minute old, so
    most page views cost no write; ``db.info["session_touched"]`` tells the caller to commit.

    This runs on every signed-in request, so the look-up is one prebuilt statement of plain
    columns on the session's connection, and the user is made from its row (see
    ``_persistent_user``); the ORM's per-statement work would cost more than the statement.
    """
    statement, keys = _session_lookup()
    if db.autoflush:
        db.flush()  # what a query's autoflush would do; nothing to do on a clean session
    row = db.connection().execute(statement, {"token_hash": token_hash(token)}).first()
    if row is None:
        return None
    session_id, created_at, last_seen_at = row[:3]
    user = _persistent_user(db, dict(zip(keys, row[3:], strict=True)))
    if now - last_seen_at > idle or now - created_at > absolute or not user.active:
        db.execute(delete(UserSession).where(UserSession.id == session_id))
        db.info["session_touched"] = True
        return None
    # Record activity at most once a minute: a write per page view would cost more than it tells.
    if now - last_seen_at > timedelta(minutes=1):
        db.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))
        db.info["session_touched"] = True
    return user


def end_session(db: Session, token: str) -> None:
    """End one session (logout)."""
    db.execute(delete(UserSession).where(UserSession.token_hash == token_hash(token)))


def end_all_sessions(db: Session, user_id: int, keep_token: str | None = None) -> int:
    """End every session of a user, except ``keep_token``'s; return how many ended."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != token_hash(keep_token))
    return db.execute(stmt).rowcount or 0


def set_password(db: Session, user: User, password: str, hasher: Hasher, now: datetime) -> None:
    """Replace a password and end all of the user's sessions."""
    user.password_hash = hasher.hash(password)
    user.password_changed_at = now
    end_all_sessions(db, user.id)
    db.flush()


def set_role(
    db: Session,
    user: User,
    role: Role,
    agency: Agency | None = None,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> None:
    """Give ``user`` a role (coordinators need an agency; their sessions are ended).

    A change of role or agency is recorded in the audit trail as ``user.role``, by
    ``actor_id`` (None: the system, such as the command line) at ``now`` (default: the clock).
    """
    from lms import clock
    from lms.audit import services as audit

    if role == Role.COORDINATOR and (agency or user.agency) is None:
        raise AccountError("A coordinator must belong to an agency.")
    before_role, before_agency = Role(user.role), user.agency
    if agency is not None:
        user.agency = agency
    user.role = role
    end_all_sessions(db, user.id)
    agency_changed = agency is not None and agency is not before_agency
    if before_role != role or agency_changed:
        data: dict[str, str | None] = {
            "email": user.email,
            "from": before_role.value,
            "to": role.value,
        }
        if agency_changed:
            data["agency_from"] = before_agency.name if before_agency else None
            data["agency_to"] = agency.name if agency else None
        audit.record(db, "user.role", f"user:{user.id}", data, now or clock.now(), actor_id)
    db.flush()
    if agency_changed:  # requirements may cover agency types, and dashboards count by agency
        from lms.oversight.standings import refresh_learner

        refresh_learner(db, user.id, now or clock.now())


# Password reset tokens: signed, expiring, and bound to the current password hash so that
# a token stops working once it has been used (the hash changes) or the password changed.

_RESET_SALT = "harbor.password-reset"


def reset_token(secret: str, user: User) -> str:
    """Return a signed password-reset token for ``user``."""
    return URLSafeTimedSerializer(secret, salt=_RESET_SALT).dumps(
        {"u": user.id, "h": hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]}
    )


def user_for_reset_token(db: Session, secret: str, token: str, max_age: int) -> User | None:
    """Return the user a reset token is for, or None if it is invalid, expired or used."""
    try:
        data = URLSafeTimedSerializer(secret, salt=_RESET_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = db.get(User, data["u"])
    if user is None or not user.active:
        return None
    expected = hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]
    return user if secrets.compare_digest(expected, str(data.get("h"))) else None


def lookup_choices(db: Session) -> tuple[list[Agency], list[Discipline]]:
    """Return the active agencies and disciplines, for registration and profile forms."""
    agencies = db.scalars(select(Agency).where(Agency.active).order_by(Agency.name)).all()
    disciplines = db.scalars(
        select(Discipline).where(Discipline.active).order_by(Discipline.name)
    ).all()
    return list(agencies), list(disciplines)
