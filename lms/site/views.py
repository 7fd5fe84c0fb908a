"""Home page, support resources (one click from every page) and ``/healthz``."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from lms.courses.queries import current_site
from lms.extensions import db

bp = Blueprint("site", __name__)


@bp.get("/")
def home() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("courses.catalogue"))
    return render_template("site/home.html")


@bp.get("/support")
def support() -> str:
    return render_template("site/support.html", site=current_site(db.session))


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Report whether the app can reach its database (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not ready"; the details go to the log
        import logging

        logging.getLogger(__name__).exception("health check failed")
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200
