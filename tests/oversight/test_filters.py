"""Filters: parsed from a query string or refused with a message (pure, table-driven)."""

from __future__ import annotations

import pytest

from lms.oversight.filters import FilterError, Filters, Known, codes_for, parse

KNOWN = Known(
    agency_types={"law_enforcement"}, regions={"Coastal"}, counties={"Harbor County"},
    disciplines={"health"}, requirements={"core-response"}, agencies={1, 2},
)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, Filters()),
        ({"region": "Coastal"}, Filters(region="Coastal")),
        ({"region": " Coastal ", "county": ""}, Filters(region="Coastal")),
        ({"agency": "2", "status": "breach"}, Filters(agency=2, status="breach")),
        ({"discipline": "health", "requirement": "core-response", "agency_type": "law_enforcement"},
         Filters(agency_type="law_enforcement", discipline="health", requirement="core-response")),
        ({"page": "3"}, Filters()),  # a parameter the page itself takes
    ],
)  # fmt: skip
def test_valid_filters(args, expected):
    assert parse(args, KNOWN, frozenset({"page"})) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"colour": "blue"}, "Unknown filter 'colour'"),
        ({"page": "1"}, "Unknown filter 'page'"),  # not a parameter of this page
        ({"region": "Atlantis"}, "No region called 'Atlantis'"),
        ({"agency_type": "pirates"}, "No agency type called"),
        ({"agency": "3"}, "No agency with id '3'"),  # exists elsewhere, not in this scope
        ({"agency": "one"}, "No agency with id 'one'"),
        ({"status": "fine"}, "No status called 'fine'"),
        ({"requirement": "<script>"}, "No requirement called"),
    ],
)
def test_refused_filters_say_why(args, message):
    with pytest.raises(FilterError, match=message):
        parse(args, KNOWN)


def test_query_and_audit_shapes():
    chosen = Filters(region="Coastal", agency=2)
    assert chosen.active and not Filters().active
    assert chosen.query() == {"region": "Coastal", "agency": 2}
    assert chosen.query(agency=None, page=2) == {"region": "Coastal", "page": 2}
    assert chosen.as_dict()["county"] is None


def test_status_filters_select_codes():
    assert codes_for("breach") == {"overdue", "expired"}
    assert codes_for("due_soon") == {f"{p}_{b}" for p in ("due", "renew") for b in (30, 60, 90)}
    assert codes_for("compliant") == {"compliant"}
