"""Roll dashboard aggregates up to every breakdown (pure: no database, no clock).

SQL returns two small aggregates over the standings (learner x requirement pairs counted by
agency, discipline, requirement and status code; learners counted by agency, discipline,
their worst status and whether they meet everything). Every breakdown the oversight body
asks for (state, agency, agency type, county, region, discipline, requirement) is a sum over
those rows, done here so that one pair of queries serves the whole page however large the
state, and so that every figure on a page adds up to the same totals.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from lms.oversight.compliance import ORDER, Counts, Status, counts_of


@dataclass(frozen=True)
class PairCell:
    """Learner-requirement pairs with one status code, for one agency/discipline/requirement."""

    agency_id: int | None
    discipline_id: int | None
    requirement_id: int
    code: str
    pairs: int


@dataclass(frozen=True)
class PersonCell:
    """Learners of one agency and discipline whose worst status is ``worst``."""

    agency_id: int | None
    discipline_id: int | None
    worst: Status
    #: Every requirement that covers them is met today.
    all_met: bool
    people: int


@dataclass(frozen=True)
class People:
    """Learners, each counted once by their worst standing over their requirements."""

    by_worst: dict[Status, int] = field(default_factory=dict)
    all_met: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_worst.values())

    @property
    def in_breach(self) -> int:
        """Learners overdue or expired on at least one requirement."""
        return self.by_worst.get(Status.OVERDUE, 0) + self.by_worst.get(Status.EXPIRED, 0)

    @property
    def due_soon(self) -> int:
        """Learners with something due within 90 days and nothing in breach."""
        return self.by_worst.get(Status.DUE_SOON, 0)

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
    worst: Counter[Status] = Counter()
    met = 0
    for cell in cells:
        worst[cell.worst] += cell.people
        met += cell.people if cell.all_met else 0
    return People({s: worst[s] for s in ORDER}, met)


def breakdown(
    pairs: Iterable[PairCell],
    people: Iterable[PersonCell] | None,
    key: Callable[[int | None, int | None, int | None], Hashable],
    label: Callable[[Hashable], str],
) -> list[Line]:
    """Group ``pairs`` (and ``people``) by ``key(agency_id, discipline_id, requirement_id)``.

    ``requirement_id`` is None for people cells. Lines come sorted by label; keys that map to
    None are left out (a learner without an agency in an agency breakdown, say).
    """
    pair_groups: dict[Hashable, list[tuple[str, int]]] = defaultdict(list)
    for cell in pairs:
        k = key(cell.agency_id, cell.discipline_id, cell.requirement_id)
        if k is not None:
            pair_groups[k].append((cell.code, cell.pairs))
    person_groups: dict[Hashable, list[PersonCell]] = defaultdict(list)
    if people is not None:
        for person in people:
            k = key(person.agency_id, person.discipline_id, None)
            if k is not None:
                person_groups[k].append(person)
    keys = pair_groups.keys() | person_groups.keys()
    lines = [
        Line(
            k,
            label(k),
            counts_of(pair_groups.get(k, ())),
            people_of(person_groups.get(k, ())) if people is not None else None,
        )
        for k in keys
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

    def on_agency(attribute: str) -> Callable[[int | None, int | None, int | None], Hashable]:
        def key(agency_id: int | None, _d: int | None, _r: int | None) -> Hashable:
            info = agencies.get(agency_id) if agency_id is not None else None
            return getattr(info, attribute) if info is not None else None

        return key

    def by_agency(agency_id: int | None, _d: int | None, _r: int | None) -> Hashable:
        return agency_id if agency_id in agencies else None

    def by_discipline(_a: int | None, discipline_id: int | None, _r: int | None) -> Hashable:
        return discipline_id if discipline_id is not None else "none"

    def by_requirement(_a: int | None, _d: int | None, requirement_id: int | None) -> Hashable:
        return requirement_id

    def discipline_label(k: Hashable) -> str:
        return "No discipline recorded" if k == "none" else disciplines.get(k, str(k))  # type: ignore[call-overload]

    return Board(
        pairs=counts_of((c.code, c.pairs) for c in pairs),
        people=people_of(people),
        by_agency=breakdown(pairs, people, by_agency, lambda k: agencies[k].name),  # type: ignore[index]
        by_agency_type=breakdown(
            pairs, people, on_agency("type"), lambda k: type_labels.get(str(k), str(k))
        ),
        by_region=breakdown(pairs, people, on_agency("region"), str),
        by_county=breakdown(pairs, people, on_agency("county"), str),
        by_discipline=breakdown(pairs, people, by_discipline, discipline_label),
        by_requirement=breakdown(
            pairs,
            None,
            by_requirement,
            lambda k: requirements.get(k, str(k)),  # type: ignore[call-overload]
        ),
    )
