"""Error pages (400, 403, 404, 405, 413, 429, 500, 503); an unreachable database is a 503."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("You do not have access to this page", "If you think you should, ask your coordinator."),
    404: ("Page not found", "The page may have moved, or the address may be mistyped."),
    405: ("That action is not available here", "Please go back and try again."),
    413: ("That upload is too large", "Please choose a smaller file."),
    429: ("Too many requests", "Please wait a little and try again."),
    500: ("Something went wrong on our side", "It has been logged. Please try again shortly."),
    503: (
        "Harbor is temporarily unavailable",
        "We cannot reach our database just now. Your work so far is saved; "
        "please try again in a few minutes.",
    ),
}


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):  # type: ignore[no-untyped-def]
        # Werkzeug's stock descriptions are generic; keep only a message a view gave on purpose.
        custom = error.description != type(error).description
        retry_after = getattr(error, "retry_after", None)
        seconds = int(retry_after) if isinstance(retry_after, int | float) else None
        return _page(error.code or 500, error.description if custom else None, seconds)

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database(error: DBAPIError):  # type: ignore[no-untyped-def]
        if isinstance(error, OperationalError) or error.connection_invalidated:
            log.error("database unavailable: %s", error.orig)
            _rollback()
            return _page(503, None, retry_after=30)
        log.exception("database error")
        _rollback()
        return _page(500, None)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):  # type: ignore[no-untyped-def]
        return _page(500, None)

    del _http, _database, _internal


def _rollback() -> None:
    from flask import g

    session = g.get("_lms_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the connection may be gone; the session is discarded anyway
            log.debug("rollback after database error failed", exc_info=True)


def _page(code: int, detail: str | None, retry_after: int | None = None):  # type: ignore[no-untyped-def]
    title, hint = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    body = render_template(
        "errors/error.html",
        code=code,
        title=title,
        hint=detail or hint,
        # A failing database must not be asked who is signed in while rendering the page.
        minimal=code >= 500,
    )
    return body, code, ({"Retry-After": str(retry_after)} if retry_after else {})
