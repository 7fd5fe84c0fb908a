"""Flask-Login wiring over server-side sessions.

The Flask cookie carries only a random token; its hash is looked up in ``user_sessions``
on each request. Logout or a password change deletes the row, so a copied cookie stops
working at once (ASVS 7.4.1). Remember-me cookies are not used.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, request, session
from flask_login import login_user, logout_user

from lms import clock
from lms.auth import services
from lms.auth.models import User
from lms.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Configure Flask-Login for token sessions."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session is the protection
    login_manager.user_loader(_load)


def _load(token: str) -> User | None:
    config = current_app.config
    user = services.resolve_session(
        db.session,
        token,
        clock.now(),
        idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
        absolute=timedelta(hours=int(config["SESSION_ABSOLUTE_HOURS"])),
    )
    if db.session.info.pop("session_touched", False):
        db.session.commit()  # last_seen_at, or an expired session; nothing else is pending yet
    if user is not None:
        user.session_token = token  # type: ignore[attr-defined]
    return user


def client_address() -> str:
    """Return the client's address (ProxyFix sets it from X-Forwarded-For when trusted)."""
    return request.remote_addr or "unknown"


def sign_in(user: User) -> None:
    """Open a server-side session for ``user`` and bind it to a fresh cookie session."""
    token = services.start_session(
        db.session, user, clock.now(), client_address(), request.user_agent.string
    )
    session.clear()  # a new session identifier on login (no fixation); new CSRF secret too
    session.permanent = True
    user.session_token = token  # type: ignore[attr-defined]
    login_user(user)


def sign_out(user: User) -> None:
    """End the current session on the server and clear the cookie."""
    token = getattr(user, "session_token", None)
    if token:
        services.end_session(db.session, token)
    logout_user()
    session.clear()
