"""Configuration: defaults, then ``LMS_``-prefixed environment variables, then an explicit mapping.

Every setting can be given as ``LMS_<NAME>`` in the environment; values are parsed as JSON
when they look like JSON (numbers, booleans), as Flask's ``from_prefixed_env`` does.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

#: Development and production share these defaults; production differences are keyed off ENV.
DEFAULTS: dict[str, Any] = {
    "ENV": "production",
    "DATABASE_URL": None,  # default: sqlite:///<instance>/lms.db
    "CONTENT_DIR": None,  # default: <project>/content
    #: The site variables file, relative to CONTENT_DIR: a state's own localisation.
    "CONTENT_SITE": "site.yml",
    "SECRET_KEY": None,  # default: generated once into <instance>/secret_key
    "SESSION_COOKIE_NAME": "__Host-harbor",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    #: Lifetimes are enforced on the server (user_sessions), so the cookie need not be
    #: re-signed and re-sent on every response.
    "SESSION_REFRESH_EACH_REQUEST": False,
    #: Absolute lifetime of a login (ASVS 7.3.2); idle timeout below (ASVS 7.3.1).
    "SESSION_ABSOLUTE_HOURS": 12,
    "SESSION_IDLE_MINUTES": 60,
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session (long modules, long quizzes)
    #: Whole-request limit (413 beyond it) for every form but file uploads, which get their
    #: own file limit plus a little room (lms.security.UPLOADS), so a 5 MB evidence file does
    #: not mean every form accepts 5 MB bodies.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "CREDIT_MAX_BYTES": 5 * 1024 * 1024,
    "PREFERRED_URL_SCHEME": "https",
    #: argon2id parameters. 19 MiB, t=2, p=1 meets ASVS 5.0 Appendix C (t=2 needs m >= 19 MiB)
    #: and costs about 40 ms, so a burst of logins does not exhaust memory.
    "ARGON2_TIME_COST": 2,
    "ARGON2_MEMORY_KIB": 19 * 1024,
    "ARGON2_PARALLELISM": 1,
    #: Login throttling (ASVS 6.3.1): failures in a sliding window, per account and per address.
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 10,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 50,
    "PASSWORD_RESET_MAX_AGE_SECONDS": 3600,
    "MAIL_SERVER": None,  # no server: messages are written to the log (development)
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,
    "MAIL_FROM": "Harbor <no-reply@harbor.invalid>",
    "TRUST_PROXY": False,  # set to 1 behind one reverse proxy so client addresses are right
    #: The public address printed in QR codes and signed into credentials. Required in
    #: production; development falls back to the request's host (or 127.0.0.1:5000 in the CLI).
    "PUBLIC_BASE_URL": None,
    #: Ed25519 signing key for credentials: PEM text or a path. Default: generated on first
    #: run into <instance>/signing_key.pem (mode 0600). Never served.
    "SIGNING_KEY": None,
    #: Contact address published in the issuer profile (optional).
    "ISSUER_EMAIL": None,
    #: Days before expiry when a learner may start recertifying.
    "RECERT_WINDOW_DAYS": 90,
    #: Public verification: lookups per address per minute (ASVS anti-automation).
    "VERIFY_RATE_PER_MINUTE": 30,
}

DEVELOPMENT: dict[str, Any] = {
    "SESSION_COOKIE_NAME": "harbor_session",
    "SESSION_COOKIE_SECURE": False,
    "PREFERRED_URL_SCHEME": "http",
}


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``overrides``, in that order."""
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("LMS")
    if overrides:
        app.config.update(overrides)
    if app.config["ENV"] == "development":
        for key, value in DEVELOPMENT.items():
            if not _explicit(app, key, overrides):
                app.config[key] = value
    instance = Path(app.instance_path)
    if not app.config["DATABASE_URL"]:
        instance.mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'lms.db'}"
    if not app.config["CONTENT_DIR"]:
        app.config["CONTENT_DIR"] = str(Path(app.root_path).parent / "content")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(instance)
    app.permanent_session_lifetime = timedelta(hours=int(app.config["SESSION_ABSOLUTE_HOURS"]))


def _explicit(app: Flask, key: str, overrides: Mapping[str, Any] | None) -> bool:
    import os

    return f"LMS_{key}" in os.environ or bool(overrides and key in overrides)


def _instance_secret(instance: Path) -> str:
    """Read the instance's secret key, creating it (mode 0600) on first run."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
