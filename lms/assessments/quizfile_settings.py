"""Read the YAML front matter of a native quiz file (format: ``quizfile.py``).

Pure; nothing raises: every problem is added to the :class:`Fields` problem list.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from lms.assessments import quizfile_syntax as syn
from lms.assessments.spec import Draw, Grading, QuizKind, QuizSettings, Reveal
from lms.courses.frontmatter import Fields
from lms.courses.spec import Problem

QUIZ_KEYS = (
    "title", "kind", "module", "pass_mark", "draw", "attempts", "grading", "cooldown_minutes",
    "time_limit_minutes", "show_feedback", "show_answers", "shuffle_questions",
)  # fmt: skip


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choice(f: Fields, key: str, options: type[Any]) -> Any:
    value = f.get(key, False)
    if value is None:
        return None
    if value not in [option.value for option in options]:
        f.problem(key, f"'{key}' must be one of {', '.join(option.value for option in options)}")
        return None
    return options(value)


def _pass_mark(f: Fields, required: bool) -> Fraction | None:
    value = f.get("pass_mark", required)
    mark = None
    if isinstance(value, str):
        mark = syn.parse_ratio(value, percent=True, decimal=True)
    elif _is_int(value) or (isinstance(value, float) and math.isfinite(value)):
        mark = Fraction(Decimal(repr(value)))
    if value is None:
        return None
    if mark is None:
        f.problem("pass_mark", "'pass_mark' must be a percentage like 80% or a share like 0.8")
    elif not 0 < mark <= 1:
        f.problem("pass_mark", "'pass_mark' must be more than 0% and at most 100%, e.g. 80%")
        mark = None
    return mark


def _whole(f: Fields, key: str, least: int, words: str) -> int | None:
    value = f.get(key, False)
    if value is not None and not (_is_int(value) and value >= least):
        f.problem(key, f"'{key}' must be {words}")
        return None
    return value


def _draws(f: Fields) -> list[tuple[Draw, int]]:
    value = f.get("draw", False)
    if value is None:
        return []
    if not isinstance(value, dict) or not value:
        f.problem("draw", "'draw' must map pools to counts, e.g. 'law: 3' on indented lines")
        return []
    found = []
    for pool, count in value.items():
        line = f.lines("draw", str(pool))
        if not (_is_int(count) and count > 0):
            msg = f"'draw.{pool}' must be a whole number greater than 0"
            f.problems.append(Problem(f.path, line, msg))
        else:
            found.append((Draw(str(pool), count), line))
    return found


def read_settings(f: Fields, kind: QuizKind | None) -> tuple[QuizSettings, list[tuple[Draw, int]]]:
    """Read the quiz settings; also return each draw with its line, to check against pools."""
    defaults = QuizSettings()
    values: dict[str, Any] = {}
    values["pass_mark"] = _pass_mark(f, kind is QuizKind.FINAL)
    draws = _draws(f)
    values["draws"] = tuple(draw for draw, _line in draws)
    attempts = f.get("attempts", False)
    if attempts != "unlimited":
        values["attempts"] = _whole(f, "attempts", 1, "a whole number greater than 0, or unlimited")
    values["grading"] = _choice(f, "grading", Grading)
    values["cooldown_minutes"] = _whole(f, "cooldown_minutes", 0, "a whole number (0 or more)")
    values["time_limit_minutes"] = _whole(
        f, "time_limit_minutes", 1, "a whole number greater than 0, or null for no limit"
    )
    values["show_feedback"] = _choice(f, "show_feedback", Reveal)
    values["show_answers"] = _choice(f, "show_answers", Reveal)
    shuffle = values["shuffle_questions"] = f.get("shuffle_questions", False)
    if shuffle is not None and not isinstance(shuffle, bool):
        f.problem("shuffle_questions", "'shuffle_questions' must be true or false")
        values["shuffle_questions"] = None
    kept = {key: value for key, value in values.items() if value is not None}
    kept.setdefault("attempts", defaults.attempts)
    return QuizSettings(**kept), draws


def read_header(f: Fields) -> tuple[str | None, QuizKind | None, str | None]:
    """Read title, kind and module, reporting unknown keys."""
    f.unknown(QUIZ_KEYS)
    title = f.text("title")
    if title is not None and "\n" in title:
        f.problem("title", "'title' must be one line")
        title = None
    kind = _choice(f, "kind", QuizKind) if f.get("kind", True) is not None else None
    module = None
    if kind is QuizKind.CHECK and "module" not in f.data:
        f.problem("kind", "a knowledge check (kind: check) needs 'module': the module it follows")
    elif kind not in (QuizKind.CHECK, None) and "module" in f.data:
        f.problem("module", "'module' is only for knowledge checks (kind: check)")
    elif "module" in f.data:
        module = f.slug("module")
    return title, kind, module
