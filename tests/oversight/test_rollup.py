"""Dashboard roll-ups: every breakdown adds up to the same totals (pure, table-driven)."""

from __future__ import annotations

from lms.oversight.compliance import Status
from lms.oversight.rollup import AgencyInfo, PairCell, PersonCell, board

AGENCIES = {
    1: AgencyInfo("Harbor PD", "law_enforcement", "Harbor County", "Coastal"),
    2: AgencyInfo("Pine Probation", "juvenile_justice", "Pine County", "Northern"),
    3: AgencyInfo("Harbor Schools", "education", "Harbor County", "Coastal"),
}
PAIRS = [
    PairCell(1, 10, 100, "compliant", 5),
    PairCell(1, 10, 100, "overdue", 2),
    PairCell(1, 10, 200, "renew_30", 1),
    PairCell(2, 20, 100, "due_60", 3),
    PairCell(3, None, 100, "expired", 4),
    PairCell(None, 10, 100, "not_started", 1),  # a learner with no agency
]
PEOPLE = [
    PersonCell(1, 10, Status.COMPLIANT, True, 4),
    PersonCell(1, 10, Status.OVERDUE, False, 2),
    PersonCell(1, 10, Status.DUE_SOON, True, 1),
    PersonCell(2, 20, Status.DUE_SOON, False, 3),
    PersonCell(3, None, Status.EXPIRED, False, 4),
    PersonCell(None, 10, Status.NOT_STARTED, False, 1),
]


def make():
    disciplines = {10: "Law enforcement", 20: "Juvenile justice"}
    requirements = {100: "Core", 200: "Wellbeing"}
    return board(PAIRS, PEOPLE, AGENCIES, disciplines, requirements,
                 {"law_enforcement": "Law enforcement"})  # fmt: skip


def test_headline_figures():
    b = make()
    assert b.people.total == 15 and b.people.all_met == 5
    assert b.people.in_breach == 6 and b.people.due_soon == 4
    assert b.pairs.applicable == 16 and b.pairs.satisfied == 6
    assert b.pairs.by_bucket == {30: 1, 60: 3, 90: 0}


def test_agency_breakdowns_add_up_to_the_state_less_learners_without_an_agency():
    b = make()
    for lines in (b.by_agency, b.by_agency_type, b.by_region, b.by_county):
        assert sum(line.people.total for line in lines) == b.people.total - 1
        assert sum(line.pairs.applicable for line in lines) == b.pairs.applicable - 1
    coastal = next(line for line in b.by_region if line.key == "Coastal")
    assert coastal.people.total == 11 and coastal.people.in_breach == 6
    assert [line.label for line in b.by_agency_type][0] == "education"  # unknown label: the key


def test_discipline_and_requirement_breakdowns_cover_everyone():
    b = make()
    assert sum(line.people.total for line in b.by_discipline) == b.people.total
    assert "No discipline recorded" in {line.label for line in b.by_discipline}
    assert all(line.people is None for line in b.by_requirement)
    assert {line.label: line.pairs.applicable for line in b.by_requirement} == {
        "Core": 15, "Wellbeing": 1,
    }  # fmt: skip


def test_rates_are_none_without_learners():
    b = board([], [], {}, {}, {}, {})
    assert b.people.trained_rate is None and b.pairs.completion_rate is None
    assert b.by_agency == []
