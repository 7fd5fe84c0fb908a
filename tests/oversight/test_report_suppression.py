"""Small-cell suppression and the annual report's data hash (table-driven and hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.oversight.report import (
    COMPLEMENT_TEXT,
    Aggregates,
    CertificateCounts,
    GainFigures,
    Parameters,
    StandingCounts,
    build,
    data_hash,
    long_rows,
)
from lms.oversight.suppression import Hidden, determined, lines_of, reader_bounds, suppress

P, C, S = Hidden.PRIMARY, Hidden.COMPLEMENTARY, Hidden.SHOWN
PARAMS = Parameters(date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 31))
NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def column(*values: int):
    return suppress([[v] for v in values], row_totals=False, column_totals=True)


# -- table-driven ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "marks", "total"),
    [
        # Nothing small: everything shown.
        ((40, 30, 20), (S, S, S), S),
        # Zero is shown; a zero never protects anything.
        ((0, 40, 30), (S, S, S), S),
        # One small count: the next smallest is hidden too, the total stays.
        ((5, 40, 30), (P, S, C), S),
        # Two small counts protect each other.
        ((5, 7, 40), (P, P, S), S),
        # A small total is hidden with its small parts.
        ((3, 0, 4), (P, S, P), P),
        # 10 + 10 = 20 would give both away ("<11" means at most 10): the total goes.
        ((10, 10), (P, P), C),
        # 1 + "11 or more" + "11 or more" = 23 pins the 1: the total goes.
        ((1, 11, 11), (P, C, C), C),
        # Exactly 11 is not small.
        ((11, 12), (S, S), S),
    ],
)
def test_one_way_tables(values, marks, total):
    s = column(*values)
    assert tuple(m[0] for m in s.marks) == marks
    assert s.column_total_marks == (total,)


def test_two_way_table_with_margins():
    s = suppress([[5, 20, 30], [12, 13, 40], [50, 60, 70]], row_totals=True, column_totals=True)
    assert s.marks == ((P, C, S), (C, C, S), (S, S, S))
    assert s.row_total_marks == (S, S, S)
    assert s.column_total_marks == (S, S, S)
    assert s.grand_total == 300 and s.grand_total_mark == S


def test_exact_algebra_finds_what_one_line_does_not():
    # Two hidden 2x2 blocks joined by one hidden cell: every line has two unknowns, yet the
    # joining cell is fixed by the equations (a bridge in the rows-columns graph).
    marks = {
        (0, 0): P, (0, 1): P, (1, 0): P, (1, 1): P,
        (2, 2): P, (2, 3): P, (3, 2): P, (3, 3): P,
        (1, 2): P,
    }  # fmt: skip
    lines = lines_of(4, 4, row_totals=True, column_totals=True)
    full = {(i, j): marks.get((i, j), S) for i in range(5) for j in range(5)}
    assert (1, 2) in determined(full, lines)
    assert (0, 0) not in determined(full, lines)


def test_rates_are_hidden_with_their_counts():
    data = Aggregates(
        standing_by_requirement=(
            StandingCounts("Core", met=5, pending=40, overdue=30),
            StandingCounts("Identification", met=50, pending=60, overdue=70),
        )
    )
    (table,) = [t for s in build(PARAMS, data, NOW).sections for t in s.tables
                if t.key == "standing_by_requirement"]  # fmt: skip
    core = {c: f.text for c, f in zip(table.columns, table.rows[0].figures, strict=True)}
    assert core["Met"] == "<11"
    assert core["Completion rate"] == COMPLEMENT_TEXT
    ident = {c: f.text for c, f in zip(table.columns, table.rows[1].figures, strict=True)}
    # Met 50 and Overdue 70 protect Core's 5 (and Core's 30 in its column); rates go with them.
    assert ident == {
        "Met": COMPLEMENT_TEXT,
        "Not yet due": "60",
        "Overdue": COMPLEMENT_TEXT,
        "Covered": "180",
        "Completion rate": COMPLEMENT_TEXT,
        "Overdue rate": COMPLEMENT_TEXT,
    }
    total = {c: f.text for c, f in zip(table.columns, table.total.figures, strict=True)}
    assert total["Completion rate"] == "21.6%"  # 55 of 255, from the shown totals


def test_gain_figures_are_hidden_for_small_groups():
    data = Aggregates(
        gain_by_course=(
            GainFigures("Foundations", 12, 0.5, 0.9, 0.4, 0.8),
            GainFigures("Equity", 4, 0.2, 0.6, 0.4, 0.5),
            GainFigures("Referral", 30, 0.6, 0.8, 0.2, 0.5),
        )
    )
    table = build(PARAMS, data, NOW).sections[3].tables[0]
    rows = {r.label: [f.text for f in r.figures] for r in table.rows}
    assert rows["Equity"] == ["<11", *[COMPLEMENT_TEXT] * 4]
    assert rows["Foundations"] == [COMPLEMENT_TEXT] * 5  # the complement of Equity's 4
    assert rows["Referral"] == ["30", "60.0%", "80.0%", "+20.0 points", "0.50"]
    assert table.total.figures[0].text == "46"


def test_csv_rows_carry_parameters_and_hash():
    report = build(PARAMS, Aggregates(trained_by_region=(("Coastal", 3), ("Northern", 40))), NOW)
    rows = long_rows(report)
    assert ("Report information", "Parameter", "Data hash (SHA-256)", "", report.data_hash) in rows
    assert ("People trained", "Region", "Coastal", "People trained", "<11") in rows
    assert ("People trained", "Region", "Northern", "People trained", COMPLEMENT_TEXT) in rows
    assert ("People trained", "Region", "All", "People trained", "43") in rows


# -- the data hash ------------------------------------------------------------------------------

DATA = Aggregates(
    trained_by_discipline=(("Law enforcement", 14), ("Juvenile justice", 1)),
    certificates_by_course=(CertificateCounts("Foundations", 15, 1, 1),),
    gain_by_course=(GainFigures("Foundations", 12, 0.5, 0.9, 0.4, 0.8),),
)


def test_hash_depends_on_data_and_parameters_only():
    same = Aggregates(
        trained_by_discipline=(("Juvenile justice", 1), ("Law enforcement", 14)),  # reordered
        certificates_by_course=DATA.certificates_by_course,
        gain_by_course=DATA.gain_by_course,
    )
    assert data_hash(PARAMS, DATA) == data_hash(PARAMS, same)
    assert build(PARAMS, DATA, NOW).data_hash == build(PARAMS, DATA, datetime.now(UTC)).data_hash
    changed = Aggregates(
        trained_by_discipline=DATA.trained_by_discipline,
        certificates_by_course=(CertificateCounts("Foundations", 15, 1, 2),),
        gain_by_course=DATA.gain_by_course,
    )
    assert data_hash(PARAMS, DATA) != data_hash(PARAMS, changed)
    later = Parameters(PARAMS.start, PARAMS.end, PARAMS.as_of, threshold=5)
    assert data_hash(PARAMS, DATA) != data_hash(later, DATA)
    assert len(data_hash(PARAMS, DATA)) == 64


# -- properties ---------------------------------------------------------------------------------

settings.register_profile("suppression", deadline=None, max_examples=300)
counts = st.one_of(st.integers(0, 12), st.integers(0, 60), st.integers(0, 400))


@st.composite
def tables(draw):
    rows = draw(st.integers(1, 5))
    cols = draw(st.integers(1, 4))
    cells = draw(st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=rows,
                          max_size=rows))  # fmt: skip
    return cells, draw(st.booleans()), draw(st.booleans())


def _positions(s, rows: int, cols: int):
    """Return (position -> (true value, mark)) over the cells and whatever margins exist."""
    found = {(i, j): (s.cells[i][j], s.marks[i][j]) for i in range(rows) for j in range(cols)}
    if s.row_totals is not None:
        found |= {(i, cols): (s.row_totals[i], s.row_total_marks[i]) for i in range(rows)}
    if s.column_totals is not None:
        found |= {(rows, j): (s.column_totals[j], s.column_total_marks[j]) for j in range(cols)}
    if s.grand_total is not None:
        found[(rows, cols)] = (s.grand_total, s.grand_total_mark)
    return found


@settings(settings.get_profile("suppression"))
@given(tables())
def test_suppression_properties(table):
    cells, row_totals, column_totals = table
    rows, cols = len(cells), len(cells[0])
    s = suppress(cells, row_totals=row_totals, column_totals=column_totals)
    found = _positions(s, rows, cols)
    # Values are the true ones (totals from the true counts).
    assert [list(r) for r in s.cells] == cells
    if s.row_totals is not None:
        assert list(s.row_totals) == [sum(r) for r in cells]
    if s.column_totals is not None:
        assert list(s.column_totals) == [sum(r[j] for r in cells) for j in range(cols)]
    for value, mark in found.values():
        # Every count from 1 to 10 is hidden as small; 0 and larger counts never are.
        assert (mark == P) == (1 <= value <= 10)
        # Complements are never zero (a hidden zero would mislead and protect nothing).
        assert mark != C or value >= 11
    lines = lines_of(rows, cols, row_totals, column_totals)
    marks = {p: m for p, (_, m) in found.items()}
    for line in lines:
        members = (*line.terms, line.total)
        assert sum(marks[p] != S for p in members) != 1, f"{line} gives away its hidden figure"
    # Neither the equations nor the ranges "<11" and "n/s" stand for pin a small count down.
    assert not {p for p in determined(marks, lines) if marks[p] == P}
    values = {p: v for p, (v, _) in found.items()}
    bounds = reader_bounds(values, marks, lines, 11)
    assert all(bounds[p][0] < bounds[p][1] for p, m in marks.items() if m == P)


@settings(settings.get_profile("suppression"))
@given(st.lists(st.integers(0, 30), min_size=1, max_size=6))
def test_one_way_tables_cannot_be_backed_out_by_brute_force(values):
    """Enumerate every table a reader could believe in: each small count keeps >1 value."""
    s = column(*values)
    hidden = [i for i, m in enumerate(s.marks) if m[0] != S]
    if not hidden:
        return
    total_mark = s.column_total_marks[0]
    shown_sum = sum(v for i, v in enumerate(values) if i not in hidden)
    limit = sum(values) + 12

    def allowed(mark: Hidden) -> range:
        return range(1, 11) if mark == P else range(11, limit)

    possible: dict[int, set[int]] = {i: set() for i in hidden}
    if len(hidden) > 4:
        return  # enumeration too large; the bounds property above covers it
    for guess in product(*(allowed(s.marks[i][0]) for i in hidden)):
        total = shown_sum + sum(guess)
        ok = total == s.column_totals[0] if total_mark == S else total in allowed(total_mark)
        if ok:
            for i, v in zip(hidden, guess, strict=True):
                possible[i].add(v)
    for i in hidden:
        assert values[i] in possible[i]
        if s.marks[i][0] == P:
            assert len(possible[i]) > 1, f"cell {i} ({values[i]}) is given away"


@settings(settings.get_profile("suppression"))
@given(st.lists(st.tuples(st.text(min_size=1, max_size=8), st.integers(0, 40)), max_size=6))
def test_shown_figures_in_the_report_are_the_true_counts(rows):
    rows = list(dict(rows).items())  # one count per label
    report = build(PARAMS, Aggregates(trained_by_region=tuple(rows)), NOW)
    table = report.sections[0].tables[2]
    by_label = {r.label: r.figures[0] for r in table.rows}
    for label, n in rows:
        figure = by_label[label]
        if figure.hidden == S:
            assert figure.text == f"{n:,}"
        else:
            assert figure.text in ("<11", COMPLEMENT_TEXT)
            assert (figure.text == "<11") == (1 <= n <= 10)


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.lists(st.sampled_from([0, 1, 2, 5, 9, 10, 11, 12, 13, 20]), min_size=2, max_size=3),
        min_size=2,
        max_size=2,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    st.sampled_from([(True, True), (True, False), (False, True)]),
)
def test_two_way_tables_cannot_be_backed_out_by_brute_force(cells, margins):
    """Every table a reader could believe in, by enumeration where that is small enough."""
    row_totals, column_totals = margins
    s = suppress(cells, row_totals=row_totals, column_totals=column_totals)
    rows, cols = len(cells), len(cells[0])
    found = _positions(s, rows, cols)
    hidden = [(i, j) for i in range(rows) for j in range(cols) if s.marks[i][j] != S]
    limit = sum(map(sum, cells)) + 12

    def allowed(mark: Hidden) -> range:
        return range(1, 11) if mark == P else range(11, limit)

    lines = lines_of(rows, cols, row_totals, column_totals)

    def candidates(cell: tuple[int, int]) -> range:
        # No count exceeds a shown total of a line it is in (counts are never negative).
        caps = [found[ln.total][0] for ln in lines if cell in ln.terms and found[ln.total][1] == S]
        full = allowed(found[cell][1])
        return range(full.start, min([full.stop, *(c + 1 for c in caps)]))

    ranges = [candidates(h) for h in hidden]
    size = 1
    for r in ranges:
        size *= len(r)
    if not hidden or size > 50_000:
        return
    possible: dict[tuple[int, int], set[int]] = {h: set() for h in hidden}
    for guess in product(*ranges):
        values = {p: v for p, (v, _) in found.items()}
        values.update(zip(hidden, guess, strict=True))
        margins_ok = True
        for line in lines:
            if all(p[0] < rows and p[1] < cols for p in line.terms):  # a row or a column
                value, mark = found[line.total]
                total = sum(values[p] for p in line.terms)
                margins_ok &= total == value if mark == S else total in allowed(mark)
        if row_totals and column_totals:
            value, mark = found[(rows, cols)]
            total = sum(guessed for p, guessed in values.items() if p[0] < rows and p[1] < cols)
            margins_ok &= total == value if mark == S else total in allowed(mark)
        if margins_ok:
            for h, v in zip(hidden, guess, strict=True):
                possible[h].add(v)
    for h in hidden:
        assert cells[h[0]][h[1]] in possible[h]
        if s.marks[h[0]][h[1]] == P:
            assert len(possible[h]) > 1, f"cell {h} ({cells[h[0]][h[1]]}) is given away"
