"""GIFT import and export: conformance with Moodle's own GIFT files, rules and edge cases."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from lms.assessments.gift import GiftExport, dump_gift, parse_gift
from lms.assessments.spec import (
    Choice,
    Item,
    Kind,
    NumericAnswer,
    OrderingScoring,
    Pair,
    Question,
    TextAnswer,
)
from lms.courses.spec import Problem

#: Moodle's own GIFT files, unchanged: a copy next to the tests wins over the shared one.
LOCAL_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "gift"
FIXTURES = LOCAL_FIXTURES if LOCAL_FIXTURES.is_dir() else Path("/work/shared/fixtures/gift")
EXAMPLES = "moodle-examples.gift.txt"
QUESTIONS = "moodle-questions.gift.txt"
POOL = "imported"
F = Fraction
INF = Decimal("Infinity")


# Builders for the expected questions. Choice ids run "a", "b", ... and pair ids "p1", "p2",
# ... in order, as the importer assigns them (checked explicitly in test_choice_and_pair_ids).
def _choices(choices: list[tuple]) -> tuple[Choice, ...]:
    return tuple(
        Choice("abcdefghij"[i], c[0], F(c[1]), c[2] if len(c) > 2 else "")
        for i, c in enumerate(choices)
    )


def single(id: str, line: int, text: str, choices: list[tuple], feedback: str = "") -> Question:
    return Question(
        id, Kind.SINGLE, text, POOL, choices=_choices(choices), line=line, feedback=feedback
    )


def multiple(id: str, line: int, text: str, choices: list[tuple]) -> Question:
    return Question(id, Kind.MULTIPLE, text, POOL, choices=_choices(choices), line=line)


def tf(
    id: str,
    line: int,
    text: str,
    correct: bool,
    true_feedback: str = "",
    false_feedback: str = "",
    feedback: str = "",
) -> Question:
    choices = (
        Choice("true", "True", F(int(correct)), true_feedback),
        Choice("false", "False", F(int(not correct)), false_feedback),
    )
    return Question(id, Kind.TRUE_FALSE, text, POOL, choices=choices, line=line, feedback=feedback)


def short(id: str, line: int, text: str, answers: list[tuple]) -> Question:
    parsed = tuple(TextAnswer(a[0], F(a[1]), a[2] if len(a) > 2 else "") for a in answers)
    return Question(id, Kind.SHORT, text, POOL, answers=parsed, line=line)


def numerical(id: str, line: int, text: str, numbers: list[tuple]) -> Question:
    parsed = tuple(
        NumericAnswer(Decimal(low), Decimal(high), F(weight), feedback, source)
        for low, high, weight, feedback, source in numbers
    )
    return Question(id, Kind.NUMERICAL, text, POOL, numbers=parsed, line=line)


def matching(
    id: str, line: int, text: str, pairs: list[tuple[str, str]], distractors: tuple = ()
) -> Question:
    parsed = tuple(Pair(f"p{i}", p, a) for i, (p, a) in enumerate(pairs, start=1))
    return Question(id, Kind.MATCHING, text, POOL, pairs=parsed, distractors=distractors, line=line)


GRANT = "Who's buried in Grant's tomb?"
GRANT_IS = "Grant is _____ in Grant's tomb."
GRANT_BURIED = "Grant is buried in Grant's tomb."
BORN = "When was Ulysses S. Grant born?"
PI = "What is the value of pi (to 3 decimal places)? _____."
THANKSGIVING = (
    "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
)
GRANT_MC = [("Grant", 0), ("Jefferson", 0), ("no one", 1)]
BURIED_MC = [("buried", 0), ("entombed", 1), ("living", 0)]
NO_ONE = [("no one", 1), ("nobody", 1)]
EXCELLENT = [("no one", 1, "excellent answer!"), ("nobody", 1, "excellent answer!")]
COUNTRIES = [("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo")]
NAZARETH = [
    ("Nazareth", 1, "Yes! That's right!"),
    ("Nazereth", "3/4", "Right, but misspelled."),
    ("Bethlehem", "1/4", "He was born here, but not raised here."),
]
TOMB_PAIR = "What two people are entombed in Grant's tomb?"
BACKSLASH_FEEDBACK = (
    "Correct! \\ (backslash) is not a control character. BUT,\n"
    "it is used to escape the control characters. So, to specify\n"
    "a literal backslash, you must escape it with a backslash\n"
    "(as shown in this example)."
)

#: Every question of moodle-examples.gift.txt, in order. Untitled questions are "q<n>", n
#: counting every question of the file; titled ones take their slugified title.
EXAMPLES_EXPECTED = [
    single("q1", 8, GRANT, GRANT_MC),
    single("q2", 10, GRANT_IS, BURIED_MC),
    tf("q3", 12, GRANT_BURIED, correct=False),
    short("q4", 14, GRANT, NO_ONE),
    numerical("q5", 16, BORN, [("1821", "1823", 1, "", "1822 +- 1")]),
    single("q6", 25, GRANT, GRANT_MC),
    single("q7", 27, GRANT_IS, BURIED_MC),
    single("q8", 29, THANKSGIVING, [("second", 0), ("third", 0), ("fourth", 1)]),
    single(
        "q9",
        35,
        "Japanese characters originally came from what country?",
        [("India", 0), ("China", 1), ("Korea", 0), ("Egypt", 0)],
    ),
    short("q10", 43, GRANT, NO_ONE),
    short("q11", 45, "Two plus two equals _____.", [("four", 1), ("4", 1)]),
    tf("q12", 49, GRANT_BURIED, correct=False),
    tf("q13", 51, "The sun rises in the east.", correct=True),
    matching(
        "q14",
        55,
        "Matching Question.",
        [
            ("subquestion1", "subanswer1"),
            ("subquestion2", "subanswer2"),
            ("subquestion3", "subanswer3"),
        ],
    ),  # fmt: skip
    matching(
        "q15",
        61,
        "Match the following countries with their corresponding capitals.",
        [*COUNTRIES, ("India", "New Delhi")],
    ),
    numerical("q16", 70, BORN, [("1822", "1822", 1, "", "1822")]),
    numerical("q17", 72, PI, [("3.1410", "3.1420", 1, "", "3.1415 +- 0.0005")]),
    numerical("q18", 74, PI, [("3.141", "3.142", 1, "", "3.141..3.142")]),
    numerical(
        "q19",
        76,
        BORN,
        [("1822", "1822", 1, "", "1822 +- 0"), ("1820", "1824", "1/2", "", "1822 +- 2")],
    ),
    numerical("q20", 85, "What's 2 plus 2?", [("4", "4", 1, "", "4")]),
    short(
        "kanji-origins",
        90,
        "Japanese characters originally\ncame from what country?",
        [("China", 1)],
    ),
    single(
        "thanksgiving-date",
        93,
        "The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November.",
        [("second", 0), ("third", 0), ("fourth", 1)],
    ),
    single(
        "q23",
        98,
        "What's the answer to this multiple-choice question?",
        [
            ("wrong answer", 0, "feedback comment on the wrong answer"),
            ("another wrong answer", 0, "feedback comment on this wrong answer"),
            ("right answer", 1, "Very good!"),
        ],
    ),
    short("q24", 103, GRANT, EXCELLENT),
    short("q25", 108, "Who's buried in **Grant's tomb**?", EXCELLENT),
    tf("q26", 113, GRANT_BURIED, correct=False, true_feedback="No one is buried in Grant's tomb."),
    single(
        "q27",
        115,
        "Difficult question.",
        [("wrong answer", 0), ("half credit answer", "1/2"), ("full credit answer", 1)],
    ),
    single(
        "jesus-hometown",
        117,
        "Jesus Christ was from _____.",
        [
            ("Jerusalem", 0, "This was an important city, but the wrong answer."),
            ("Bethlehem", "1/4", "He was born here, but not raised here."),
            ("Galilee", "1/2", "You need to be more specific."),
            ("Nazareth", 1, "Yes! That's right!"),
        ],
    ),
    short("jesus-hometown-2", 123, "Jesus Christ was from", NAZARETH),
    multiple(
        "q30",
        130,
        TOMB_PAIR,
        [("No one", 0), ("Grant", "1/2"), ("Grant's wife", "1/2"), ("Grant's father", 0)],
    ),
    multiple(
        "q31",
        136,
        TOMB_PAIR,
        [("No one", "-1/2"), ("Grant", "1/2"), ("Grant's wife", "1/2"), ("Grant's father", "-1/2")],
    ),  # fmt: skip
    single("q32", 143, "Which answer equals 5?", [("= 2 + 2", 0), ("= 2 + 3", 1), ("= 2 + 4", 0)]),
    single(
        "gift-control-characters",
        148,
        "Which of the following is NOT a control character for the GIFT import format?",
        [
            ("~", 0, "~ is a control character."),
            ("=", 0, "= is a control character."),
            ("#", 0, "# is a control character."),
            ("{", 0, "{ is a control character."),
            ("}", 0, "} is a control character."),
            ("\\", 1, BACKSLASH_FEEDBACK),
        ],
    ),
    single("q34", 167, GRANT, GRANT_MC),
    single("q35", 169, GRANT_IS, BURIED_MC),
    tf("q36", 171, GRANT_BURIED, correct=False),
    short("q37", 173, GRANT, NO_ONE),
    numerical("q38", 175, BORN, [("1817", "1827", 1, "", "1822 +- 5")]),
    matching(
        "q39",
        177,
        "Match the following countries with their corresponding\ncapitals.",
        COUNTRIES,
    ),
    single(
        "grants-tomb",
        184,
        GRANT_IS,
        [
            ("buried", 0, "No one is buried there."),
            ("entombed", 1, "Right answer!"),
            ("living", 0, "We hope not!"),
        ],
    ),
    single(
        "q41",
        190,
        "Difficult multiple choice question.",
        [
            ("wrong answer", 0, "comment on wrong answer"),
            ("half credit answer", "1/2", "comment on answer"),
            ("full credit answer", 1, "well done!"),
        ],
    ),
    short("jesus-hometown-short-answer-ex", 195, "Jesus Christ was from _____.", NAZARETH),
    numerical(
        "numerical-example",
        202,
        BORN,
        [
            ("1822", "1822", 1, "Correct! 100% credit", "1822 +- 0"),
            (
                "1820",
                "1824",
                "1/2",
                "He was born in 1822.\nYou get 50% credit for being close.",
                "1822 +- 2",
            ),
        ],
    ),
]

SPECTRUM = "What's between orange and green in the spectrum?"
#: Every supported question of moodle-questions.gift.txt, in order (the essay is a problem).
QUESTIONS_EXPECTED = [
    matching(
        "moodle-activities",
        5,
        "Match the <b>activity</b> to the description.",
        [
            ("An activity supporting asynchronous discussions.", "Forum"),
            (
                "A teacher asks a question and specifies a choice of multiple responses.",
                "Choice",
            ),
            ("A bank of record entries which participants can add to.", "Database"),
            ("A collection of web pages that anyone can add to or edit.", "Wiki"),
        ],
        distractors=("Chat",),
    ),
    single(
        "q2",
        14,
        SPECTRUM,
        [
            ("yellow", 1, "right; good!"),
            ("red", 0, "wrong, it's yellow"),
            ("blue", 0, "wrong, it's yellow"),
        ],
    ),
    multiple(
        "colours",
        22,
        SPECTRUM,
        [
            ("yellow", "1/2", "right; good!"),
            ("red", -1, "wrong"),
            ("off-beige", "1/2", "right; good!"),
            ("blue", -1, "wrong"),
        ],
    ),
    Question(
        "q5",
        Kind.NUMERICAL,
        'What is a number from 1 to 5? _____";',  # the file's stray '";' makes a missing word
        POOL,
        numbers=(
            NumericAnswer(Decimal(1), Decimal(5), F(1), "", "3 +- 2"),
            NumericAnswer(-INF, INF, F(0), "Completely wrong", "*"),
        ),
        line=31,
    ),
    short(
        "shortanswer",
        34,
        "Which is the best animal?",
        [
            ("Frog", 1, "Good!"),
            ("Cat", "1/2", "What is it with Moodlers and cats?"),
            ("*", 0, "Completely wrong"),
        ],
    ),
    tf(
        "q1",
        41,
        '42 is the Absolute Answer to everything._____";',
        correct=False,
        true_feedback="42 is the Ultimate Answer.",
        false_feedback="You gave the right answer.",
        feedback="This is, of course, a Hitchiker's Guide to the Galaxy reference.",
    ),
    tf("2-08-tsl", 46, "TSL is blablabla.", correct=True),
    tf("2-08-tsl-2", 49, "TSL is blablabla.", correct=True),
]


def _read(name: str):
    return parse_gift((FIXTURES / name).read_text(encoding="utf-8"), name)


def _one(text: str, **kwargs) -> Question:
    result = parse_gift(text, "t.gift", **kwargs)
    assert result.problems == ()
    (question,) = result.questions
    return question


def _problems(text: str) -> list[str]:
    result = parse_gift(text, "t.gift")
    assert result.questions == ()
    return [str(p) for p in result.problems]


# -- Conformance: Moodle's example file and test fixture -----------------------------------


def test_examples_file_imports_every_question_in_order():
    result = _read(EXAMPLES)
    assert result.problems == ()
    assert [q.id for q in result.questions] == [q.id for q in EXAMPLES_EXPECTED]


@pytest.mark.parametrize("expected", EXAMPLES_EXPECTED, ids=lambda q: q.id)
def test_examples_file_question(expected):
    by_id = {q.id: q for q in _read(EXAMPLES).questions}
    assert by_id[expected.id] == expected


def test_questions_file_imports_every_supported_question_in_order():
    result = _read(QUESTIONS)
    assert [q.id for q in result.questions] == [q.id for q in QUESTIONS_EXPECTED]


@pytest.mark.parametrize("expected", QUESTIONS_EXPECTED, ids=lambda q: q.id)
def test_questions_file_question(expected):
    by_id = {q.id: q for q in _read(QUESTIONS).questions}
    assert by_id[expected.id] == expected


def test_questions_file_reports_the_essay_by_kind_name_and_line():
    assert _read(QUESTIONS).problems == (
        Problem(QUESTIONS, 2, "essay question 'Q8' is not supported; skipped"),
    )


@pytest.mark.parametrize(
    "question", EXAMPLES_EXPECTED + QUESTIONS_EXPECTED, ids=lambda q: f"{q.id}@{q.line}"
)
def test_fixture_question_round_trips(question):
    exported = dump_gift([question])
    assert exported.skipped == () and exported.problems == ()
    result = parse_gift(exported.text, "out.gift")
    assert result.problems == ()
    assert tuple(replace(q, line=question.line) for q in result.questions) == (question,)


def test_whole_fixture_files_round_trip():
    for name in (EXAMPLES, QUESTIONS):
        questions = _read(name).questions
        again = parse_gift(dump_gift(questions).text, name)
        assert again.problems == ()
        assert [replace(q, line=0) for q in again.questions] == [
            replace(q, line=0) for q in questions
        ]


# -- Reading rules --------------------------------------------------------------------------


def test_choice_and_pair_ids():
    q = _one("Pick one {=a ~b ~c ~d}")
    assert [c.id for c in q.choices] == ["a", "b", "c", "d"]
    many = " ".join(f"~x{i}" for i in range(26))
    assert [c.id for c in _one(f"Many {{={many}}}").choices][-2:] == ["z", "aa"]
    q = _one("Match {=1 -> one =2 -> two = -> three}")
    assert [p.id for p in q.pairs] == ["p1", "p2"] and q.distractors == ("three",)


def test_comments_blank_lines_and_crlf():
    text = "// a comment\r\n\r\nWhat? // not a comment\r\n{=yes}\r\n   \r\n// x\r\nOther{T}\r\n"
    result = parse_gift(text, "t.gift")
    assert result.problems == ()
    assert [(q.line, q.text) for q in result.questions] == [
        (3, "What? // not a comment"),
        (7, "Other"),
    ]


def test_byte_order_mark_is_ignored():
    assert _one("\ufeff::Hi:: Say hi {=hi}").id == "hi"


def test_escapes():
    q = _one(r"Escapes \{ \} \~ \= \# \: \\ and \n a newline, \( kept \) {=a\=b \# c}")
    assert q.text == "Escapes { } ~ = # : \\ and \n a newline, \\( kept \\)"
    assert q.answers == (TextAnswer("a=b # c", F(1)),)


def test_format_markers_are_dropped_and_the_text_kept():
    q = _one("[html]<p>Which?</p>{=[plain]one#[markdown]**yes** ~[moodle]two}")
    assert q.text == "<p>Which?</p>"
    assert q.choices[0] == Choice("a", "one", F(1), "**yes**")
    assert q.choices[1].text == "two"
    assert _one("[unknown]Which?{=x}").text == "[unknown]Which?"


def test_title_ids_are_slugified_and_deduplicated():
    result = parse_gift(
        "::Café Rules!::One{T}\n\n::café rules::Two{T}\n\n::Q3::Three{T}\n\nFour{T}\n\n"
        "::???::Five{T}",
        "t.gift",
    )
    assert [q.id for q in result.questions] == ["cafe-rules", "cafe-rules-2", "q3", "q4", "q5"]


def test_untitled_ids_count_every_question_including_skipped_ones():
    result = parse_gift("Essay{}\n\nOne{T}\n\nTwo{F}", "t.gift")
    assert [q.id for q in result.questions] == ["q2", "q3"]


def test_metadata_comment_carries_id_tags_points_and_switches():
    q = _one(
        "// [id:first-contact] [tags:trauma,safety] [points:3/2] [shuffle:false]\n"
        "// [case-sensitive:yes] [tag:moodle-tag]\n"
        "::Ignored title::Name it {=x}"
    )
    assert (q.id, q.tags, q.points, q.shuffle, q.case_sensitive) == (
        "first-contact",
        ("trauma", "safety", "moodle-tag"),
        F(3, 2),
        False,
        True,
    )


def test_metadata_escapes():
    q = _one(r"// [id:a] [tags:x\,y,z\]w]" "\nQ{T}")
    assert q.tags == ("x,y", "z]w")


def test_moodle_idnumber_is_slugified():
    assert _one("// [id:Moodle 393]\nQ{T}").id == "moodle-393"


def test_bad_metadata_is_reported_and_ignored():
    result = parse_gift("// [points:lots] [shuffle:maybe]\nQ{T}", "t.gift")
    assert result.questions[0].points == 1 and result.questions[0].shuffle is True
    assert [p.message for p in result.problems] == [
        "points 'lots' must be a positive number; using 1",
        "shuffle 'maybe' must be true or false; ignored",
    ]


def test_duplicate_explicit_ids_are_renamed_and_reported():
    result = parse_gift("// [id:same]\nA{T}\n\n// [id:same]\nB{T}", "t.gift")
    assert [q.id for q in result.questions] == ["same", "same-2"]
    assert result.problems == (
        Problem("t.gift", 5, "question id 'same' is already used; renamed 'same-2'"),
    )


def test_category_sets_the_pool_of_the_questions_that_follow():
    result = parse_gift(
        "Before{T}\n\n$CATEGORY: $course$/top/Default for Safety Planning\n\nA{T}\n\n"
        "$CATEGORY: top/a//b\nB{T}\n\n$CATEGORY: ???\n\nC{T}",
        "t.gift",
        default_pool="bank",
    )
    assert [q.pool for q in result.questions] == [
        "bank",
        "default-for-safety-planning",
        "a-b",
        "bank",
    ]


def test_missing_word_and_block_at_the_end():
    assert _one("Grant is {=entombed ~living} in the tomb.").text == "Grant is _____ in the tomb."
    assert _one("{=Blank ~x} first").text == "_____ first"
    assert _one("At the end {=x ~y}").text == "At the end"
    assert _one(r"Escaped brace at the end {=x ~y}\}").text == "Escaped brace at the end _____}"


def test_general_feedback_uses_the_last_marker():
    q = _one("Q{=a#right ~b####Because.}")
    assert q.feedback == "Because."
    assert q.choices[0].feedback == "right"


def test_true_false_feedback_order_is_wrong_then_right():
    q = _one("Q{TRUE#when wrong#when right}")
    assert q.choices == (
        Choice("true", "True", F(1), "when right"),
        Choice("false", "False", F(0), "when wrong"),
    )
    assert _one("Q{T#w}").choices[1].feedback == "w"


def test_lowercase_true_is_a_short_answer_as_in_moodle():
    assert _one("Q{true}").kind is Kind.SHORT


def test_weights_snap_to_simple_fractions_and_stay_exact_otherwise():
    q = _one("Q{~%33.33333%a ~%16.667%b ~%15%c ~%33.3%d ~%-100%e ~%12.5%f ~%100%g}")
    assert [c.weight for c in q.choices] == [
        F(1, 3),
        F(1, 6),
        F(3, 20),
        F(333, 1000),
        F(-1),
        F(1, 8),
        F(1),
    ]
    assert q.kind is Kind.MULTIPLE


def test_single_choice_may_carry_partial_weights():
    q = _one("Q{~%50%half =full ~none}")
    assert q.kind is Kind.SINGLE
    assert [c.weight for c in q.choices] == [F(1, 2), F(1), F(0)]


def test_numerical_forms():
    q = _one("Q{#=-5..-1 =%50%2:0.5#close =%25%3 =%0%*#anything ~ignored#other}")
    assert q.numbers == (
        NumericAnswer(Decimal(-5), Decimal(-1), F(1), "", "-5..-1"),
        NumericAnswer(Decimal("1.5"), Decimal("2.5"), F(1, 2), "close", "2 +- 0.5"),
        NumericAnswer(Decimal(3), Decimal(3), F(1, 4), "", "3"),
        NumericAnswer(-INF, INF, F(0), "anything", "*"),
        NumericAnswer(-INF, INF, F(0), "other", "*"),
    )
    assert _one("Q{#1..5}").numbers == (NumericAnswer(Decimal(1), Decimal(5), F(1), "", "1..5"),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Just a heading.", "description 'Just a heading.' (no answers) is not supported"),
        ("::T::How are you?{####Thanks}", "essay question 'T' is not supported"),
        ("Open {=a", "question 'Open {=a' needs one answer block in braces"),
        ("Close =a}", "question 'Close =a}' needs one answer block in braces"),
        ("Q{~only}", "a multiple-choice question needs at least 2 answers"),
        ("Q{~%150%a ~b}", "weight %150% is outside -100%..100%"),
        ("Q{=%-101%a}", "weight %-101% is outside -100%..100%"),
        ("Q{=a -> b}", "a matching question needs at least 2 answers"),
        ("Q{=a -> b =c}", "matching answer 'c' has no '->'"),
        ("Q{= -> b = -> c}", "a matching question needs at least 1 prompt"),
        ("Q{#}", "a numerical question needs at least 1 answer"),
        ("Q{#abc}", "numerical answer 'abc' is not a number"),
        ("Q{#5..1}", "numerical range '5..1' is empty"),
        ("Q{#5:-1}", "numerical tolerance in '5:-1' is negative"),
        ("Q{#1e99999}", "numerical answer '1e99999' is not a number"),
    ],
)
def test_unsupported_and_malformed_questions_are_reported(text, message):
    (problem,) = _problems(text)
    assert problem.startswith("t.gift:1: ")
    assert message in problem
    assert problem.endswith("; skipped")


def test_problems_do_not_stop_the_rest():
    result = parse_gift("A{}\n\nB{=b}\n\nC\n\nD{T}", "t.gift")
    assert [q.text for q in result.questions] == ["B", "D"]
    assert [p.line for p in result.problems] == [1, 5]


def test_long_untitled_labels_are_shortened():
    (problem,) = _problems("x" * 60 + "{}")
    assert "'" + "x" * 39 + "\u2026'" in problem


# -- Writing --------------------------------------------------------------------------------


def _question(**kwargs) -> Question:
    fields = {
        "id": "q",
        "kind": Kind.SINGLE,
        "text": "Pick",
        "pool": "safety",
        "choices": (Choice("a", "yes", F(1)), Choice("b", "no", F(0))),
    }
    return Question(**(fields | kwargs))


def test_dump_writes_metadata_category_and_markdown_marker():
    exported = dump_gift([_question(tags=("a", "b"), points=F(2), shuffle=False)])
    assert isinstance(exported, GiftExport)
    assert exported.text == (
        "$CATEGORY: safety\n\n"
        "// [id:q] [tags:a,b] [points:2] [shuffle:false]\n"
        "::q::[markdown]Pick{\n\t=yes\n\t~no\n}\n"
    )


def test_dump_writes_a_category_line_only_when_the_pool_changes():
    text = dump_gift([_question(id="a"), _question(id="b"), _question(id="c", pool="other")]).text
    assert text.count("$CATEGORY:") == 2
    result = parse_gift(text, "t.gift")
    assert [(q.id, q.pool) for q in result.questions] == [
        ("a", "safety"),
        ("b", "safety"),
        ("c", "other"),
    ]


def test_dump_of_nothing_is_empty():
    assert dump_gift([]) == GiftExport("")


def test_ordering_questions_are_skipped_by_name():
    ordering = Question(
        "steps", Kind.ORDERING, "Order", "p", items=(Item("i1", "a"), Item("i2", "b"))
    )
    exported = dump_gift([ordering, _question()])
    assert exported.skipped == ("steps",)
    assert exported.problems == ("ordering question 'steps' cannot be written as GIFT; skipped",)
    assert [q.id for q in parse_gift(exported.text, "t.gift").questions] == ["q"]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            _question(choices=(Choice("a", "x", F(1, 2)), Choice("b", "y", F(0)))),
            "single-choice question 'q' has no full-credit choice",
        ),
        (
            _question(choices=(Choice("a", "x", F(1)),)),
            "single-choice question 'q' needs at least 2 choices",
        ),
        (
            _question(
                kind=Kind.SHORT,
                choices=(),
                answers=(TextAnswer("a->b", F(1)), TextAnswer("c->d", F(1))),
            ),
            "short-answer question 'q' has '->' in an answer, which GIFT would read as a matching",
        ),
        (
            _question(kind=Kind.MATCHING, choices=(), pairs=(Pair("p1", "a->b", "c"),)),
            "matching question 'q' has a matching prompt containing '->'",
        ),
        (
            _question(kind=Kind.MATCHING, choices=(), pairs=(Pair("p1", "a", "b"),)),
            "matching question 'q' cannot be written as GIFT "
            "(question 'q': a matching question needs at least 2 answers)",
        ),
        (
            _question(choices=(Choice("a", "x", F(1)), Choice("b", "y", F(2)))),
            "single-choice question 'q' has a weight 2 outside -1..1",
        ),
        (
            _question(kind=Kind.TRUE_FALSE, choices=(Choice("true", "True", F(1)),)),
            "true/false question 'q' needs exactly the choices 'true' and 'false'",
        ),
        (
            _question(
                kind=Kind.TRUE_FALSE,
                choices=(Choice("true", "True", F(1)), Choice("false", "False", F(1))),
            ),
            "true/false question 'q' needs one choice worth 1 and the other 0",
        ),
        (
            _question(kind=Kind.NUMERICAL, choices=(), numbers=()),
            "numerical question 'q' needs at least 1 answer",
        ),
        (
            _question(
                kind=Kind.NUMERICAL,
                choices=(),
                numbers=(NumericAnswer(Decimal(1), INF, F(1)),),
            ),
            "numerical question 'q' has a half-open numerical range",
        ),
    ],
)
def test_questions_gift_cannot_carry_are_skipped_with_the_reason(question, message):
    exported = dump_gift([question])
    assert exported.text == ""
    assert exported.skipped == ("q",)
    (problem,) = exported.problems
    assert problem.startswith(message) and problem.endswith("; skipped")


def test_lossy_questions_are_written_and_reported():
    question = _question(
        pool="Week 1", text="  Pick  ", ordering_scoring=OrderingScoring.ALL_OR_NOTHING
    )
    exported = dump_gift([question])
    assert exported.skipped == ()
    assert exported.problems == (
        "single-choice question 'q' changes when read back from GIFT "
        "(text, pool, ordering_scoring); written anyway",
    )
    assert parse_gift(exported.text, "t.gift").questions[0].pool == "week-1"


def test_weights_that_do_not_terminate_are_written_to_five_places():
    question = _question(
        kind=Kind.MULTIPLE,
        choices=(
            Choice("a", "x", F(1, 3)),
            Choice("b", "y", F(2, 3)),
            Choice("c", "z", F(-1, 8)),
        ),
    )
    text = dump_gift([question]).text
    assert "~%33.33333%x" in text and "~%66.66667%y" in text and "~%-12.5%z" in text


def test_texts_that_look_like_syntax_stay_text():
    question = _question(
        text="[html] is a tag; 50% of {braces} :: and // too",
        choices=(
            Choice("a", "%50%literal", F(1), "[plain]feedback"),
            Choice("b", "%25%also", F(0)),
        ),
        feedback="#### not a marker",
    )
    exported = dump_gift([question])
    assert exported.problems == ()
    assert replace(parse_gift(exported.text, "t.gift").questions[0], line=0) == question


def test_missing_word_stems_put_the_answers_at_the_blank():
    question = _question(text="Grant is _____ in the tomb.")
    assert (
        "::q::[markdown]Grant is {\n\t=yes\n\t~no\n} in the tomb.\n" in dump_gift([question]).text
    )
    trailing = _question(text="Fill in _____")
    assert "Fill in _____{" in dump_gift([trailing]).text


def test_numbers_are_written_from_their_source_when_it_still_fits():
    def number(low: str, high: str, source: str) -> NumericAnswer:
        return NumericAnswer(Decimal(low), Decimal(high), F(1), "", source)

    question = _question(
        kind=Kind.NUMERICAL,
        choices=(),
        numbers=(
            number("41.5", "42.5", "42 +- 0.5"),
            number("40", "44", "40..44"),
            number("7", "7", "7"),
            number("1", "3", "stale"),
            number("9", "9", ""),
            NumericAnswer(-INF, INF, F(1, 2), "star", "*"),
            NumericAnswer(-INF, INF, F(0), "other", "*"),
        ),
    )
    exported = dump_gift([question])
    assert "{#\n\t=42:0.5\n\t=40..44\n\t=7\n\t=1..3\n\t=9\n\t=%50%*#star\n\t~#other\n}" in (
        exported.text
    )
    assert exported.problems == (
        "numerical question 'q' changes when read back from GIFT (numbers); written anyway",
    )
