"""Registration, sign-in, throttling, sessions, password reset and change, over HTTP."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.auth.models import LoginAttempt, User, UserSession
from lms.extensions import db
from tests.conftest import PASSWORD, csrf_token, login, post


def _registration(world, **changes):
    form = {
        "name": "Dana Brooks",
        "email": "Dana.Brooks@Example.org ",
        "agency": str(world.agency.id),
        "discipline": str(world.learner.discipline_id),
        "employment_start": "2024-03-15",
        "password": "tidal harbor lantern 42",
        "confirm": "tidal harbor lantern 42",
    }
    form.update(changes)
    return form


def test_register_creates_account_and_signs_in(client, world):
    response = post(client, "/register", _registration(world))
    assert response.status_code == 302 and response.headers["Location"] == "/courses"
    user = db.session.scalar(select(User).where(User.email == "dana.brooks@example.org"))
    assert user is not None and user.agency_id == world.agency.id
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/courses").status_code == 200


def test_register_field_errors_keep_the_form(client, world):
    cases = {
        "email": ("not-an-email", "Invalid email"),
        "password": ("short", "at least 12"),
        "confirm": ("something else entirely", "do not match"),
        "employment_start": ("2999-01-01", "future"),
        "agency": ("999999", "Choose your agency"),
        "discipline": ("0", "Choose your discipline"),
        "name": ("", "This field is required"),
    }
    for field, (value, message) in cases.items():
        response = post(client, "/register", _registration(world, **{field: value}))
        body = response.get_data(as_text=True)
        assert response.status_code == 200, field
        assert message in body, (field, body[:2000])
        assert 'aria-invalid="true"' in body
        assert "Dana Brooks" in body or field == "name"  # what was typed is kept
    assert db.session.scalar(select(func.count(User.id))) == 5  # only the personas


def test_register_rejects_a_non_numeric_choice(client, world):
    response = post(client, "/register", _registration(world, agency="'; DROP TABLE users"))
    assert response.status_code == 200
    assert "Choose your agency from the list" in response.get_data(as_text=True)


def test_register_duplicate_email(client, world):
    response = post(client, "/register", _registration(world, email="LEARNER@example.org"))
    assert "already exists" in response.get_data(as_text=True)


def test_login_wrong_password_is_a_clear_message(client, world):
    response = post(client, "/login", {"email": world.learner.email, "password": "nope nope nope"})
    assert response.status_code == 200
    assert "do not match an account" in response.get_data(as_text=True)


def test_unknown_and_wrong_answers_are_identical(client, world):
    a = post(client, "/login", {"email": "nobody@example.org", "password": "whatever it is"})
    b = post(client, "/login", {"email": world.learner.email, "password": "whatever it is"})
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", a.get_data(as_text=True)) == strip.sub("", b.get_data(as_text=True))


def test_login_is_throttled_per_account(app, client, world):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        post(client, "/login", {"email": world.learner.email, "password": "wrong wrong wrong"})
    response = post(client, "/login", {"email": world.learner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Please wait" in response.get_data(as_text=True)
    # The right password does not get through while locked, and the attempt is not counted.
    assert client.get("/courses").status_code == 302
    failures = db.session.scalar(select(func.count(LoginAttempt.id)).where(~LoginAttempt.succeeded))
    assert failures == limit
    # Another account from the same address is unaffected below the address limit.
    other = app.test_client()
    login(other, world.fred)


def test_login_redirects_only_to_local_paths(client, world):
    for target, expected in [
        ("/courses/foundations", "/courses/foundations"),
        ("https://evil.example/", "/courses"),
        ("//evil.example/", "/courses"),
        ("/\\evil.example", "/courses"),
    ]:
        fresh = client.application.test_client()
        token = csrf_token(fresh, "/login")
        response = fresh.post(
            f"/login?next={target}",
            data={"email": world.learner.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == expected


def test_forms_need_a_csrf_token(client, world):
    response = client.post("/login", data={"email": world.learner.email, "password": PASSWORD})
    assert response.status_code == 400
    login(client, world.learner)
    assert client.post("/logout").status_code == 400
    assert client.get("/courses").status_code == 200  # still signed in


def test_logout_invalidates_a_copied_cookie(app, client, world):
    login(client, world.learner)
    cookie = client.get_cookie("harbor_session").value
    thief = app.test_client()
    thief.set_cookie("harbor_session", cookie)
    assert thief.get("/courses").status_code == 200  # the copy works while the session lives
    post(client, "/logout")
    assert client.get("/courses").status_code == 302
    assert thief.get("/courses").status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_password_change_ends_other_sessions(app, client, world):
    login(client, world.learner)
    elsewhere = app.test_client()
    login(elsewhere, world.learner)
    response = post(
        client,
        "/account",
        {
            "current": PASSWORD,
            "password": "new tidal lantern phrase",
            "confirm": "new tidal lantern phrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/courses").status_code == 200  # this device stays signed in
    assert elsewhere.get("/courses").status_code == 302
    fresh = app.test_client()
    login(fresh, world.learner, "new tidal lantern phrase")


def test_password_change_needs_the_current_password(client, world):
    login(client, world.learner)
    response = post(
        client,
        "/account",
        {
            "current": "not my password",
            "password": "new tidal lantern phrase",
            "confirm": "new tidal lantern phrase",
        },
    )
    assert "not your current password" in response.get_data(as_text=True)


def _reset_link(app) -> str:
    message = app.extensions["lms.outbox"][-1]
    return re.search(r"http://localhost(/password/reset/\S+)", message.get_content()).group(1)


def test_password_reset_by_emailed_token(app, client, world):
    response = post(client, "/password/forgot", {"email": world.learner.email})
    assert response.status_code == 302
    link = _reset_link(app)
    assert client.get(link).status_code == 200
    post(
        client, link, {"password": "fresh harbor passphrase", "confirm": "fresh harbor passphrase"}
    )
    login(app.test_client(), world.learner, "fresh harbor passphrase")
    # The token worked once: the password hash it was bound to has changed.
    assert client.get(link).status_code == 400


def test_password_reset_does_not_reveal_accounts(app, client, world):
    known = post(client, "/password/forgot", {"email": world.learner.email}, follow_redirects=True)
    unknown = post(
        client, "/password/forgot", {"email": "nobody@example.org"}, follow_redirects=True
    )
    assert "If an account uses that address" in known.get_data(as_text=True)
    assert "If an account uses that address" in unknown.get_data(as_text=True)
    assert len(app.extensions["lms.outbox"]) == 1


def test_password_reset_token_expires_and_rejects_garbage(app, client, world):
    post(client, "/password/forgot", {"email": world.learner.email})
    link = _reset_link(app)
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    assert client.get(link).status_code == 400
    assert client.get("/password/reset/not-a-token").status_code == 400


def test_disabled_account_cannot_sign_in_and_is_signed_out(app, client, world):
    login(client, world.learner)
    world.learner.active = False
    db.session.commit()
    assert client.get("/courses").status_code == 302
    response = post(
        app.test_client(), "/login", {"email": world.learner.email, "password": PASSWORD}
    )
    assert response.status_code == 200


def test_security_headers(client, world):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.get_data(as_text=True)


def test_production_cookie_flags(world):
    from lms import create_app
    from tests.conftest import app_config

    app = create_app(
        app_config(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-harbor",
            DATABASE_URL=str(db.engine.url),
        )
    )
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-harbor=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain" not in cookie
    assert "Strict-Transport-Security" in response.headers


def test_an_empty_registration_shows_every_error_at_once(client, world):
    blank = dict.fromkeys(_registration(world), "")
    html = post(client, "/register", blank).get_data(as_text=True)
    for field in ("name", "email", "agency", "discipline", "employment_start", "password"):
        assert f'id="{field}-error"' in html, field
    assert "Choose your agency from the list" in html


def _session_row() -> UserSession:
    row = db.session.scalar(select(UserSession))
    assert row is not None
    return row


def test_sessions_end_when_idle_or_too_old(app, client, world, monkeypatch):
    from datetime import timedelta

    from lms import clock

    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    login(client, world.learner)
    # Activity is recorded at most once a minute; any later request keeps the session alive.
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=30))
    assert client.get("/courses").status_code == 200
    assert _session_row().last_seen_at == start
    for minutes in range(50, 12 * 60, 50):  # active all day: never idle for an hour
        monkeypatch.setattr(clock, "now", lambda m=minutes: start + timedelta(minutes=m))
        assert client.get("/courses").status_code == 200
        assert _session_row().last_seen_at == start + timedelta(minutes=minutes)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=12, minutes=1))
    assert client.get("/courses").status_code == 302  # absolute limit, however active
    assert db.session.scalar(select(func.count(UserSession.id))) == 0

    monkeypatch.setattr(clock, "now", lambda: start)
    login(client, world.learner)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=61))
    assert client.get("/courses").status_code == 302  # idle for more than an hour
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_the_signed_in_user_is_a_persistent_orm_object(app, world):
    from datetime import timedelta

    from sqlalchemy import inspect

    from lms import clock
    from lms.auth import services

    token = services.start_session(db.session, world.learner, clock.now(), "test", "test")
    db.session.commit()
    hour, day = timedelta(hours=1), timedelta(days=1)
    fresh = app.extensions["lms.db"]()  # an empty identity map, as at the start of a request
    try:
        user = services.resolve_session(fresh, token, clock.now(), hour, day)
        assert user is not None and user.id == world.learner.id
        assert inspect(user).persistent and inspect(user).session is fresh
        assert not fresh.dirty and not fresh.new
        assert user.email == world.learner.email and user.role == world.learner.role
        assert user.created_at == world.learner.created_at  # typed as the ORM loads it
        assert user.agency.name == world.agency.name  # relationships load on first use
        assert user.discipline_id is not None and user.discipline.slug == "law-enforcement"
        assert fresh.get(type(user), user.id) is user  # in the identity map
        user.name = "Renamed Learner"
        fresh.commit()  # changes flush like those of any loaded object
    finally:
        fresh.close()
    db.session.expire_all()
    assert world.learner.name == "Renamed Learner"
    # A user already in the session is returned as it is, as a query would return it.
    assert services.resolve_session(db.session, token, clock.now(), hour, day) is world.learner
    assert services.resolve_session(db.session, "not-a-token", clock.now(), hour, day) is None
