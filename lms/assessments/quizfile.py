"""The native quiz format: readable, diff-friendly markdown files; parse and write them.

This docstring is the authors' reference. Pure: no clock, database, Flask or file access,
and :func:`parse_quiz` never raises: every problem becomes a
:class:`~lms.courses.spec.Problem` at the 1-based file line an author should fix.

Files
-----
One quiz per file, ``content/<course>/quiz-<slug>.md``. The slug is the file name between
``quiz-`` and ``.md`` (lowercase letters, digits, single hyphens): ``quiz-final.md`` is
``final``, ``quiz-check-what-cse-is.md`` is ``check-what-cse-is``. UTF-8; CRLF line ends are
read as LF. A file is front matter, an optional intro, then one or more questions::

    ---
    title: Final assessment
    kind: final
    pass_mark: 80%
    draw:
      law: 1
    attempts: 3
    grading: highest
    cooldown_minutes: 60
    time_limit_minutes: null
    show_feedback: after_submit
    show_answers: after_pass
    shuffle_questions: true
    ---

    Answer all questions. You need 80% to pass.

    ## tvpa-minor-consent
    kind: single
    pool: law
    tags: federal-law, consent

    A 16-year-old says she agreed to the exchange. Under federal law, is she a victim of
    sex trafficking?

    - [x] Yes: force, fraud or coercion need not be shown for anyone under 18
      feedback: Right. Age alone is enough under 22 U.S.C. 7102.
    - [ ] Only if a third party profited
    - [ ] No, because she consented

    explanation: Under the TVPA a minor cannot consent to a commercial sex act.

Front matter
------------
YAML between ``---`` lines. Unknown keys are problems.

==================== ============================================== =======================
key                  value                                          default
==================== ============================================== =======================
title                text, one line (required)
kind                 ``final``, ``pretest`` or ``check`` (required)
module               a module slug: required for ``check``, only
                     allowed for ``check``
pass_mark            ``80%``, ``0.8`` or ``4/5``: more than 0, at    80%
                     most 100% (required for ``final``)
draw                 a mapping ``pool: count`` (count > 0, at most   every question, in
                     the questions in the pool)                     authored order
attempts             a whole number > 0, or ``unlimited``           unlimited
grading              ``highest``, ``last``, ``first``, ``average``  highest
cooldown_minutes     a whole number >= 0                            0
time_limit_minutes   a whole number > 0, or ``null`` (no limit)     null
show_feedback        ``after_submit``, ``after_pass``,              after_submit
                     ``after_last_attempt`` or ``never``
show_answers         as show_feedback                               after_pass
shuffle_questions    ``true`` or ``false``                          true
==================== ============================================== =======================

Intro
-----
Markdown between the front matter and the first question, shown before starting. Optional.

Questions
---------
A question starts at a line ``## id`` and runs to the next such line or the end of the file.
The id is stable (responses and statistics hang off it): lowercase letters, digits and single
hyphens, unique in the file. **Every** line starting ``## `` starts a question, even inside a
code block, so stems, intros and explanations cannot use level-2 headings (use ``###``).

Directly under the heading (no blank line: one there is reported) come header lines,
``key: value``; unknown keys are problems:

==================  ============================================================= ========
kind                ``single``, ``multiple``, ``true_false``, ``short``,           required
                    ``numerical``, ``matching`` or ``ordering``
pool                the pool a draw takes it from (lowercase, digits, hyphens)    required
tags                comma-separated labels, e.g. ``federal-law, consent``          none
points              a number > 0: ``2``, ``1.5`` or ``1/3``                        1
shuffle             ``yes`` or ``no``: shuffle choices, pairs or items             yes
case_sensitive      ``yes`` or ``no`` (short only)                                 no
scoring             ``all_or_nothing`` or ``relative_next`` (ordering only)        relative_next
==================  ============================================================= ========

Then a blank line, the **stem** (markdown, any number of paragraphs), the **answers** (syntax
by kind, below) and an optional **explanation**: a line starting ``explanation:`` (at the
start of the line), with text after the colon and/or on the following lines indented by two
spaces or a tab (that indent is removed; blank lines may separate paragraphs). It is the
general feedback shown after submission; the curriculum requires one (the content loader
passes ``require_explanations=True``). Only indented or blank lines may follow it::

    explanation: Under the TVPA a person under 18 cannot consent to a commercial sex act.

      Anything of value (food, shelter, money) makes the act commercial.

Where the answers start: for single, multiple, true_false, short and numerical questions, at
the first line shaped like one of their answers (``- [..] ``, ``answer:``, ``= ``); everything
after it up to the explanation must be answers, feedback lines or blank lines. Matching and
ordering answers are ordinary lists, so they are the *last* list of the question: end the stem
with a sentence, not a bullet or numbered list.

Weights are shares of the question's points: ``[50%]``, ``[-25%]``, ``[12.5%]`` or ``[1/3]``.
Answer and item texts are one line each; feedback lines (``feedback:``, ``feedback_true:``,
``feedback_false:``) are one line too.

single, multiple
    One line per choice, ``- [mark] text`` with a space after ``]``, in the order shown
    (ids ``a``, ``b``, ``c``, ..., ``z``, ``aa``, ... in that order)::

        - [x] right             single: 1; multiple: the [x] choices share 1 equally
        - [ ] wrong             single: 0; multiple: see below
        - [50%] half right      an explicit weight, from -100% to 100%
          feedback: shown when this choice is selected (indented, optional)

    In a multiple-choice question each ``[ ]`` choice is worth ``-1/min(R, W)``, where R and
    W count the ``[x]`` and ``[ ]`` choices, so **selecting every choice scores 0** and
    guessing does not pay. With at least as many wrong as right choices (the usual case)
    that is ``-1/R``: each wrong choice cancels one right one. With no ``[x]`` at all,
    ``[ ]`` is 0. Explicit weights are taken as written (scores are capped to 0..1).
true_false
    ``answer: true`` or ``answer: false``; optional ``feedback_true: ...`` and
    ``feedback_false: ...`` lines (feedback for a learner answering True / False). Gives two
    choices, ``true`` ("True") and ``false`` ("False"), weighted 1 and 0.
short
    One accepted answer per line: ``= answer`` (weight 1) or ``= [50%] partial answer``
    (0% to 100%; a 0% answer is a way to give feedback on a common wrong answer), each
    optionally followed by an indented ``feedback:`` line. ``*`` in an answer matches any
    text. Matching ignores case (unless ``case_sensitive: yes``) and spacing.
numerical
    Like short, with numbers: ``= 42`` (exact), ``= 42 +- 0.5`` (or ``42 ± 0.5``),
    ``= 40..44`` (a range, low end first), optionally ``= [50%] 40..44``. Decimals are
    written with a point and no thousands separators.
matching
    ``- prompt -> answer`` per pair (ids ``p1``, ``p2``, ... in order; the first ``->``
    splits the line, so a prompt cannot hold ``->``), and ``- -> distractor`` for an extra
    answer that matches no prompt.
ordering
    A numbered list in the correct order, numbered 1, 2, 3, ... (ids ``i1``, ``i2``, ...)::

        1. first
        2. second

Round trips
-----------
:func:`dump_quiz` and :func:`dump_question` write this format, and
``parse_quiz(dump_quiz(q))`` equals ``q`` (apart from ``path`` and ``line``) for every quiz
the parser can produce. A spec built some other way (an import) must keep within what the
format can hold, or dumping raises ``ValueError`` naming what would read back differently:

* one-line texts (choice, pair, item, accepted answer, feedback lines, tags, title) hold no
  line break and no leading or trailing whitespace; a prompt holds no ``->``, a tag no comma;
* multi-line texts (stem, intro, explanation) do not start with a blank line or end with
  whitespace, and no line starts ``## ``; a stem is not empty, no stem line starts
  ``explanation:``, and a stem must not contain a line shaped like its kind's answers
  (for matching and ordering: must not *end* with such a line);
* ids follow the rules above (choices a, b, ...; pairs p1, ...; items i1, ...), and the
  fields a kind does not use keep their defaults.

The writer escapes what it can: an accepted answer starting with ``[`` is written with an
explicit weight (``= [100%] [sic]``), weights with no finite percentage as ``[1/3]``, and a
numerical answer whose source text it cannot read (empty, or another format's, like GIFT's
``42:0.5``) as ``low..high`` (that source is what reads back). The written form is
canonical: writing a parsed file again gives the same text.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from lms.assessments import quizfile_syntax as syn
from lms.assessments.quizfile_dump import difference, dump_question, write_quiz
from lms.assessments.quizfile_questions import parse_question
from lms.assessments.quizfile_settings import read_header, read_settings
from lms.assessments.spec import Question, QuizSpec
from lms.courses.frontmatter import SLUG, SLUG_HINT, Fields, split_front_matter
from lms.courses.spec import Problem

__all__ = ["dump_question", "dump_quiz", "parse_quiz"]

QUIZ_FILE = re.compile(r"quiz-(.*)\.md")


def parse_quiz(
    text: str, path: str, *, require_explanations: bool = False
) -> tuple[QuizSpec | None, list[Problem]]:
    """Parse a native quiz file; return the quiz (None if unusable) and every problem, sorted.

    When there are problems the quiz, if any, holds only the questions that parsed cleanly
    (so further checks can run on them) and defaults for unreadable settings: never
    publish it. ``path`` names the file in problems and gives the slug (``quiz-<slug>.md``).
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    data, body, body_line, lines, problems = split_front_matter(text, path)
    f = Fields(data or {}, lines, path, problems)
    f.quiet = data is None
    title, kind, module = read_header(f)
    settings, draws = read_settings(f, kind)
    rows = body.split("\n")
    starts = [i for i, row in enumerate(rows) if syn.is_heading(row)] + [len(rows)]
    intro = syn.tidy("\n".join(rows[: starts[0]]))
    questions: list[Question] = []
    seen: dict[str, int] = {}
    pools: Counter[str] = Counter()
    for start, end in zip(starts, starts[1:], strict=False):
        parsed = parse_question(rows[start:end], body_line + start, path, require_explanations)
        problems.extend(parsed.problems)
        pools.update([parsed.pool] if parsed.pool else [])
        question = parsed.question
        if parsed.id in seen and SLUG.fullmatch(parsed.id):
            msg = f"question id '{parsed.id}' is already used on line {seen[parsed.id]}"
            problems.append(Problem(path, parsed.line, msg))
            question = None
        seen.setdefault(parsed.id, parsed.line)
        if question is not None:
            questions.append(question)
    if len(starts) == 1 and data is not None:
        msg = "quiz has no questions: start each with a '## question-id' line"
        problems.append(Problem(path, max(body_line - 1, 1), msg))
    for draw, line in draws:
        held = pools[draw.pool]
        if not held:
            msg = f"draw names pool '{draw.pool}', but no question has 'pool: {draw.pool}'"
            problems.append(Problem(path, line, msg))
        elif draw.count > held:
            noun = "question" if held == 1 else "questions"
            msg = f"pool '{draw.pool}' has {held} {noun}; cannot draw {draw.count}"
            problems.append(Problem(path, line, msg))
    match = QUIZ_FILE.fullmatch(path.replace("\\", "/").rsplit("/", 1)[-1])
    slug = match[1] if match and SLUG.fullmatch(match[1]) else None
    if slug is None:
        msg = f"quiz files are named quiz-<slug>.md; the slug must be {SLUG_HINT}"
        problems.append(Problem(path, 1, msg))
    if data is None or slug is None or title is None or kind is None:
        return None, sorted(problems)
    quiz = QuizSpec(slug, kind, title, settings, tuple(questions), module, intro, path)
    return quiz, sorted(problems)


def _normalised(quiz: QuizSpec) -> QuizSpec:
    questions = tuple(dataclasses.replace(question, line=0) for question in quiz.questions)
    return dataclasses.replace(quiz, path="", questions=questions)


def dump_quiz(quiz: QuizSpec) -> str:
    """Write a quiz in the native format; ``parse_quiz`` reads it back as the same quiz.

    Raises ``ValueError`` naming the field if the format cannot hold the quiz faithfully.
    """
    text = write_quiz(quiz)
    parsed, problems = parse_quiz(text, f"quiz-{quiz.slug}.md")
    if parsed is None:
        detail = problems[0].message if problems else "it would not read back"
        raise ValueError(f"cannot write quiz '{quiz.slug}' faithfully: {detail}")
    where = difference(_normalised(quiz), _normalised(parsed))
    if where is not None:
        raise ValueError(
            f"cannot write quiz '{quiz.slug}' faithfully: its {where} would read back "
            "differently (see the text rules in lms/assessments/quizfile.py)"
        )
    return text
