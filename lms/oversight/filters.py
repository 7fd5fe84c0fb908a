"""Dashboard, list and export filters: parsed from a query string, or a clear error (pure).

Every oversight page and export takes the same filters, so a link copied from the dashboard
exports exactly what it showed, and the audit trail records them in one shape
(:meth:`Filters.as_dict`). Unknown parameter names and unknown values are refused with a
message (the views answer 400), never silently ignored: a mistyped filter must not produce a
state-wide figure that looks filtered.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, fields

from lms.oversight.compliance import CODES, Status

#: Status filter values: a status, or "breach" (overdue or expired).
STATUS_CHOICES = frozenset({*(s.value for s in Status if s != Status.NOT_APPLICABLE), "breach"})


def codes_for(status: str) -> frozenset[str]:
    """Return the status codes (``compliance.CODES``) a status filter value selects."""
    wanted = {Status.OVERDUE, Status.EXPIRED} if status == "breach" else {Status(status)}
    return frozenset(code for code, (s, _, _) in CODES.items() if s in wanted)


class FilterError(ValueError):
    """A filter the user asked for cannot be applied (the message says why)."""


@dataclass(frozen=True)
class Known:
    """The values a filter may take, as the database holds them today."""

    agency_types: Set[str] = frozenset()
    regions: Set[str] = frozenset()
    counties: Set[str] = frozenset()
    disciplines: Set[str] = frozenset()
    requirements: Set[str] = frozenset()
    agencies: Set[int] = frozenset()


@dataclass(frozen=True)
class Filters:
    agency_type: str | None = None
    region: str | None = None
    county: str | None = None
    discipline: str | None = None
    requirement: str | None = None
    agency: int | None = None
    status: str | None = None

    @property
    def active(self) -> bool:
        """Return whether any filter is set."""
        return any(v is not None for v in self.as_dict().values())

    def as_dict(self) -> dict[str, str | int | None]:
        """Return every filter by name (None: not set), for the audit trail and links."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def query(self, **overrides: str | int | None) -> dict[str, str | int]:
        """Return the set filters as query-string arguments, with ``overrides`` applied."""
        merged = {**self.as_dict(), **overrides}
        return {k: v for k, v in merged.items() if v is not None and v != ""}


NAMES = frozenset(f.name for f in fields(Filters))


def parse(args: Mapping[str, str], known: Known, extra: Set[str] = frozenset()) -> Filters:
    """Return the filters in ``args`` or raise :class:`FilterError`.

    ``extra`` names other parameters the page itself accepts (a page number, say); they are
    let through unparsed. Empty values mean "not set", as an HTML form sends them.
    """
    unknown = sorted(set(args) - NAMES - set(extra))
    if unknown:
        raise FilterError(
            f"Unknown filter {', '.join(repr(u) for u in unknown)}; "
            f"filters are {', '.join(sorted(NAMES))}."
        )
    values = {k: v.strip() for k, v in args.items() if k in NAMES and v.strip()}
    choices: dict[str, Set[str]] = {
        "agency_type": known.agency_types,
        "region": known.regions,
        "county": known.counties,
        "discipline": known.disciplines,
        "requirement": known.requirements,
        "status": STATUS_CHOICES,
    }
    for name, allowed in choices.items():
        if name in values and values[name] not in allowed:
            raise FilterError(f"No {name.replace('_', ' ')} called {values[name]!r}.")
    agency = None
    if "agency" in values:
        raw = values.pop("agency")
        if not raw.isdigit() or int(raw) not in known.agencies:
            raise FilterError(f"No agency with id {raw!r}.")
        agency = int(raw)
    return Filters(agency=agency, **values)  # type: ignore[arg-type]
