"""The annual report to the legislature: tables of aggregates with small-cell suppression.

Pure: plain aggregates in, a :class:`Report` of display strings out; no framework, database or
clock (``generated_at`` is a parameter). :mod:`lms.oversight.annual` gathers the aggregates.

Small counts are hidden by :mod:`lms.oversight.suppression` (its docstring gives the rules):
``"<11"`` for a count from 1 to 10, ``"n/s"`` for a count hidden so that a small one cannot be
worked out from the totals; a rate is hidden whenever its numerator or denominator is.

Reproducibility: :func:`data_hash` is SHA-256 over a canonical JSON of the parameters and the
aggregates (rows sorted, floats at fixed precision), so the same data and parameters always
give the same hash, whenever and wherever the report is generated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from fractions import Fraction

from lms.oversight.suppression import THRESHOLD, Hidden, suppress

COMPLEMENT_TEXT = "n/s"
NOT_APPLICABLE_TEXT = "–"


# -- the report model -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameters:
    """What the report covers. ``end`` is inclusive; ``as_of`` is when standings are taken."""

    start: date
    end: date
    as_of: date
    threshold: int = THRESHOLD

    @property
    def label(self) -> str:
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end == date(self.start.year, 12, 31)
        ):
            return f"Calendar year {self.start.year}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class StandingCounts:
    """Learner-requirement pairs in one group: met, not yet due, overdue (in breach)."""

    label: str
    met: int
    pending: int
    overdue: int


@dataclass(frozen=True)
class CertificateCounts:
    label: str
    issued: int
    expired: int
    revoked: int


@dataclass(frozen=True)
class GainFigures:
    """Knowledge gain on one course (scores 0..1), as ``lms.assessments.stats.knowledge_gain``."""

    label: str
    n: int
    pre_mean: float | None
    post_mean: float | None
    mean_gain: float | None
    normalised_gain: float | None


@dataclass(frozen=True)
class Aggregates:
    """Everything the report is built from: counts only, nothing about any one person."""

    trained_by_discipline: tuple[tuple[str, int], ...] = ()
    trained_by_agency_type: tuple[tuple[str, int], ...] = ()
    trained_by_region: tuple[tuple[str, int], ...] = ()
    standing_by_requirement: tuple[StandingCounts, ...] = ()
    standing_by_agency_type: tuple[StandingCounts, ...] = ()
    standing_by_region: tuple[StandingCounts, ...] = ()
    certificates_by_course: tuple[CertificateCounts, ...] = ()
    gain_by_course: tuple[GainFigures, ...] = ()


def canonical(params: Parameters, data: Aggregates) -> bytes:
    """Return the canonical serialisation the data hash is taken over (sorted, fixed floats)."""

    def plain(value: object) -> object:
        if isinstance(value, float):
            return f"{value:.9f}"
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            items = [plain(v) for v in value]
            return (
                sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
                if _rows(value)
                else items
            )
        if isinstance(value, date):
            return value.isoformat()
        return value

    document = {"parameters": plain(asdict(params)), "data": plain(asdict(data))}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _rows(value: list | tuple) -> bool:
    # A list of rows (dicts, or (label, count) pairs) is a set; a single pair is not.
    return bool(value) and all(isinstance(v, dict | list | tuple) for v in value)


def data_hash(params: Parameters, data: Aggregates) -> str:
    """Return the SHA-256 (hex) of the parameters and aggregates the report is built from."""
    return hashlib.sha256(canonical(params, data)).hexdigest()


@dataclass(frozen=True)
class Figure:
    """One printed figure: its text, and whether it hides a value."""

    text: str
    hidden: Hidden = Hidden.SHOWN


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    dimension: str  #: the header of the label column, e.g. "Discipline"
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None = None


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    intro: str
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Report:
    title: str
    parameters: Parameters
    generated_at: datetime
    data_hash: str
    sections: tuple[Section, ...]
    #: (name, version) pairs: the application and the content the figures come from.
    versions: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = field(default=())

    def facts(self) -> tuple[tuple[str, str], ...]:
        """Return what every rendering prints about how the report was made."""
        p = self.parameters
        return (
            ("Reporting period", f"{p.label} ({p.start.isoformat()} to {p.end.isoformat()})"),
            ("Standings as of", p.as_of.isoformat()),
            (
                "Suppression threshold",
                f"counts from 1 to {p.threshold - 1} shown as <{p.threshold}",
            ),
            ("Generated (UTC)", self.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
            ("Data hash (SHA-256)", self.data_hash),
            *((f"Version: {name}", version) for name, version in self.versions),
        )


def _count(value: int, mark: Hidden, threshold: int) -> Figure:
    if mark == Hidden.PRIMARY:
        return Figure(f"<{threshold}", mark)
    if mark == Hidden.COMPLEMENTARY:
        return Figure(COMPLEMENT_TEXT, mark)
    return Figure(f"{value:,}")


def _rate(num: int, num_mark: Hidden, den: int, den_mark: Hidden) -> Figure:
    if num_mark != Hidden.SHOWN or den_mark != Hidden.SHOWN:
        return Figure(COMPLEMENT_TEXT, Hidden.COMPLEMENTARY)
    if den == 0:
        return Figure(NOT_APPLICABLE_TEXT)
    return Figure(f"{float(round(Fraction(100 * num, den), 1)):.1f}%")


def _one_way(
    key: str, caption: str, dimension: str, column: str, rows: Sequence[tuple[str, int]], t: int
) -> Table:
    ordered = sorted(rows)
    s = suppress(
        [[n] for _, n in ordered] or [[0]], row_totals=False, column_totals=True, threshold=t
    )
    body = tuple(Row(label, (_count(n, s.marks[i][0], t),)) for i, (label, n) in enumerate(ordered))
    assert s.column_totals is not None and s.column_total_marks is not None
    total = Row("All", (_count(s.column_totals[0], s.column_total_marks[0], t),))
    return Table(key, caption, dimension, (column,), body, total)


STANDING_COLUMNS = ("Met", "Not yet due", "Overdue", "Covered", "Completion rate", "Overdue rate")


def _standing(
    key: str, caption: str, dimension: str, rows: Sequence[StandingCounts], t: int
) -> Table:
    ordered = sorted(rows, key=lambda r: r.label)
    s = suppress(
        [[r.met, r.pending, r.overdue] for r in ordered] or [[0, 0, 0]],
        row_totals=True,
        column_totals=True,
        threshold=t,
    )
    assert s.row_totals is not None and s.row_total_marks is not None
    assert s.column_totals is not None and s.column_total_marks is not None
    assert s.grand_total is not None and s.grand_total_mark is not None

    def figures(values: Sequence[int], marks: Sequence[Hidden], total: int, mark: Hidden):
        counts = [_count(v, m, t) for v, m in zip(values, marks, strict=True)]
        rates = (_rate(values[0], marks[0], total, mark), _rate(values[2], marks[2], total, mark))
        return (*counts, _count(total, mark, t), *rates)

    body = tuple(
        Row(r.label, figures(s.cells[i], s.marks[i], s.row_totals[i], s.row_total_marks[i]))
        for i, r in enumerate(ordered)
    )
    total = Row(
        "All", figures(s.column_totals, s.column_total_marks, s.grand_total, s.grand_total_mark)
    )
    return Table(key, caption, dimension, STANDING_COLUMNS, body, total)


def _certificates(rows: Sequence[CertificateCounts], t: int) -> Table:
    ordered = sorted(rows, key=lambda r: r.label)
    s = suppress(
        [[r.issued, r.expired, r.revoked] for r in ordered] or [[0, 0, 0]],
        row_totals=False,
        column_totals=True,
        threshold=t,
    )
    assert s.column_totals is not None and s.column_total_marks is not None
    body = tuple(
        Row(r.label, tuple(_count(v, m, t) for v, m in zip(s.cells[i], s.marks[i], strict=True)))
        for i, r in enumerate(ordered)
    )
    total = Row(
        "All courses",
        tuple(_count(v, m, t) for v, m in zip(s.column_totals, s.column_total_marks, strict=True)),
    )
    return Table(
        "certificates_by_course",
        "Certificates issued, expired and revoked in the period, by course",
        "Course",
        ("Issued", "Expired", "Revoked"),
        body,
        total,
    )


GAIN_COLUMNS = ("Learners", "Pre-test mean", "Final mean", "Mean gain", "Normalised gain")


def _gain(rows: Sequence[GainFigures], t: int) -> Table:
    ordered = sorted(rows, key=lambda r: r.label)
    s = suppress(
        [[r.n] for r in ordered] or [[0]], row_totals=False, column_totals=True, threshold=t
    )
    assert s.column_totals is not None and s.column_total_marks is not None

    def share(value: float | None) -> Figure:
        return Figure(NOT_APPLICABLE_TEXT) if value is None else Figure(f"{value * 100:.1f}%")

    def figures(r: GainFigures, mark: Hidden) -> tuple[Figure, ...]:
        if mark != Hidden.SHOWN:
            return (_count(r.n, mark, t), *(Figure(COMPLEMENT_TEXT, Hidden.COMPLEMENTARY),) * 4)
        gain = (
            Figure(NOT_APPLICABLE_TEXT)
            if r.mean_gain is None
            else Figure(f"{r.mean_gain * 100:+.1f} points")
        )
        hake = (
            Figure(NOT_APPLICABLE_TEXT)
            if r.normalised_gain is None
            else Figure(f"{r.normalised_gain:.2f}")
        )
        return (_count(r.n, mark, t), share(r.pre_mean), share(r.post_mean), gain, hake)

    body = tuple(Row(r.label, figures(r, s.marks[i][0])) for i, r in enumerate(ordered))
    blank = (Figure(NOT_APPLICABLE_TEXT),) * 4
    total = Row("All courses", (_count(s.column_totals[0], s.column_total_marks[0], t), *blank))
    return Table(
        "knowledge_gain_by_course",
        "Knowledge gain from pre-test to first final attempt, by course",
        "Course",
        GAIN_COLUMNS,
        body,
        total,
    )


def build(
    params: Parameters,
    data: Aggregates,
    generated_at: datetime,
    versions: Sequence[tuple[str, str]] = (),
) -> Report:
    """Return the report for ``data``: every table suppressed, with the data hash."""
    t = params.threshold
    trained = Section(
        "trained",
        "People trained",
        "Distinct learners who were issued at least one certificate in the period, grouped by "
        "their discipline and agency as recorded now.",
        (
            _one_way("trained_by_discipline", "People trained by discipline", "Discipline",
                     "People trained", data.trained_by_discipline, t),
            _one_way("trained_by_agency_type", "People trained by agency type", "Agency type",
                     "People trained", data.trained_by_agency_type, t),
            _one_way("trained_by_region", "People trained by region", "Region",
                     "People trained", data.trained_by_region, t),
        ),
    )  # fmt: skip
    standing = Section(
        "standing",
        "Completion and overdue rates",
        f"Learner-requirement pairs as they stood on {params.as_of.isoformat()}. Met: the "
        "requirement was satisfied. Overdue: past the deadline without valid training (never "
        "completed, or lapsed). Not yet due: the rest.",
        (
            _standing("standing_by_requirement", "Completion and overdue by requirement",
                      "Requirement", data.standing_by_requirement, t),
            _standing("standing_by_agency_type", "Completion and overdue by agency type",
                      "Agency type", data.standing_by_agency_type, t),
            _standing("standing_by_region", "Completion and overdue by region", "Region",
                      data.standing_by_region, t),
        ),
    )  # fmt: skip
    certificates = Section(
        "certificates",
        "Certificates",
        "Issued: issued in the period. Expired: reached their expiry date in the period, "
        "whatever their status. Revoked: revoked by the oversight body in the period.",
        (_certificates(data.certificates_by_course, t),),
    )
    gain = Section(
        "knowledge_gain",
        "Knowledge gain",
        "Learners who took the course's pre-test and whose first final attempt was submitted in "
        "the period (first attempts at both). Scores are shares of the marks; mean gain is in "
        "percentage points; the normalised gain is Hake's (final mean - pre-test mean) / "
        "(1 - pre-test mean).",
        (_gain(data.gain_by_course, t),),
    )
    return Report(
        title=f"Annual report to the legislature: {params.label}",
        parameters=params,
        generated_at=generated_at,
        data_hash=data_hash(params, data),
        sections=(trained, standing, certificates, gain),
        versions=tuple(versions),
        notes=(
            f"<{t}: a count from 1 to {t - 1}, not shown to protect the people counted.",
            f"{COMPLEMENT_TEXT}: not shown, so that a count under {t} cannot be worked out "
            "from the totals; a rate is not shown when a count it is made from is not.",
            f"{NOT_APPLICABLE_TEXT}: nothing to compute (no one in the group).",
        ),
    )


def long_rows(report: Report) -> list[tuple[str, str, str, str, str]]:
    """Return the report as (section, dimension, value, measure, figure) rows for the CSV."""
    found = [("Report information", "Parameter", name, "", value) for name, value in report.facts()]
    for section in report.sections:
        for table in section.tables:
            for row in (*table.rows, *((table.total,) if table.total else ())):
                for column, figure in zip(table.columns, row.figures, strict=True):
                    found.append((section.heading, table.dimension, row.label, column, figure.text))
    return found
