"""Roll dashboard aggregates up to every breakdown (pure: no database, no clock).

SQL returns two small aggregates over the standings (learner x requirement pairs counted by
agency, discipline, requirement and status code; learners counted by agency, discipline,
their most urgent status and whether they meet everything). Every breakdown the oversight body
asks for (state, agency, agency type, county, region, discipline, requirement) is a sum over
those rows, done here so that one pair of queries serves the whole page however large the
state, and so that every figure on a page adds up to the same totals.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import NamedTuple

from lms.oversight.compliance import Counts, Status, counts_of
from lms.oversight.urgency import URGENCY


class PairCell(NamedTuple):  # tuples: thousands are built per dashboard, fast
    """Learner-requirement pairs with one status code, for one agency/discipline/requirement."""

    agency_id: int | None
    discipline_id: int | None
    requirement_id: int
    code: str
    pairs: int


class PersonCell(NamedTuple):
    """Learners of one agency and discipline whose most urgent status is ``urgent``."""

    agency_id: int | None
    discipline_id: int | None
    urgent: Status
    #: Every requirement that covers them is met today.
    all_met: bool
    people: int


@dataclass(frozen=True)
class People:
    """Learners, each counted once by their most urgent standing (``urgency.URGENCY``)."""

    by_status: dict[Status, int] = field(default_factory=dict)
    all_met: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def in_breach(self) -> int:
        """Learners overdue or expired on at least one requirement."""
        return self.by_status.get(Status.OVERDUE, 0) + self.by_status.get(Status.EXPIRED, 0)

    @property
    def due_soon(self) -> int:
        """Learners with something due within 90 days and nothing in breach."""
        return self.by_status.get(Status.DUE_SOON, 0)

    @property
    def trained_rate(self) -> Fraction | None:
        """The share of learners who meet every requirement that covers them."""
        return Fraction(self.all_met, self.total) if self.total else None

    @property
    def breach_rate(self) -> Fraction | None:
        return Fraction(self.in_breach, self.total) if self.total else None


@dataclass(frozen=True)
class Line:
    """One row of a breakdown: a key (agency id, region name...), its label and its figures."""

    key: Hashable
    label: str
    pairs: Counts
    people: People | None  # None for the by-requirement breakdown (people span requirements)


@dataclass(frozen=True)
class AgencyInfo:
    name: str
    type: str
    county: str
    region: str


def people_of(cells: Iterable[PersonCell]) -> People:
    """Return the people figures of ``cells``."""
    tally: Counter[tuple[Status, bool]] = Counter()
    for cell in cells:
        tally[(cell.urgent, cell.all_met)] += cell.people
    return _people(tally)


def _people(tally: Mapping[tuple[Status, bool], int]) -> People:
    urgent: Counter[Status] = Counter()
    met = 0
    for (status, all_met), n in tally.items():
        urgent[status] += n
        met += n if all_met else 0
    return People({s: urgent[s] for s in URGENCY}, met)


#: Sums per breakdown key: pairs by status code, learners by (most urgent status, all met).
_Pairs = dict[Hashable, Counter[str]]
_Persons = dict[Hashable, Counter[tuple[Status, bool]]]


def _sum(
    pairs: Iterable[PairCell],
    people: Iterable[PersonCell],
    key: Callable[[int | None, int | None, int | None], Hashable],
) -> tuple[_Pairs, _Persons]:
    pair_sums: _Pairs = defaultdict(Counter)
    for cell in pairs:
        k = key(cell.agency_id, cell.discipline_id, cell.requirement_id)
        if k is not None:
            pair_sums[k][cell.code] += cell.pairs
    person_sums: _Persons = defaultdict(Counter)
    for person in people:
        k = key(person.agency_id, person.discipline_id, None)
        if k is not None:
            person_sums[k][(person.urgent, person.all_met)] += person.people
    return pair_sums, person_sums


def _regroup(
    sums: tuple[_Pairs, _Persons], key: Callable[[Hashable], Hashable]
) -> tuple[_Pairs, _Persons]:
    """Merge sums already made per agency into sums per ``key(agency)`` (type, region...)."""
    pair_sums: _Pairs = defaultdict(Counter)
    person_sums: _Persons = defaultdict(Counter)
    for k, tally in sums[0].items():
        if (to := key(k)) is not None:
            pair_sums[to].update(tally)
    for k, people in sums[1].items():
        if (to := key(k)) is not None:
            person_sums[to].update(people)
    return pair_sums, person_sums


def _lines(
    sums: tuple[_Pairs, _Persons], label: Callable[[Hashable], str], with_people: bool = True
) -> list[Line]:
    pair_sums, person_sums = sums
    lines = [
        Line(
            k,
            label(k),
            counts_of(pair_sums.get(k, Counter()).items()),
            _people(person_sums.get(k, Counter())) if with_people else None,
        )
        for k in pair_sums.keys() | person_sums.keys()
    ]
    return sorted(lines, key=lambda line: (line.label.casefold(), str(line.key)))


@dataclass(frozen=True)
class Board:
    """Everything the dashboard shows, from the two aggregates."""

    pairs: Counts
    people: People
    by_agency: list[Line]
    by_agency_type: list[Line]
    by_region: list[Line]
    by_county: list[Line]
    by_discipline: list[Line]
    by_requirement: list[Line]


def board(
    pairs: list[PairCell],
    people: list[PersonCell],
    agencies: Mapping[int, AgencyInfo],
    disciplines: Mapping[int, str],
    requirements: Mapping[int, str],
    type_labels: Mapping[str, str],
) -> Board:
    """Return every breakdown of the dashboard."""

    def by_agency(agency_id: int | None, _d: int | None, _r: int | None) -> Hashable:
        return agency_id if agency_id in agencies else None

    def by_discipline(_a: int | None, discipline_id: int | None, _r: int | None) -> Hashable:
        return discipline_id if discipline_id is not None else "none"

    def by_requirement(_a: int | None, _d: int | None, requirement_id: int | None) -> Hashable:
        return requirement_id

    def discipline_label(k: Hashable) -> str:
        return "No discipline recorded" if k == "none" else disciplines.get(k, str(k))  # type: ignore[call-overload]

    def on_agency(attribute: str) -> Callable[[Hashable], Hashable]:
        return lambda agency_id: getattr(agencies[agency_id], attribute)  # type: ignore[index]

    # One pass over the cells per dimension; the agency groupings are merged from the agencies.
    per_agency = _sum(pairs, people, by_agency)
    return Board(
        pairs=counts_of((c.code, c.pairs) for c in pairs),
        people=people_of(people),
        by_agency=_lines(per_agency, lambda k: agencies[k].name),  # type: ignore[index]
        by_agency_type=_lines(
            _regroup(per_agency, on_agency("type")), lambda k: type_labels.get(str(k), str(k))
        ),
        by_region=_lines(_regroup(per_agency, on_agency("region")), str),
        by_county=_lines(_regroup(per_agency, on_agency("county")), str),
        by_discipline=_lines(_sum(pairs, people, by_discipline), discipline_label),
        by_requirement=_lines(
            _sum(pairs, (), by_requirement),
            lambda k: requirements.get(k, str(k)),  # type: ignore[call-overload]
            with_people=False,
        ),
    )
