"""Small-cell suppression of count tables with totals, after the CMS cell-size policy.

Pure (used by :mod:`lms.oversight.report`). A table is counts in rows and columns, with row
totals, column totals or both (and then a grand total); every total is an equation.

* **Primary**: a count from 1 to ``threshold - 1`` (1 to 10) is shown as ``"<11"``, totals
  included. A count of 0 is shown: it is the absence of anyone, and suppressing it as well
  would hide whole empty categories without protecting a person (CMS shows 0 too).
* **Complementary**: every total printed is an equation a reader can solve. A count hidden to
  protect a small one is shown as ``"n/s"`` (not shown). The rules, applied until nothing
  changes:

  1. A line (a row with its total, a column with its total, the row of totals with the grand
     total) with exactly one hidden figure would give it away, so the next smallest non-zero
     count in that line is hidden too (one that mends another such line at the same time
     first, so fewer counts are lost); when there is none, the line's total is hidden.
  2. A reader knows more than the equations: "<11" means 1 to 10, and "n/s" means 11 or more
     (only counts of 11 or more are hidden as complements). Bounds are propagated through every
     line; a small count whose range narrows to one value gets a complement as in rule 1.
  3. Exact linear algebra (over the rationals) over every line: a small count fixed by the
     system as a whole (not only by one line) gets a complement as in rule 1.

  Totals are computed from the true counts and shown unless they are small or rule 1 had no
  other figure to hide.
* Known limit: rule 2 propagates bounds line by line, which is exact for one-way tables and
  for a line on its own but weaker than linear programming across a two-way table; rule 3 still
  rules out exact recovery by the equations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import chain

THRESHOLD = 11


class Hidden(StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  #: a small count: 1 to threshold - 1
    COMPLEMENTARY = "complementary"  #: hidden so that a small count cannot be worked out


Pos = tuple[int, int]


@dataclass(frozen=True)
class Suppressed:
    """A table's counts with a mark for each; margins are None where the table has none."""

    cells: tuple[tuple[int, ...], ...]
    marks: tuple[tuple[Hidden, ...], ...]
    row_totals: tuple[int, ...] | None
    row_total_marks: tuple[Hidden, ...] | None
    column_totals: tuple[int, ...] | None
    column_total_marks: tuple[Hidden, ...] | None
    grand_total: int | None
    grand_total_mark: Hidden | None


@dataclass(frozen=True)
class Line:
    """One equation a reader can write: ``sum(terms) == total``."""

    terms: tuple[Pos, ...]
    total: Pos


def lines_of(rows: int, columns: int, row_totals: bool, column_totals: bool) -> list[Line]:
    """Return the equations of a rows x columns table; margins sit at index rows / columns."""
    found = []
    if row_totals:
        found += [Line(tuple((i, j) for j in range(columns)), (i, columns)) for i in range(rows)]
    if column_totals:
        found += [Line(tuple((i, j) for i in range(rows)), (rows, j)) for j in range(columns)]
    if row_totals and column_totals:
        found.append(Line(tuple((rows, j) for j in range(columns)), (rows, columns)))
        found.append(Line(tuple((i, columns) for i in range(rows)), (rows, columns)))
    return found


def suppress(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool,
    column_totals: bool,
    threshold: int = THRESHOLD,
) -> Suppressed:
    """Return the table's counts and totals, each marked shown or hidden (see the module doc)."""
    grid = tuple(tuple(int(v) for v in row) for row in cells)
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    if any(len(row) != n_cols for row in grid) or any(v < 0 for v in chain(*grid)):
        raise ValueError("a table needs rows of equal length and counts of 0 or more")
    values: dict[Pos, int] = {(i, j): v for i, row in enumerate(grid) for j, v in enumerate(row)}
    if row_totals:
        values.update({(i, n_cols): sum(grid[i]) for i in range(n_rows)})
    if column_totals:
        values.update({(n_rows, j): sum(r[j] for r in grid) for j in range(n_cols)})
    if row_totals and column_totals:
        values[(n_rows, n_cols)] = sum(chain(*grid))
    lines = lines_of(n_rows, n_cols, row_totals, column_totals)
    marks = {p: Hidden.PRIMARY if 0 < v < threshold else Hidden.SHOWN for p, v in values.items()}
    _protect(values, marks, lines, threshold)

    def mark_row(i: int) -> tuple[Hidden, ...]:
        return tuple(marks[(i, j)] for j in range(n_cols))

    return Suppressed(
        cells=grid,
        marks=tuple(mark_row(i) for i in range(n_rows)),
        row_totals=tuple(values[(i, n_cols)] for i in range(n_rows)) if row_totals else None,
        row_total_marks=tuple(marks[(i, n_cols)] for i in range(n_rows)) if row_totals else None,
        column_totals=tuple(values[(n_rows, j)] for j in range(n_cols)) if column_totals else None,
        column_total_marks=mark_row(n_rows) if column_totals else None,
        grand_total=values.get((n_rows, n_cols)),
        grand_total_mark=marks.get((n_rows, n_cols)),
    )


