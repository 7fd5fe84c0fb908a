"""Template filters shared by every page."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from flask import Flask


def percent(value: Fraction | float | None) -> str:
    """Format a share (0..1) as a percentage with at most one decimal: 0.8 -> "80%"."""
    if value is None:
        return "–"
    tenths = round(Fraction(value) * 1000)  # exact: no float on the way
    whole, rest = divmod(tenths, 10)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest}%"


def when(value: datetime | None) -> str:
    """Format a UTC datetime for people: "29 Nov 2026, 14:35 UTC"."""
    return value.strftime("%d %b %Y, %H:%M UTC") if value else "–"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(percent)
    app.add_template_filter(when)
