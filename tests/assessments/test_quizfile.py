"""Tests for the native quiz format: every kind, every problem, fixtures and round trips."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from lms.assessments import quizfile
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

FIXTURES = Path(__file__).parent / "fixtures" / "quizfile"
PATH = "content/foundations/quiz-pretest.md"
HEAD = "---\ntitle: T\nkind: pretest\n---\n\n"  # the question heading is file line 6
Q = 5  # add to a 1-based line within the question to get the file line
LEAN = {"shuffle_questions": True}


def _parse(text: str, require: bool = False) -> tuple[QuizSpec | None, list[Problem]]:
    quiz, problems = parse_quiz(text, PATH, require_explanations=require)
    assert all(p.path == PATH for p in problems)
    assert problems == sorted(problems)
    return quiz, problems


def _assert_problems(problems: list[Problem], expected: list[tuple[int, str]]) -> None:
    """Each expected (line, substring) matches a distinct problem, and nothing else is found."""
    left = [(p.line, p.message) for p in problems]
    for line, fragment in expected:
        hit = next((item for item in left if item[0] == line and fragment in item[1]), None)
        assert hit is not None, f"no problem ({line}, {fragment!r}) in {left}"
        left.remove(hit)
    assert not left, f"unexpected problems: {left}"


def _question(body: str) -> Question:
    quiz, problems = _parse(HEAD + body)
    assert problems == []
    assert quiz is not None and len(quiz.questions) == 1
    question = quiz.questions[0]
    assert question.line == Q + 1
    return dataclasses.replace(question, line=0)


def _normalised(quiz: QuizSpec) -> QuizSpec:
    questions = tuple(dataclasses.replace(q, line=0) for q in quiz.questions)
    return dataclasses.replace(quiz, path="", questions=questions)


# --- every kind ---------------------------------------------------------------------------

KIND_CASES = [
    pytest.param(
        "## q\nkind: single\npool: p\n\nStem?\n\n- [x] Right\n  feedback: Yes.\n- [ ] Wrong\n"
        "- [25%] Partly\n- [-50%] Harmful\n",
        Question(
            "q", Kind.SINGLE, "Stem?", "p",
            choices=(
                Choice("a", "Right", F(1), "Yes."), Choice("b", "Wrong", F(0)),
                Choice("c", "Partly", F(1, 4)), Choice("d", "Harmful", F(-1, 2)),
            ),
        ),
        id="single",
    ),
    pytest.param(
        "## q\nkind: multiple\npool: p\n\nStem?\n\n- [x] A\n- [X] B\n- [ ] C\n- [ ] D\n- [ ] E\n",
        Question(
            "q", Kind.MULTIPLE, "Stem?", "p",
            choices=(
                Choice("a", "A", F(1, 2)), Choice("b", "B", F(1, 2)),
                Choice("c", "C", F(-1, 2)), Choice("d", "D", F(-1, 2)),
                Choice("e", "E", F(-1, 2)),
            ),
        ),
        id="multiple-wrong-cancels-one-right",
    ),
    pytest.param(
        "## q\nkind: multiple\npool: p\n\nStem?\n\n- [x] A\n- [x] B\n- [x] C\n- [ ] D\n",
        Question(
            "q", Kind.MULTIPLE, "Stem?", "p",
            choices=(
                Choice("a", "A", F(1, 3)), Choice("b", "B", F(1, 3)),
                Choice("c", "C", F(1, 3)), Choice("d", "D", F(-1)),
            ),
        ),
        id="multiple-fewer-wrong-than-right",
    ),
    pytest.param(
        "## q\nkind: multiple\npool: p\n\nStem?\n\n- [1/3] A\n- [66.5%] B\n- [ ] C\n",
        Question(
            "q", Kind.MULTIPLE, "Stem?", "p",
            choices=(
                Choice("a", "A", F(1, 3)), Choice("b", "B", F(133, 200)), Choice("c", "C", F(0)),
            ),
        ),
        id="multiple-explicit-weights",
    ),
    pytest.param(
        "## q\nkind: true_false\npool: p\n\nStem.\n\nanswer: false\nfeedback_true: No.\n"
        "feedback_false: Yes.\n",
        Question(
            "q", Kind.TRUE_FALSE, "Stem.", "p",
            choices=(Choice("true", "True", F(0), "No."), Choice("false", "False", F(1), "Yes.")),
        ),
        id="true-false",
    ),
    pytest.param(
        "## q\nkind: short\npool: p\ncase_sensitive: yes\n\nStem?\n\n= TVPA\n"
        "= [50%] *trafficking*\n  feedback: Close.\n= [0%] 18\n\tfeedback: Not a number.\n",
        Question(
            "q", Kind.SHORT, "Stem?", "p", case_sensitive=True,
            answers=(
                TextAnswer("TVPA", F(1)), TextAnswer("*trafficking*", F(1, 2), "Close."),
                TextAnswer("18", F(0), "Not a number."),
            ),
        ),
        id="short",
    ),
    pytest.param(
        "## q\nkind: numerical\npool: p\n\nStem?\n\n= 42\n= 42 +- 0.5\n= [50%] 40 ± 3\n"
        "= -1.5..2\n  feedback: Range.\n",
        Question(
            "q", Kind.NUMERICAL, "Stem?", "p",
            numbers=(
                NumericAnswer(Decimal(42), Decimal(42), F(1), source="42"),
                NumericAnswer(Decimal("41.5"), Decimal("42.5"), F(1), source="42 +- 0.5"),
                NumericAnswer(Decimal(37), Decimal(43), F(1, 2), source="40 ± 3"),
                NumericAnswer(Decimal("-1.5"), Decimal(2), F(1), "Range.", "-1.5..2"),
            ),
        ),
        id="numerical",
    ),
    pytest.param(
        "## q\nkind: matching\npool: p\n\nMatch:\n\n- Buyer -> pays\n- -> fosters\n"
        "- Trafficker -> profits -> twice\n",
        Question(
            "q", Kind.MATCHING, "Match:", "p",
            pairs=(Pair("p1", "Buyer", "pays"), Pair("p2", "Trafficker", "profits -> twice")),
            distractors=("fosters",),
        ),
        id="matching",
    ),
    pytest.param(
        "## q\nkind: ordering\npool: p\nscoring: all_or_nothing\n\nSteps:\n\n1. a\n2. b\n\n"
        "Order them:\n\n1. first\n2. second\n3. third\n",
        Question(
            "q", Kind.ORDERING, "Steps:\n\n1. a\n2. b\n\nOrder them:", "p",
            ordering_scoring=OrderingScoring.ALL_OR_NOTHING,
            items=(Item("i1", "first"), Item("i2", "second"), Item("i3", "third")),
        ),
        id="ordering-stem-with-a-list",
    ),
    pytest.param(
        "## q\nkind: single\npool: p\ntags: a b, c,, d \npoints: 1/3\nshuffle: No\n\n"
        "Para one\nline two.\n\n    code\n\nPara two.\n\n- [x] A\n\n- [ ] B\n\n"
        "explanation:\n    Indented first.\n\n  Second paragraph.\n\n\n",
        Question(
            "q", Kind.SINGLE, "Para one\nline two.\n\n    code\n\nPara two.", "p",
            tags=("a b", "c", "d"), points=F(1, 3), shuffle=False,
            choices=(Choice("a", "A", F(1)), Choice("b", "B", F(0))),
            feedback="  Indented first.\n\nSecond paragraph.",
        ),
        id="header-stem-and-explanation-details",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), KIND_CASES)
def test_each_kind_parses(body: str, expected: Question) -> None:
    assert _question(body) == expected


@pytest.mark.parametrize(("body", "expected"), KIND_CASES)
def test_each_kind_round_trips(body: str, expected: Question) -> None:
    text = dump_question(expected)
    assert _question(text) == expected
    assert dump_question(_question(text)) == text


def test_choice_ids_go_past_z() -> None:
    body = "## q\nkind: single\npool: p\n\nStem?\n\n" + "".join(f"- [ ] {i}\n" for i in range(30))
    ids = [choice.id for choice in _question(body).choices]
    assert ids[:3] == ["a", "b", "c"] and ids[25:29] == ["z", "aa", "ab", "ac"]


# --- every problem, one at a time -----------------------------------------------------------

PROBLEM_CASES = [
    ("## Q1\nkind: single\npool: p\n\nS\n\n- [x] A\n", [(Q + 1, "question id 'Q1' must be")]),
    ("##\nkind: single\npool: p\n\nS\n\n- [x] A\n", [(Q + 1, "heading has no id")]),
    ("## q\npool: p\n\nS\n\n- [x] A\n", [(Q + 1, "missing 'kind:' header line")]),
    ("## q\nkind: single\n\nS\n\n- [x] A\n", [(Q + 1, "missing 'pool:' header line")]),
    ("## q\nkind: essay\npool: p\n\nS\n", [(Q + 2, "unknown kind 'essay'")]),
    ("## q\nkind: single\npool: p\npool: r\n\nS\n\n- [x] A\n", [(Q + 4, "'pool' is given twice")]),
    ("## q\nkind: single\npool: p\ntags:\n\nS\n\n- [x] A\n", [(Q + 4, "'tags' has no value")]),
    ("## q\nkind: single\npool: p\nlevel: 2\n\nS\n\n- [x] A\n", [(Q + 4, "unknown header key")]),
    ("## q\nkind: single\npool: P 1\n\nS\n\n- [x] A\n", [(Q + 3, "'pool' must be lowercase")]),
    (
        "## q\nkind: single\npool: p\nWhat is it?\n\n- [x] A\n",
        [(Q + 4, "header lines are 'key: value'; leave a blank line")],
    ),
    (
        "## q\n\nkind: single\npool: p\n\nS\n\n- [x] A\n",
        [(Q + 3, "header lines go directly under the heading: remove the blank line")],
    ),
    ("## q\n\nStem only.\n", [(Q + 1, "missing 'kind:'"), (Q + 1, "missing 'pool:'")]),
    ("## q\nkind: single\npool: p\npoints: 0\n\nS\n\n- [x] A\n", [(Q + 4, "'points' must be")]),
    ("## q\nkind: single\npool: p\npoints: two\n\nS\n\n- [x] A\n", [(Q + 4, "'points' must be")]),
    ("## q\nkind: single\npool: p\nshuffle: maybe\n\nS\n\n- [x] A\n", [(Q + 4, "yes or no")]),
    (
        "## q\nkind: single\npool: p\ncase_sensitive: yes\n\nS\n\n- [x] A\n",
        [(Q + 4, "'case_sensitive' is only for short questions")],
    ),
    (
        "## q\nkind: single\npool: p\nscoring: all_or_nothing\n\nS\n\n- [x] A\n",
        [(Q + 4, "'scoring' is only for ordering questions")],
    ),
    ("## q\nkind: ordering\npool: p\nscoring: best\n\nS\n\n1. A\n", [(Q + 4, "'scoring' must be")]),
    ("## q\nkind: single\npool: p\n\n- [x] A\n", [(Q + 1, "question has no stem")]),
    ("## q\nkind: single\npool: p\n\nS\n", [(Q + 1, "single question has no answers")]),
    ("## q\nkind: ordering\npool: p\n\nS\n\n- a\n", [(Q + 1, "ordering question has no answers")]),
    (
        "## q\nkind: single\npool: p\n\nS\n\n= A\n= B\n",
        [(Q + 7, "'- [ ] wrong' lines; '= ...' lines are for short and numerical questions")],
    ),
    (
        "## q\nkind: short\npool: p\n\nS\n\n- [x] A\n",
        [(Q + 7, "short questions list accepted answers as '= answer' lines; '- [x]' lines")],
    ),
    (
        "## q\nkind: true_false\npool: p\n\nS\n\n- [x] True\n",
        [(Q + 7, "true_false questions list the answer as an 'answer: true'")],
    ),
    (
        "## q\nkind: matching\npool: p\n\nS\n\n1. A\n",
        [(Q + 7, "numbered lines are for ordering questions")],
    ),
    (
        "## q\nkind: ordering\npool: p\n\nS\n\n- A -> 1\n",
        [(Q + 7, "'- ... -> ...' lines are for matching questions")],
    ),
    (
        "## q\nkind: numerical\npool: p\n\nS\n\nanswer: true\n",
        [(Q + 7, "'answer:' lines are for true_false questions")],
    ),
    ("## q\nkind: single\npool: p\n\nS\n\n- [x]\n", [(Q + 7, "choice has no text")]),
    ("## q\nkind: single\npool: p\n\nS\n\n- [ok] A\n", [(Q + 7, "unreadable weight '[ok]'")]),
    ("## q\nkind: single\npool: p\n\nS\n\n- [1/0] A\n", [(Q + 7, "unreadable weight '[1/0]'")]),
    ("## q\nkind: multiple\npool: p\n\nS\n\n- [-101%] A\n", [(Q + 7, "between -100% and")]),
    (
        "## q\nkind: single\npool: p\n\nS\n\n- [x] A\n  feedback: 1\n  feedback: 2\n",
        [(Q + 9, "already has a feedback line")],
    ),
    (
        "## q\nkind: single\npool: p\n\nS\n\n- [x] A\nfeedback: unindented\n- [ ] B\n",
        [(Q + 8, "unexpected line among the answers: each choice is one '- [x] text' line")],
    ),
    (
        "## q\nkind: single\npool: p\n\nS\n\n- [x] A\n  continued text\n",
        [(Q + 8, "unexpected line among the answers")],
    ),
    ("## q\nkind: short\npool: p\n\nS\n\n=\n", [(Q + 7, "accepted answer has no text")]),
    ("## q\nkind: short\npool: p\n\nS\n\n= [50%]\n", [(Q + 7, "accepted answer has no text")]),
    ("## q\nkind: short\npool: p\n\nS\n\n= [-10%] A\n", [(Q + 7, "between 0% and 100%")]),
    ("## q\nkind: short\npool: p\n\nS\n\n= [sic] A\n", [(Q + 7, "'= [100%] [text]'")]),
    ("## q\nkind: numerical\npool: p\n\nS\n\n= 1,000\n", [(Q + 7, "unreadable number '1,000'")]),
    ("## q\nkind: numerical\npool: p\n\nS\n\n= 5 +- -1\n", [(Q + 7, "unreadable number")]),
    ("## q\nkind: numerical\npool: p\n\nS\n\n= 9..1\n", [(Q + 7, "runs backwards")]),
    ("## q\nkind: numerical\npool: p\n\nS\n\n= [1.5] 1\n", [(Q + 7, "unreadable weight")]),
    ("## q\nkind: matching\npool: p\n\nS\n\n- A -> 1\n- B\n", [(Q + 8, "has no '->'")]),
    ("## q\nkind: matching\npool: p\n\nS\n\n- A ->\n", [(Q + 7, "no answer after '->'")]),
    ("## q\nkind: matching\npool: p\n\nS\n\n- ->\n", [(Q + 7, "no answer after '->'")]),
    ("## q\nkind: ordering\npool: p\n\nS\n\n1. A\n3. B\n", [(Q + 8, "expected 2, found 3")]),
    ("## q\nkind: ordering\npool: p\n\nS\n\n0. A\n1. B\n", [(Q + 7, "expected 1, found 0")]),
    (
        "## q\nkind: ordering\npool: p\n\nS\n\n1. A\n1. B\n1. C\n",
        [(Q + 8, "expected 2, found 1"), (Q + 9, "expected 2, found 1")],
    ),
    ("## q\nkind: ordering\npool: p\n\nS\n\n1. A\n2.\n", [(Q + 8, "ordering item has no text")]),
    (
        "## q\nkind: true_false\npool: p\n\nS\n\nanswer: maybe\n",
        [(Q + 7, "'answer' must be true or false")],
    ),
    (
        "## q\nkind: true_false\npool: p\n\nS\n\nanswer: true\nanswer: false\n",
        [(Q + 8, "'answer' is given twice")],
    ),
    (
        "## q\nkind: true_false\npool: p\n\nS\n\nfeedback_true: Yes\n",
        [(Q + 1, "no 'answer: true' or 'answer: false' line")],
    ),
    (
        "## q\nkind: true_false\npool: p\n\nS\n\nanswer: true\nsomething else\n",
        [(Q + 8, "unexpected line among the answers: true_false")],
    ),
    (
        "## q\nkind: single\npool: p\n\nS\n\n- [x] A\n\nexplanation: E.\nNot indented.\n",
        [(Q + 10, "unexpected text after the explanation")],
    ),
    (
        "## q\nkind: single\npool: p\n\nS\n\nexplanation: E.\n- [x] A\n",
        [(Q + 1, "single question has no answers"), (Q + 8, "unexpected text after the expl")],
    ),
    (
        "## q\nkind: single\npool: p\n\nS\n\n- [x] A\n\nexplanation: E.\nexplanation: F.\n",
        [(Q + 10, "second 'explanation:'")],
    ),
    (
        "## q\nkind: single\npool: p\n\nS\n\n- [x] A\n\n"
        "## q\nkind: single\npool: p\n\nS\n\n- [x] A\n",
        [(Q + 9, "question id 'q' is already used on line 6")],
    ),
]


@pytest.mark.parametrize(("body", "expected"), PROBLEM_CASES)
def test_each_problem_is_located(body: str, expected: list[tuple[int, str]]) -> None:
    quiz, problems = _parse(HEAD + body)
    _assert_problems(problems, expected)
    assert quiz is not None  # question problems never make the whole quiz unusable


def test_a_question_with_a_problem_is_left_out_and_the_rest_kept() -> None:
    body = (
        "## bad\nkind: single\npool: p\n\nS\n\n- [x]\n\n"
        "## good\nkind: single\npool: p\n\nS\n\n- [x] A\n"
    )
    quiz, problems = _parse(HEAD + body)
    assert [p.line for p in problems] == [Q + 7]
    assert quiz is not None and [q.id for q in quiz.questions] == ["good"]


def test_explanations_are_required_only_when_asked() -> None:
    body = "## q\nkind: single\npool: p\n\nS\n\n- [x] A\n"
    assert _parse(HEAD + body)[1] == []
    _assert_problems(_parse(HEAD + body, require=True)[1], [(Q + 1, "has no explanation")])
    with_one = body + "\nexplanation: Because.\n"
    assert _parse(HEAD + with_one, require=True)[1] == []


FRONT_CASES = [
    ("title: T\n", "", [(1, "missing front matter")]),
    ("---\ntitle: T\nkind: pretest\n", "", [(1, "front matter is not closed")]),
    ("---\nkind: pretest\n---\n", "", [(1, "missing required key 'title'")]),
    ("---\ntitle: T\n---\n", "", [(1, "missing required key 'kind'")]),
    ("---\ntitle: T\nkind: exam\n---\n", "", [(3, "'kind' must be one of final, pretest, check")]),
    ("---\ntitle: 2024\nkind: pretest\n---\n", "", [(2, "'title' must be non-empty text")]),
    ('---\ntitle: "a\\nb"\nkind: pretest\n---\n', "", [(2, "'title' must be one line")]),
    ("---\ntitle: [\nkind: pretest\n---\n", "", [(3, "invalid YAML")]),
    ("---\ntitle: T\ntitle: U\nkind: pretest\n---\n", "", [(3, "duplicate key 'title'")]),
    ("---\ntitle: T\nkind: final\n---\n", "", [(1, "missing required key 'pass_mark'")]),
    ("---\ntitle: T\nkind: check\n---\n", "", [(3, "needs 'module'")]),
    ("---\ntitle: T\nkind: check\nmodule:\n---\n", "", [(4, "'module' has no value")]),
    ("---\ntitle: T\nkind: check\nmodule: Bad One\n---\n", "", [(4, "'module' must be")]),
    ("---\ntitle: T\nkind: final\npass_mark: 1\nmodule: m\n---\n", "", [(5, "only for knowledge")]),
    ("---\ntitle: T\nkind: pretest\npass_mark: 0%\n---\n", "", [(4, "more than 0%")]),
    ("---\ntitle: T\nkind: pretest\npass_mark: 80\n---\n", "", [(4, "at most 100%")]),
    ("---\ntitle: T\nkind: pretest\npass_mark: -0.5\n---\n", "", [(4, "more than 0%")]),
    ("---\ntitle: T\nkind: pretest\npass_mark: most\n---\n", "", [(4, "a percentage like 80%")]),
    ("---\ntitle: T\nkind: pretest\npass_mark: true\n---\n", "", [(4, "a percentage like 80%")]),
    ("---\ntitle: T\nkind: pretest\ndraw: 3\n---\n", "", [(4, "'draw' must map pools")]),
    ("---\ntitle: T\nkind: pretest\ndraw:\n  p: 0\n---\n", "", [(5, "'draw.p' must be a whole")]),
    ("---\ntitle: T\nkind: pretest\ndraw:\n  p: many\n---\n", "", [(5, "'draw.p' must be")]),
    ("---\ntitle: T\nkind: pretest\nattempts: lots\n---\n", "", [(4, "'attempts' must be")]),
    ("---\ntitle: T\nkind: pretest\nattempts: 1.5\n---\n", "", [(4, "'attempts' must be")]),
    ("---\ntitle: T\nkind: pretest\ngrading: best\n---\n", "", [(4, "'grading' must be one of")]),
    ("---\ntitle: T\nkind: pretest\ncooldown_minutes: -1\n---\n", "", [(4, "'cooldown_minutes'")]),
    ("---\ntitle: T\nkind: pretest\ntime_limit_minutes: 0\n---\n", "", [(4, "or null for no")]),
    ("---\ntitle: T\nkind: pretest\nshow_feedback: soon\n---\n", "", [(4, "'show_feedback' must")]),
    ("---\ntitle: T\nkind: pretest\nshow_answers: 1\n---\n", "", [(4, "'show_answers' must")]),
    ("---\ntitle: T\nkind: pretest\nshuffle_questions: maybe\n---\n", "", [(4, "true or false")]),
    ("---\ntitle: T\nkind: pretest\nlevel: 2\n---\n", "", [(4, "unknown key 'level'")]),
    (
        "---\ntitle: T\nkind: pretest\ndraw:\n  p: 1\n  r: 2\n---\n",
        "\n## q\nkind: single\npool: r\n\nS\n\n- [x] A\n",
        [(5, "draw names pool 'p', but no question has 'pool: p'"),
         (6, "pool 'r' has 1 question; cannot draw 2")],
    ),
    ("---\ntitle: T\nkind: pretest\n---\n", "\nJust an intro.\n", [(4, "quiz has no questions")]),
]  # fmt: skip
QUESTION = "\n## q\nkind: single\npool: p\n\nS\n\n- [x] A\n"


@pytest.mark.parametrize(("front", "body", "expected"), FRONT_CASES)
def test_each_front_matter_problem_is_located(
    front: str, body: str, expected: list[tuple[int, str]]
) -> None:
    text = front + (body or QUESTION) if front.endswith("---\n") else front
    _assert_problems(_parse(text)[1], expected)


def test_missing_front_matter_still_reports_question_problems() -> None:
    quiz, problems = _parse("## q\nkind: single\npool: p\n\nS\n\n- [x]\n")
    assert quiz is None
    _assert_problems(problems, [(1, "missing front matter"), (7, "choice has no text")])


@pytest.mark.parametrize("path", ["final.md", "quiz-.md", "quiz-Final.md", "content/x/quiz_a.md"])
def test_the_file_name_gives_the_slug(path: str) -> None:
    quiz, problems = parse_quiz(HEAD + QUESTION, path)
    assert quiz is None
    _assert_problems(problems, [(1, "quiz files are named quiz-<slug>.md; the slug must be")])


def test_slug_comes_from_the_file_name_with_any_separator() -> None:
    for path in ("quiz-check-a.md", "c/f/quiz-check-a.md", "c\\f\\quiz-check-a.md"):
        quiz, problems = parse_quiz(HEAD + QUESTION, path)
        assert problems == [] and quiz is not None and quiz.slug == "check-a" and quiz.path == path


def test_settings_values_and_defaults() -> None:
    front = (
        "---\ntitle: ' Spaced '\nkind: check\nmodule: what-cse-is\npass_mark: 2/3\n"
        "attempts: 2\ngrading: average\ncooldown_minutes: 0\ntime_limit_minutes: 30\n"
        "show_feedback: never\nshow_answers: after_last_attempt\nshuffle_questions: no\n---\n"
    )
    quiz, problems = _parse(front + QUESTION)
    assert problems == [] and quiz is not None
    assert (quiz.title, quiz.kind, quiz.module) == ("Spaced", QuizKind.CHECK, "what-cse-is")
    assert quiz.settings == QuizSettings(
        F(2, 3), (), 2, Grading.AVERAGE, 0, 30, Reveal.NEVER, Reveal.AFTER_LAST_ATTEMPT, False
    )
    quiz, _ = _parse(HEAD + QUESTION)
    assert quiz is not None and quiz.settings == QuizSettings() and quiz.module is None
    for mark, share in (("0.8", F(4, 5)), ("'12.5 %'", F(1, 8)), ("1", F(1)), ("100%", F(1))):
        quiz, problems = _parse(HEAD.replace("kind", f"pass_mark: {mark}\nkind") + QUESTION)
        assert problems == [] and quiz is not None and quiz.settings.pass_mark == share


def test_windows_line_endings_and_bom_are_accepted() -> None:
    text = (FIXTURES / "valid-final.md").read_text(encoding="utf-8")
    quiz, problems = parse_quiz(text, "quiz-final.md")
    crlf, crlf_problems = parse_quiz("\ufeff" + text.replace("\n", "\r\n"), "quiz-final.md")
    assert problems == crlf_problems == []
    assert quiz == crlf


# --- fixtures, the worked example and round trips ----------------------------------------------


def _fixture(name: str) -> tuple[str, str]:
    path = f"content/foundations/quiz-{name.removeprefix('valid-').removesuffix('.md')}.md"
    return (FIXTURES / name).read_text(encoding="utf-8"), path


VALID = sorted(p.name for p in FIXTURES.glob("valid-*.md"))


def test_fixture_set() -> None:
    assert VALID == ["valid-check-what-cse-is.md", "valid-final.md", "valid-pretest.md"]


@pytest.mark.parametrize("name", VALID)
def test_valid_fixtures_parse_cleanly_and_round_trip(name: str) -> None:
    text, path = _fixture(name)
    quiz, problems = parse_quiz(text, path)
    assert problems == [] and quiz is not None
    dumped = dump_quiz(quiz)
    again, again_problems = parse_quiz(dumped, path)
    assert again_problems == [] and again is not None
    assert _normalised(again) == _normalised(quiz)
    assert dump_quiz(again) == dumped  # the written form is a fixed point


def test_worked_example_with_every_kind() -> None:
    text, path = _fixture("valid-final.md")
    quiz, problems = parse_quiz(text, path, require_explanations=True)
    assert problems == [] and quiz is not None
    headings = [i + 1 for i, row in enumerate(text.split("\n")) if row.startswith("## ")]
    assert [q.line for q in quiz.questions] == headings
    assert {q.kind for q in quiz.questions} == set(Kind)
    expected = QuizSpec(
        slug="final",
        kind=QuizKind.FINAL,
        title="Foundations final assessment",
        settings=QuizSettings(
            pass_mark=F(4, 5),
            draws=(Draw("law", 3), Draw("practice", 3)),
            attempts=3,
            grading=Grading.HIGHEST,
            cooldown_minutes=60,
            time_limit_minutes=45,
            show_feedback=Reveal.AFTER_SUBMIT,
            show_answers=Reveal.AFTER_LAST_ATTEMPT,
            shuffle_questions=True,
        ),
        intro=(
            "This assessment covers the whole Foundations course. You need 80% to pass, and you"
            " have\nthree attempts.\n\nTake a break whenever you need one: nothing is submitted"
            " until you choose **Submit**."
        ),
        questions=(
            Question(
                "tvpa-minor-consent", Kind.SINGLE,
                "A 16-year-old tells you she agreed to exchange sex for a place to stay. Under "
                "federal law,\nis she a victim of sex trafficking?",
                "law", tags=("federal-law", "consent"), points=F(2),
                choices=(
                    Choice(
                        "a",
                        "Yes: for anyone under 18, force, fraud or coercion does not need to be "
                        "shown", F(1), "Right. Age alone is enough under 22 U.S.C. 7102.",
                    ),
                    Choice(
                        "b", "Only if a third party profited from the exchange", F(0),
                        "No. Exploitation by a buyer alone is still trafficking.",
                    ),
                    Choice("c", "No, because she agreed to it", F(0)),
                ),
                feedback="Under the Trafficking Victims Protection Act a person under 18 cannot "
                "consent\nto a commercial sex act, and anything of value (food, shelter, money) "
                "makes it commercial.",
            ),
            Question(
                "first-contact-practice", Kind.MULTIPLE,
                "Which of these belong in a trauma-informed first contact?\n\n"
                "Select every answer that applies.",
                "practice", tags=("trauma-informed", "first-contact"), shuffle=False,
                choices=(
                    Choice("a", "Explain who you are and what will happen next", F(1, 2)),
                    Choice("b", "Offer choices where you can, such as where to sit", F(1, 2)),
                    Choice(
                        "c", "Ask for a full account of what happened, in order", F(-1, 2),
                        "A full account can wait; it is not needed to keep someone safe today.",
                    ),
                    Choice(
                        "d", "Promise to keep everything secret", F(-1, 2),
                        "Only promise what you can keep: explain what you must share, and with "
                        "whom.",
                    ),
                    Choice("e", "Tell them they should have asked for help sooner", F(-1)),
                ),
                feedback="Predictability and choice give back some control.\n\nQuestioning for "
                "detail and promises you cannot keep both repeat the dynamics of\nexploitation.",
            ),
            Question(
                "victim-self-identification", Kind.TRUE_FALSE,
                "A young person must describe themselves as a victim before you can respond to "
                "them as one.",
                "practice", tags=("identification",),
                choices=(
                    Choice(
                        "true", "True", F(0),
                        "Many young people do not see themselves as victims; respond to the "
                        "situation.",
                    ),
                    Choice(
                        "false", "False", F(1),
                        "Right: respond to the situation, not to the label the young person uses.",
                    ),
                ),
                feedback="Exploitation often feels like a relationship or a job to the young "
                "person.",
            ),
            Question(
                "federal-law-name", Kind.SHORT,
                "Which federal law first defined severe forms of trafficking in persons? Give its "
                "name or\nits abbreviation.",
                "law", tags=("federal-law",),
                answers=(
                    TextAnswer("TVPA", F(1)),
                    TextAnswer("Trafficking Victims Protection Act", F(1)),
                    TextAnswer(
                        "*trafficking*", F(1, 2), "Close: give the full name of the Act, or TVPA."
                    ),
                ),
                feedback="The Trafficking Victims Protection Act of 2000 (TVPA).",
            ),
            Question(
                "age-threshold", Kind.NUMERICAL,
                "Below what age does federal law treat any commercial sex act as trafficking, "
                "with no need\nto show force, fraud or coercion?",
                "law", tags=("federal-law", "consent"),
                numbers=(
                    NumericAnswer(Decimal(18), Decimal(18), F(1), "", "18"),
                    NumericAnswer(
                        Decimal(16), Decimal(17), F(0),
                        "No: the federal threshold is 18, whatever the state's age of consent.",
                        "16..17",
                    ),
                ),
                feedback="Under 18. State ages of consent do not change the federal definition.",
            ),
            Question(
                "terms", Kind.MATCHING, "Match each term to its meaning.", "law", tags=("terms",),
                pairs=(
                    Pair(
                        "p1", "Safe Harbor law",
                        "treats exploited young people as victims, not offenders",
                    ),
                    Pair("p2", "Buyer", "gives something of value in exchange for a sex act"),
                    Pair(
                        "p3", "Trafficker", "recruits, harbours or profits from the exploitation"
                    ),
                ),
                distractors=("a licensed foster carer",),
                feedback="Buyers and traffickers can both be prosecuted under federal law.",
            ),
            Question(
                "first-contact-order", Kind.ORDERING,
                "Put these steps of a first contact in order.", "practice",
                ordering_scoring=OrderingScoring.ALL_OR_NOTHING,
                items=(
                    Item("i1", "Check that the young person is physically safe"),
                    Item("i2", "Introduce yourself and explain your role"),
                    Item("i3", "Ask what they need right now"),
                    Item("i4", "Explain what happens next and who else will be involved"),
                ),
                feedback="Safety first; then predictability, then choice.",
            ),
        ),
    )  # fmt: skip
    assert _normalised(quiz) == expected
    assert dump_quiz(quiz) == text  # the worked example is written in the canonical form


BROKEN = [
    (3, "a knowledge check (kind: check) needs 'module'"),
    (4, "'pass_mark' must be more than 0% and at most 100%"),
    (6, "pool 'law' has 4 questions; cannot draw 5"),
    (7, "draw names pool 'nowhere', but no question has 'pool: nowhere'"),
    (8, "'attempts' must be a whole number greater than 0, or unlimited"),
    (9, "'grading' must be one of highest, last, first, average"),
    (10, "unknown key 'colour'"),
    (24, "question id 'Bad_Id' must be lowercase letters, digits and single hyphens"),
    (27, "unknown header key 'difficulty'"),
    (31, "single questions list choices as '- [x] right' and '- [ ] wrong' lines; '= ...' lines"),
    (33, "question id 'good-one' is already used on line 13"),
    (39, "choice has no text"),
    (40, "unreadable weight '[abc]'"),
    (41, "weight [150%] must be between -100% and 100%"),
    (43, "this answer already has a feedback line"),
    (45, "missing 'kind:' header line"),
    (50, "question has no stem"),
    (55, "ordering items are numbered 1, 2, 3, ... in order: expected 2, found 3"),
    (64, "this one has no '->'"),
    (65, "matching line has no answer after '->'"),
    (70, "'points' must be a number greater than 0"),
    (74, "unreadable number 'forty'"),
    (75, "unreadable weight '[x]'"),
    (76, "range '44..40' runs backwards"),
    (79, "unexpected text after the explanation"),
    (84, "'case_sensitive' is only for short questions"),
    (88, "'answer' must be true or false"),
    (90, "short question has no answers"),
    (92, "'pool' must be lowercase letters"),
]
NO_EXPLANATION = [24, 33, 45, 50, 57, 81, 90]


def test_broken_fixture_reports_every_problem_with_its_line() -> None:
    text = (FIXTURES / "broken.md").read_text(encoding="utf-8")
    quiz, problems = parse_quiz(text, "quiz-broken.md")
    _assert_problems(problems, BROKEN)
    assert quiz is not None and [q.id for q in quiz.questions] == ["good-one"]
    quiz, problems = parse_quiz(text, "quiz-broken.md", require_explanations=True)
    _assert_problems(problems, BROKEN + [(line, "has no explanation") for line in NO_EXPLANATION])


def test_the_reference_example_is_a_valid_quiz() -> None:
    doc = quizfile.__doc__ or ""
    example = doc.split("one or more questions::\n\n", 1)[1].split("\nFront matter\n", 1)[0]
    quiz, problems = parse_quiz(
        textwrap.dedent(example), "quiz-final.md", require_explanations=True
    )
    assert problems == [] and quiz is not None and len(quiz.questions) == 1


# --- the writer ----------------------------------------------------------------------------------

SIMPLE = Question("q", Kind.SINGLE, "Stem?", "p", choices=(Choice("a", "A", F(1)),))


def test_dump_question_writes_only_what_differs_from_the_defaults() -> None:
    assert dump_question(SIMPLE) == "## q\nkind: single\npool: p\n\nStem?\n\n- [x] A\n"


@pytest.mark.parametrize(
    ("question", "line"),
    [
        (
            Question("q", Kind.SHORT, "S", "p", answers=(TextAnswer("[sic] text", F(1)),)),
            "= [100%] [sic] text",
        ),
        (
            Question("q", Kind.SINGLE, "S", "p", choices=(Choice("a", "A", F(1, 3)),)),
            "- [1/3] A",
        ),
        (
            Question(
                "q", Kind.MULTIPLE, "S", "p",
                choices=(Choice("a", "A", F(1)), Choice("b", "B", F(0)), Choice("c", "C", F(-1))),
            ),
            "- [0%] B\n- [ ] C",
        ),
        (
            Question(
                "q", Kind.NUMERICAL, "S", "p",
                numbers=(NumericAnswer(Decimal("1.5"), Decimal("2.50"), F(1, 8)),),
            ),
            "= [12.5%] 1.5..2.50",
        ),
        (
            Question("q", Kind.SINGLE, "S", "p", points=F(2, 3), choices=SIMPLE.choices),
            "points: 2/3",
        ),
    ],
)  # fmt: skip
def test_dump_question_escapes_what_it_can(question: Question, line: str) -> None:
    text = dump_question(question)
    assert line in text
    parsed = _question(text)
    if question.kind is Kind.NUMERICAL:  # an empty source is written as low..high
        number = dataclasses.replace(question.numbers[0], source="1.5..2.50")
        question = dataclasses.replace(question, numbers=(number,))
    assert parsed == question


MATCHING = Question("q", Kind.MATCHING, "S", "p", pairs=(Pair("p1", "a", "b"),))


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        (dataclasses.replace(MATCHING, text="Ends with a list:\n\n- one"), "has no '->'"),
        (dataclasses.replace(MATCHING, pairs=(Pair("p1", "a -> b", "c"),)), "pairs[0].prompt"),
        (dataclasses.replace(MATCHING, pairs=(Pair("p1", "", "c"),)), "pairs would"),
        (dataclasses.replace(SIMPLE, text="Ends with\n- [ ] a choice"), "its text would"),
        (dataclasses.replace(SIMPLE, text="A\n## heading inside"), "start a new question"),
        (dataclasses.replace(SIMPLE, text="explanation: early"), "after the explanation"),
        (dataclasses.replace(SIMPLE, text=""), "no stem"),
        (dataclasses.replace(SIMPLE, text="\nStarts blank"), "its text would"),
        (dataclasses.replace(SIMPLE, choices=(Choice("a", "two\nline", F(1)),)), "unexpected line"),
        (dataclasses.replace(SIMPLE, choices=(Choice("b", "A", F(1)),)), "choices[0].id"),
        (dataclasses.replace(SIMPLE, choices=(Choice("a", " A", F(1)),)), "choices[0].text"),
        (dataclasses.replace(SIMPLE, choices=(Choice("a", "A", F(2)),)), "between -100%"),
        (dataclasses.replace(SIMPLE, case_sensitive=True), "only for short questions"),
        (dataclasses.replace(SIMPLE, tags=("a,b",)), "its tags would"),
        (dataclasses.replace(SIMPLE, pool="Not A Slug"), "'pool' must be"),
        (dataclasses.replace(SIMPLE, id="Bad"), "question id 'Bad'"),
        (dataclasses.replace(SIMPLE, points=F(-1)), "'points' must be"),
        (dataclasses.replace(SIMPLE, feedback="\nstarts blank"), "its feedback would"),
        (dataclasses.replace(SIMPLE, answers=(TextAnswer("x", F(1)),)), "its answers would"),
        (Question("q", Kind.TRUE_FALSE, "S", "p", choices=SIMPLE.choices), "its choices would"),
        (Question("q", Kind.ORDERING, "S", "p", items=(Item("i2", "A"),)), "items[0].id"),
    ],
)  # fmt: skip
def test_dump_question_refuses_what_would_read_back_differently(
    question: Question, fragment: str
) -> None:
    with pytest.raises(ValueError, match=f"cannot write question '{question.id}'") as caught:
        dump_question(question)
    assert fragment in str(caught.value)


def test_dump_quiz_refuses_what_would_read_back_differently() -> None:
    text, path = _fixture("valid-final.md")
    quiz, _ = parse_quiz(text, path)
    assert quiz is not None
    for change, fragment in (
        ({"title": "two\nlines"}, "'title' must be one line"),
        ({"intro": "## heading"}, "its intro would"),
        ({"intro": "ends with a space "}, "intro"),
        ({"slug": "Bad"}, "quiz files are named"),
        ({"questions": quiz.questions[:1] * 2}, "questions"),
        ({"module": "what-cse-is"}, "module"),
    ):
        with pytest.raises(ValueError, match="cannot write quiz") as caught:
            dump_quiz(dataclasses.replace(quiz, **change))
        assert fragment in str(caught.value)


# --- dependencies ---------------------------------------------------------------------------

LMS = Path(__file__).parents[2] / "lms"
ALLOWED = (
    "lms.assessments.quizfile",
    "lms.assessments.spec",
    "lms.courses.frontmatter",
    "lms.courses.spec",
)


@pytest.mark.parametrize("module", sorted(p.name for p in LMS.glob("assessments/quizfile*.py")))
def test_quizfile_depends_only_on_specs_and_the_front_matter_helpers(module: str) -> None:
    tree = ast.parse((LMS / "assessments" / module).read_text())
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    internal = {n for n in names if n.split(".")[0] == "lms"}
    assert all(n.startswith(ALLOWED) or n == "lms.assessments" for n in internal), internal