def _protect(
    values: dict[Pos, int], marks: dict[Pos, Hidden], lines: list[Line], threshold: int
) -> None:
    """Add complementary suppressions until no small count can be recovered."""
    while True:
        single = next((ln for ln in lines if len(_hidden(ln, marks)) == 1), None)
        if single is not None:
            if _complement(single, values, marks, lines):
                continue
            return  # nothing left to hide (cannot happen for consistent totals)
        exposed = _pinned(values, marks, lines, threshold) or _determined(values, marks, lines)
        if exposed is None:
            return
        if not any(
            _complement(ln, values, marks, lines) for ln in lines if exposed in _members(ln)
        ):
            # Every line through it is hidden already: widen the nearest line instead.
            shown = [p for p, m in marks.items() if m == Hidden.SHOWN and values[p] > 0]
            if not shown:
                return
            marks[min(shown, key=lambda p: (values[p], p))] = Hidden.COMPLEMENTARY


def _members(line: Line) -> tuple[Pos, ...]:
    return (*line.terms, line.total)


def _hidden(line: Line, marks: dict[Pos, Hidden]) -> list[Pos]:
    return [p for p in _members(line) if marks[p] != Hidden.SHOWN]


def _complement(
    line: Line, values: dict[Pos, int], marks: dict[Pos, Hidden], lines: list[Line]
) -> bool:
    """Hide the smallest non-zero shown term of ``line``, else its total; False if neither.

    A term that also mends another line (one with a single hidden figure) goes first: hiding
    it protects two lines at once, so fewer counts are hidden overall.
    """
    candidates = [p for p in line.terms if marks[p] == Hidden.SHOWN and values[p] > 0]
    if candidates:

        def mends(p: Pos) -> int:
            others = (ln for ln in lines if ln != line and p in _members(ln))
            return sum(len(_hidden(ln, marks)) == 1 for ln in others)

        best = min(candidates, key=lambda p: (-mends(p), values[p], p))
        marks[best] = Hidden.COMPLEMENTARY
        return True
    if marks[line.total] == Hidden.SHOWN and values[line.total] > 0:
        marks[line.total] = Hidden.COMPLEMENTARY
        return True
    return False


def reader_bounds(
    values: dict[Pos, int], marks: dict[Pos, Hidden], lines: list[Line], threshold: int
) -> dict[Pos, tuple[float, float]]:
    """Return what a reader can infer of each figure: a range, propagated through every line."""
    inf = float("inf")
    bounds: dict[Pos, tuple[float, float]] = {
        p: (values[p], values[p])
        if m == Hidden.SHOWN
        else (1, threshold - 1)
        if m == Hidden.PRIMARY
        else (threshold, inf)
        for p, m in marks.items()
    }
    changed, passes = True, 0
    while changed and passes < _MAX_PASSES:
        changed, passes = False, passes + 1
        for line in lines:
            lows = [bounds[p][0] for p in line.terms]
            highs = [bounds[p][1] for p in line.terms]
            low_sum, high_sum = sum(lows), sum(highs)
            t_low, t_high = bounds[line.total]
            updates = {line.total: (max(t_low, low_sum), min(t_high, high_sum))}
            for p, low, high in zip(line.terms, lows, highs, strict=True):
                others_high = high_sum - high if high != inf else _sum_without(highs, high)
                updates[p] = (max(low, t_low - others_high), min(high, t_high - (low_sum - low)))
            for p, (low, high) in updates.items():
                if (low, high) != bounds[p] and low <= high:
                    bounds[p] = (low, high)
                    changed = True
    return bounds


#: Bounds can creep towards each other one unit a pass around a cycle of lines; stopping early
#: only leaves ranges wider than a reader could get (rule 3 still checks exact recovery).
_MAX_PASSES = 200


def _sum_without(values: list[float], one: float) -> float:
    rest = list(values)
    rest.remove(one)
    return sum(rest)


def _pinned(
    values: dict[Pos, int], marks: dict[Pos, Hidden], lines: list[Line], threshold: int
) -> Pos | None:
    bounds = reader_bounds(values, marks, lines, threshold)
    small = sorted(p for p, m in marks.items() if m == Hidden.PRIMARY)
    return next((p for p in small if bounds[p][0] == bounds[p][1]), None)


def determined(marks: dict[Pos, Hidden], lines: list[Line]) -> set[Pos]:
    """Return the hidden figures that the lines' equations fix (exact rational elimination)."""
    unknown = sorted(p for p, m in marks.items() if m != Hidden.SHOWN)
    index = {p: k for k, p in enumerate(unknown)}
    matrix: list[list[Fraction]] = []
    for line in lines:
        row = [Fraction(0)] * len(unknown)
        for p in line.terms:
            if p in index:
                row[index[p]] += 1
        if line.total in index:
            row[index[line.total]] -= 1
        if any(row):
            matrix.append(row)
    pivots: list[int] = []
    r = 0
    for c in range(len(unknown)):
        pivot = next((k for k in range(r, len(matrix)) if matrix[k][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for k in range(len(matrix)):
            if k != r and matrix[k][c] != 0:
                factor = matrix[k][c]
                matrix[k] = [a - factor * b for a, b in zip(matrix[k], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    fixed = set()
    for row_number, c in enumerate(pivots):
        if all(v == 0 for k, v in enumerate(matrix[row_number]) if k != c):
            fixed.add(unknown[c])
    return fixed


def _determined(values: dict[Pos, int], marks: dict[Pos, Hidden], lines: list[Line]) -> Pos | None:
    del values  # the equations alone decide
    fixed = determined(marks, lines)
    return next((p for p in sorted(fixed) if marks[p] == Hidden.PRIMARY), None)
