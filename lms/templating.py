"""Template filters shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from flask import Flask, url_for
from werkzeug.routing import BuildError


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


class URLs(dict[str, str]):
    """URLs by endpoint (``links['site.support']``) or static file (``assets['css/harbor.css']``).

    Every page links to the same few places, and ``url_for`` costs tens of microseconds a
    call, which adds up on the hottest pages. The URLs do not change while the app runs, so
    each is built on first use and then read as a plain dict item, the cheapest thing a
    template can do (a function call costs several times more). One instance per app and kind.
    """

    def __init__(self, static: bool) -> None:
        super().__init__()
        self.static = static

    def __missing__(self, key: str) -> str:
        try:
            url = url_for("static", filename=key) if self.static else url_for(key)
        except BuildError as error:
            # BuildError is a LookupError, which Jinja would turn into an empty string.
            raise RuntimeError(f"cannot build a URL for {key!r}: {error}") from error
        self[key] = url
        return url


def init_app(app: Flask) -> None:
    """Register the filters and the ``links`` and ``assets`` globals."""
    app.add_template_filter(percent)
    app.add_template_filter(when)
    app.add_template_filter(code)
    app.add_template_filter(day)
    app.add_template_global(URLs(static=False), "links")
    app.add_template_global(URLs(static=True), "assets")
