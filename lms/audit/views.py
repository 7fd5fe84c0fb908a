"""The audit trail for overseers: browse and filter it, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from lms.audit import queries
from lms.auth.guards import role_required
from lms.auth.models import Role
from lms.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/oversight/audit")


@bp.get("")
@role_required(Role.OVERSEER)
def browse() -> str | tuple[str, int]:
    """One page of entries (``?before=<id>`` for older ones), filtered by the query string;
    an unknown filter or a malformed value is a 400 page saying what is allowed."""
    args = {name: request.args.getlist(name) for name in request.args}
    try:
        filters = queries.parse_filters(args)
    except queries.BadFilter as bad:
        form = {name: _first(args, name)[:254] for name in queries.ALLOWED}
        page = render_template(
            "audit/browse.html",
            problems=bad.problems,
            invalid=bad.fields,
            form=form,
            allowed=queries.ALLOWED,
            found=None,
            filters=None,
        )
        return page, 400
    found = queries.page(db.session, filters)
    form = {**dict.fromkeys(queries.ALLOWED, ""), **filters.params()}
    return render_template(
        "audit/browse.html",
        problems=(),
        invalid=frozenset(),
        form=form,
        allowed=queries.ALLOWED,
        found=found,
        filters=filters,
    )


def _first(args: dict[str, list[str]], name: str) -> str:
    values = args.get(name) or [""]
    return values[0]
