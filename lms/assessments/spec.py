"""Quiz and question specifications: the pure data every assessment module shares.

Parsed from the native quiz format (``quizfile.py``) or GIFT (``gift.py``), scored by
``scoring.py``, analysed by ``stats.py``, snapshotted into the database per version.
All weights are ``Fraction`` so a pass mark never rounds the wrong way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Kind(StrEnum):
    SINGLE = "single"  #: one choice; each choice has a weight (usually 1 or 0)
    MULTIPLE = "multiple"  #: several choices; weights add up, capped at 1, floored at 0
    TRUE_FALSE = "true_false"  #: two choices with ids "true" and "false"
    SHORT = "short"  #: typed text matched against accepted answers (``*`` is a wildcard)
    NUMERICAL = "numerical"  #: a number matched against exact values, tolerances or ranges
    MATCHING = "matching"  #: each prompt matched to one answer; extra answers may distract
    ORDERING = "ordering"  #: items put in order


class QuizKind(StrEnum):
    FINAL = "final"  #: the course's final assessment (counts towards the certificate)
    PRETEST = "pretest"  #: taken before the course, to measure knowledge gain
    CHECK = "check"  #: a knowledge check after one module


class Grading(StrEnum):
    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"


class Reveal(StrEnum):
    """When feedback or the correct answers are shown to the learner."""

    AFTER_SUBMIT = "after_submit"  #: on the review page of every submitted attempt
    AFTER_PASS = "after_pass"  #: only once the learner has passed this quiz
    AFTER_LAST_ATTEMPT = "after_last_attempt"  #: once no attempts remain, or passed
    NEVER = "never"


class OrderingScoring(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    #: Moodle's "relative to the next item (excluding last)": share of adjacent pairs in order.
    RELATIVE_NEXT = "relative_next"


@dataclass(frozen=True)
class Choice:
    """An option of a single, multiple or true/false question."""

    id: str  #: stable within the question version: "a", "b", ... or "true"/"false"
    text: str  #: markdown source
    weight: Fraction  #: share of the question's marks, in [-1, 1]
    feedback: str = ""


@dataclass(frozen=True)
class TextAnswer:
    """An accepted answer of a short-answer question."""

    pattern: str  #: compared case- and space-insensitively; ``*`` matches any run of text
    weight: Fraction
    feedback: str = ""


@dataclass(frozen=True)
class NumericAnswer:
    """An accepted number or range: ``low <= response <= high`` (exact: low == high)."""

    low: Decimal
    high: Decimal
    weight: Fraction
    feedback: str = ""
    #: How the author wrote it ("42", "42 +- 0.5" or "40..44"), kept for round trips.
    source: str = ""


@dataclass(frozen=True)
class Pair:
    """A matching prompt and its answer."""

    id: str  #: stable within the question version: "p1", "p2", ...
    prompt: str
    answer: str


@dataclass(frozen=True)
class Item:
    """An ordering item; a question lists its items in the correct order."""

    id: str  #: stable within the question version: "i1", "i2", ...
    text: str


@dataclass(frozen=True)
class Question:
    id: str  #: stable author-given id, unique within the course (lowercase, hyphens)
    kind: Kind
    text: str  #: the stem, markdown source
    pool: str
    tags: tuple[str, ...] = ()
    points: Fraction = Fraction(1)
    choices: tuple[Choice, ...] = ()  #: single, multiple, true_false
    answers: tuple[TextAnswer, ...] = ()  #: short
    numbers: tuple[NumericAnswer, ...] = ()  #: numerical
    pairs: tuple[Pair, ...] = ()  #: matching
    distractors: tuple[str, ...] = ()  #: matching: answers that match no prompt
    items: tuple[Item, ...] = ()  #: ordering, in the correct order
    ordering_scoring: OrderingScoring = OrderingScoring.RELATIVE_NEXT
    case_sensitive: bool = False  #: short answer
    shuffle: bool = True  #: shuffle choices, answers or items per attempt
    feedback: str = ""  #: general feedback: the explanation shown after submission
    line: int = 0  #: where the question starts in its file, for problems


#: What a learner submitted for one question, normalised by the form parser:
#: single/true_false -> choice id (str) or None; multiple -> frozenset of choice ids;
#: short/numerical -> str; matching -> Mapping[pair id, answer text] (answer text, as the
#: choices offered are the pairs' answers plus distractors); ordering -> tuple of item ids.
Response = str | frozenset[str] | Mapping[str, str] | tuple[str, ...] | None


@dataclass(frozen=True)
class Draw:
    pool: str
    count: int


@dataclass(frozen=True)
class QuizSettings:
    pass_mark: Fraction = Fraction(4, 5)  #: share of marks needed to pass, in (0, 1]
    draws: tuple[Draw, ...] = ()  #: empty: every question, in authored order
    attempts: int | None = None  #: None: unlimited
    grading: Grading = Grading.HIGHEST
    cooldown_minutes: int = 0  #: wait between a finished attempt and the next
    time_limit_minutes: int | None = None
    show_feedback: Reveal = Reveal.AFTER_SUBMIT  #: per-choice and general feedback
    show_answers: Reveal = Reveal.AFTER_PASS  #: the correct answers
    shuffle_questions: bool = True


@dataclass(frozen=True)
class QuizSpec:
    slug: str  #: unique within the course, e.g. "final", "pretest", "check-what-cse-is"
    kind: QuizKind
    title: str
    settings: QuizSettings
    questions: tuple[Question, ...]
    module: str | None = None  #: the module a knowledge check follows
    intro: str = ""  #: markdown shown before starting
    path: str = ""


@dataclass(frozen=True)
class ScoreResult:
    """The result of scoring one response."""

    fraction: Fraction  #: in [0, 1]
    #: Feedback triggered by the response (per choice or per accepted answer), in order.
    feedback: tuple[str, ...] = ()
    #: Per part, for matching (pair id) and ordering (item id): was it right?
    parts: Mapping[str, bool] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        """Return whether the response earned full marks."""
        return self.fraction == 1

    @property
    def partial(self) -> bool:
        """Return whether the response earned some but not all marks."""
        return 0 < self.fraction < 1
