"""Template filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from flask import Flask, current_app, url_for


def percent(value: Fraction | float | None) -> str:
    """Format a share (0..1) as a percentage with at most one decimal: 0.8 -> "80%"."""
    if value is None:
        return "–"
    tenths = round(Fraction(value) * 1000)  # exact: no float on the way
    whole, rest = divmod(tenths, 10)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest}%"


def when(value: datetime | None, style: str = "time") -> str:
    """Format a UTC datetime for people: "29 Nov 2026, 14:35 UTC" (or "29 Nov 2026": "date")."""
    if not value:
        return "–"
    return value.strftime("%d %b %Y" if style == "date" else "%d %b %Y, %H:%M UTC")


def day(value: date | None) -> str:
    """Format a date for people: "29 Nov 2026"."""
    return value.strftime("%d %b %Y") if value else "–"


def code(value: str) -> str:
    """Format a verification code in groups of four, as printed on the certificate."""
    from lms.certificates.codes import display_code

    return display_code(value)


def link(endpoint: str, filename: str | None = None) -> str:
    """Return the URL of an endpoint that takes no arguments (or a static file), built once.

    Every page links to the same few places; ``url_for`` costs tens of microseconds a call,
    which adds up on the hottest pages. The URLs do not change while the app runs.
    """
    cache: dict[tuple[str, str | None], str] = current_app.extensions.setdefault("lms.links", {})
    key = (endpoint, filename)
    url = cache.get(key)
    if url is None:
        url = cache[key] = url_for(endpoint, filename=filename) if filename else url_for(endpoint)
    return url


def init_app(app: Flask) -> None:
    """Register the filters and the ``link`` global."""
    app.add_template_filter(percent)
    app.add_template_filter(when)
    app.add_template_filter(code)
    app.add_template_filter(day)
    app.add_template_global(link)
