"""Property-based tests for the native quiz format: robustness and exact round trips.

Generated texts follow the format's documented text rules (``lms/assessments/quizfile.py``,
"Round trips"): one-line texts are stripped and hold no line break; multi-line texts do not
start blank or end with whitespace, no line starts ``## ``, and stems keep clear of their
kind's answer syntax. Everything else (``[``, ``->`` in answers, ``%``, unicode, markdown)
is fair game, and the writer must escape what needs escaping.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.assessments.quizfile import dump_question, dump_quiz, parse_quiz
from lms.assessments.spec import (
    Choice,
    Draw,
    Grading,
    Item,
    Kind,
    NumericAnswer,
    OrderingScoring,
    Pair,
    Question,
    QuizKind,
    QuizSettings,
    QuizSpec,
    Reveal,
    TextAnswer,
)
from lms.courses.spec import Problem

FAST = settings(
    max_examples=120,
    deadline=None,
    database=None,  # keep the work tree free of .hypothesis/
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
FIXTURES = Path(__file__).parent / "fixtures" / "quizfile"
FIXTURE_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.md"))]


def _normalised(quiz: QuizSpec) -> QuizSpec:
    questions = tuple(dataclasses.replace(q, line=0) for q in quiz.questions)
    return dataclasses.replace(quiz, path="", questions=questions)


# --- texts ------------------------------------------------------------------------------------

CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
SYNTAX_BITS = ["[x]", "[ ]", "[50%]", "->", "=", "- ", "1. ", "*", "`", "#", "±", "+-", ".."]
one_line = st.one_of(
    st.text(CHARS, min_size=1, max_size=24),
    st.lists(st.sampled_from([*SYNTAX_BITS, "word", " ", "é", "数"]), min_size=1, max_size=6).map(
        "".join
    ),
).map(lambda text: text.strip() or "word")  # mapped, not filtered: generation stays cheap
maybe_line = st.one_of(st.just(""), one_line)
slug = st.lists(st.text("abcz019", min_size=1, max_size=5), min_size=1, max_size=3).map("-".join)
MARKDOWN_LINES = [
    "Some *emphasis* and `code`.", "- a bullet", "1. a numbered line", "> a quote",
    "    indented code", "  - nested bullet", "### a smaller heading", "---", "| a | b |",
    "Text with a [link](https://example.org).", "answer: in a stem", "= equals", "- [x] task",
    "- a -> b", "explanation is a word", "#hashtag", "   ", "trailing spaces  ",
]  # fmt: skip


def _stem_safe(kind: Kind | None, row: str, last: bool) -> bool:
    """Apply the documented stem rules (intro rules when ``kind`` is None)."""
    if row.startswith("##") or (kind is not None and row.startswith("explanation:")):
        return False
    starts = {
        Kind.SINGLE: ("- [",), Kind.MULTIPLE: ("- [",), Kind.SHORT: ("=",),
        Kind.NUMERICAL: ("=",), Kind.TRUE_FALSE: ("answer:", "feedback_true:", "feedback_false:"),
    }.get(kind, ())  # fmt: skip
    if kind is not None and row.startswith(starts):
        return False
    if last and kind is Kind.MATCHING and row.startswith("-"):
        return False
    return not (last and kind is Kind.ORDERING and row[:1].isdigit())


@st.composite
def block(draw: st.DrawFn, kind: Kind | None = None, explanation: bool = False) -> str:
    """Draw a multi-line markdown text: a stem for ``kind``, an intro, or an explanation."""
    paragraphs = draw(
        st.lists(
            st.lists(st.one_of(one_line, st.sampled_from(MARKDOWN_LINES)), min_size=1, max_size=3),
            min_size=1,
            max_size=3,
        )
    )
    rows = [row for paragraph in paragraphs for row in [*paragraph, ""]][:-1]
    while len(rows) > 1 and not rows[-1].strip():
        rows.pop()
    if not explanation:
        rows = [row if _stem_safe(kind, row, False) else f"x {row}" for row in rows]
        if not _stem_safe(kind, rows[-1].strip(), True):
            rows.append("A closing sentence.")
    text = "\n".join(rows)
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip() or "Stem."


# --- questions and quizzes ---------------------------------------------------------------------

choice_weight = st.fractions(min_value=-1, max_value=1, max_denominator=12)
answer_weight = st.fractions(min_value=0, max_value=1, max_denominator=12)
number = st.decimals(min_value=-1000, max_value=1000, places=2).map(lambda d: format(d, "f"))
tolerance = st.decimals(min_value=0, max_value=50, places=1).map(lambda d: format(d, "f"))


@st.composite
def numeric_answer(draw: st.DrawFn) -> NumericAnswer:
    """Draw an accepted number written as the author would: exact, tolerance or range."""
    weight, feedback = draw(answer_weight), draw(maybe_line)
    form = draw(st.sampled_from(["exact", "+-", "±", "range"]))
    value = draw(number)
    if form == "exact":
        return NumericAnswer(Decimal(value), Decimal(value), weight, feedback, value)
    if form == "range":
        low, high = sorted([Decimal(value), Decimal(draw(number))])
        source = f"{format(low, 'f')}..{format(high, 'f')}"
        return NumericAnswer(low, high, weight, feedback, source)
    spread = draw(tolerance)
    bounds = Decimal(value) - Decimal(spread), Decimal(value) + Decimal(spread)
    return NumericAnswer(*bounds, weight, feedback, f"{value} {form} {spread}")


@st.composite
def question(draw: st.DrawFn, pools: list[str]) -> Question:
    """Draw a valid question of any kind."""
    kind = draw(st.sampled_from(list(Kind)))
    fields: dict[str, object] = {}
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        rows = draw(
            st.lists(st.tuples(one_line, choice_weight, maybe_line), min_size=1, max_size=6)
        )
        fields["choices"] = tuple(
            Choice(chr(ord("a") + i), text, weight, feedback)
            for i, (text, weight, feedback) in enumerate(rows)
        )
    elif kind is Kind.TRUE_FALSE:
        right = draw(st.booleans())
        fields["choices"] = (
            Choice("true", "True", Fraction(int(right)), draw(maybe_line)),
            Choice("false", "False", Fraction(int(not right)), draw(maybe_line)),
        )
    elif kind is Kind.SHORT:
        rows = draw(
            st.lists(st.tuples(one_line, answer_weight, maybe_line), min_size=1, max_size=4)
        )
        fields["answers"] = tuple(TextAnswer(*row) for row in rows)
        fields["case_sensitive"] = draw(st.booleans())
    elif kind is Kind.NUMERICAL:
        fields["numbers"] = tuple(draw(st.lists(numeric_answer(), min_size=1, max_size=3)))
    elif kind is Kind.MATCHING:
        prompts = one_line.map(lambda text: text.replace("->", "→"))
        rows = draw(st.lists(st.tuples(prompts, one_line), min_size=1, max_size=4))
        fields["pairs"] = tuple(Pair(f"p{i}", *row) for i, row in enumerate(rows, 1))
        fields["distractors"] = tuple(draw(st.lists(one_line, max_size=2)))
    else:
        rows = draw(st.lists(one_line, min_size=1, max_size=5))
        fields["items"] = tuple(Item(f"i{i}", text) for i, text in enumerate(rows, 1))
        fields["ordering_scoring"] = draw(st.sampled_from(list(OrderingScoring)))
    tag = one_line.map(lambda text: text.replace(",", ";").strip() or "tag")
    return Question(
        id=draw(slug),
        kind=kind,
        text=draw(block(kind)),
        pool=draw(st.sampled_from(pools)),
        tags=tuple(draw(st.lists(tag, max_size=3))),
        points=draw(st.fractions(min_value=Fraction(1, 8), max_value=10, max_denominator=8)),
        shuffle=draw(st.booleans()),
        feedback=draw(st.one_of(st.just(""), block(explanation=True))),
        **fields,  # type: ignore[arg-type]
    )


@st.composite
def quiz(draw: st.DrawFn) -> QuizSpec:
    """Draw a valid quiz: unique question ids, draws within their pools, module iff check."""
    pools = draw(st.lists(slug, min_size=1, max_size=3, unique=True))
    questions = draw(st.lists(question(pools), min_size=1, max_size=4, unique_by=lambda q: q.id))
    held = {pool: sum(q.pool == pool for q in questions) for pool in pools}
    drawn = draw(st.lists(st.sampled_from([p for p in pools if held[p]]), unique=True))
    kind = draw(st.sampled_from(list(QuizKind)))
    quiz_settings = QuizSettings(
        pass_mark=draw(st.fractions(min_value=0, max_value=1, max_denominator=40).filter(bool)),
        draws=tuple(Draw(p, draw(st.integers(1, held[p]))) for p in drawn),
        attempts=draw(st.one_of(st.none(), st.integers(1, 20))),
        grading=draw(st.sampled_from(list(Grading))),
        cooldown_minutes=draw(st.integers(0, 10_000)),
        time_limit_minutes=draw(st.one_of(st.none(), st.integers(1, 600))),
        show_feedback=draw(st.sampled_from(list(Reveal))),
        show_answers=draw(st.sampled_from(list(Reveal))),
        shuffle_questions=draw(st.booleans()),
    )
    return QuizSpec(
        slug=draw(slug),
        kind=kind,
        title=draw(one_line),
        settings=quiz_settings,
        questions=tuple(questions),
        module=draw(slug) if kind is QuizKind.CHECK else None,
        intro=draw(st.one_of(st.just(""), block(None))),
    )


@settings(FAST, max_examples=40)  # whole quizzes are costly to generate; questions get more
@given(quiz())
def test_dump_then_parse_is_the_identity(spec: QuizSpec) -> None:
    text = dump_quiz(spec)
    parsed, problems = parse_quiz(text, f"content/c/quiz-{spec.slug}.md")
    assert problems == []
    assert parsed is not None and _normalised(parsed) == _normalised(spec)
    assert [q.line for q in parsed.questions] == [
        i + 1 for i, row in enumerate(text.split("\n")) if row.startswith("## ")
    ]
    assert dump_quiz(parsed) == text


@settings(FAST, max_examples=80)
@given(question(["p"]))
def test_dump_question_round_trips_inside_any_quiz(spec: Question) -> None:
    text = "---\ntitle: T\nkind: pretest\n---\n\n" + dump_question(spec)
    parsed, problems = parse_quiz(text, "quiz-q.md")
    assert problems == [] and parsed is not None
    assert dataclasses.replace(parsed.questions[0], line=0) == spec


# --- robustness --------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "---\n", "title: T\n", "kind: final\n", "kind: check\n", "module: m\n", "pass_mark: 80%\n",
        "draw:\n  p: 2\n", "draw: {p: x}\n", "attempts: unlimited\n", "## q\n", "## q\n", "##\n",
        "kind: single\n", "kind: multiple\n", "kind: true_false\n", "kind: short\n",
        "kind: numerical\n", "kind: matching\n", "kind: ordering\n", "pool: p\n", "points: 1/0\n",
        "tags: a,,b\n", "shuffle: no\n", "scoring: all_or_nothing\n", "case_sensitive: yes\n",
        "\n", "\n\n", "Stem text.\n", "- [x] a\n", "- [ ] b\n", "- [50%] c\n", "- [1/0] d\n",
        "- [x]\n", "  feedback: f\n", "= 42\n", "= 1..0\n", "= 4 +- 1\n", "= [99999%] x\n",
        "= [" + "9" * 5000 + "/3] y\n", "1. one\n", "2. two\n", "7. seven\n",
        "1" * 40 + ". long\n", "- a -> b\n", "- -> c\n", "- d\n", "answer: true\n",
        "answer: nope\n", "feedback_true: t\n", "explanation: e\n", "  more\n", "\tmore\n",
        "\r\n", "\ufeff", "[", "]", "->", "%", "±", "..", "\x00", "\x85", "\u2028", "é",
    ]
)  # fmt: skip


@st.composite
def mutated_fixture(draw: st.DrawFn) -> str:
    """Draw a fixture with a few lines deleted, duplicated or replaced by format pieces."""
    rows = draw(st.sampled_from(FIXTURE_TEXTS)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(rows) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "insert"]))
        if action == "delete":
            del rows[index]
        elif action == "duplicate":
            rows.insert(index, rows[index])
        else:
            piece = draw(PIECES).rstrip("\n")
            rows[index : index + (action == "replace")] = [piece]
        if not rows:
            rows = [""]
    return "\n".join(rows)


arbitrary = st.one_of(
    st.text(),
    st.lists(PIECES, max_size=40).map("".join),
    mutated_fixture(),
)


@settings(FAST, max_examples=150)
@given(arbitrary)
def test_parse_quiz_never_raises(text: str) -> None:
    quiz_spec, problems = parse_quiz(text, "content/c/quiz-x.md", require_explanations=True)
    assert all(isinstance(p, Problem) and p.path == "content/c/quiz-x.md" for p in problems)
    last = text.count("\n") + 2
    assert all(1 <= p.line <= last for p in problems)
    assert problems == sorted(problems)
    if quiz_spec is not None:
        assert quiz_spec.slug == "x"


@settings(FAST, max_examples=80)
@given(st.one_of(mutated_fixture(), st.lists(PIECES, max_size=40).map("".join)))
def test_whatever_the_parser_returns_can_be_written_back(text: str) -> None:
    spec, _problems = parse_quiz(text, "quiz-x.md")
    if spec is None:
        return
    parsed, _ = parse_quiz(dump_quiz(spec), "quiz-x.md")
    assert parsed is not None and _normalised(parsed) == _normalised(spec)
