"""Questions and settings to and from plain JSON data, for versioned snapshots (pure).

Fractions are stored as "n/d" strings and decimals as strings, so a snapshot read back is
equal to the original and hashes the same on every machine.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from decimal import Decimal
from fractions import Fraction
from typing import Any

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
    QuizSettings,
    Reveal,
    TextAnswer,
)


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def question_to_data(question: Question) -> dict[str, Any]:
    """Return ``question`` as JSON-safe data (without its source line)."""
    data = _plain(asdict(question))
    data.pop("line", None)
    return data


def question_from_data(data: dict[str, Any]) -> Question:
    """Rebuild a question from :func:`question_to_data`'s output."""
    return Question(
        id=data["id"],
        kind=Kind(data["kind"]),
        text=data["text"],
        pool=data["pool"],
        tags=tuple(data.get("tags", ())),
        points=Fraction(data.get("points", "1")),
        choices=tuple(
            Choice(c["id"], c["text"], Fraction(c["weight"]), c.get("feedback", ""))
            for c in data.get("choices", ())
        ),
        answers=tuple(
            TextAnswer(a["pattern"], Fraction(a["weight"]), a.get("feedback", ""))
            for a in data.get("answers", ())
        ),
        numbers=tuple(
            NumericAnswer(
                Decimal(n["low"]),
                Decimal(n["high"]),
                Fraction(n["weight"]),
                n.get("feedback", ""),
                n.get("source", ""),
            )
            for n in data.get("numbers", ())
        ),
        pairs=tuple(Pair(p["id"], p["prompt"], p["answer"]) for p in data.get("pairs", ())),
        distractors=tuple(data.get("distractors", ())),
        items=tuple(Item(i["id"], i["text"]) for i in data.get("items", ())),
        ordering_scoring=OrderingScoring(
            data.get("ordering_scoring", OrderingScoring.RELATIVE_NEXT)
        ),
        case_sensitive=bool(data.get("case_sensitive", False)),
        shuffle=bool(data.get("shuffle", True)),
        feedback=data.get("feedback", ""),
    )


def settings_to_data(settings: QuizSettings) -> dict[str, Any]:
    """Return quiz settings as JSON-safe data."""
    return _plain(asdict(settings))


def settings_from_data(data: dict[str, Any]) -> QuizSettings:
    """Rebuild quiz settings from :func:`settings_to_data`'s output."""
    known = {f.name for f in fields(QuizSettings)}
    values = {k: v for k, v in data.items() if k in known}
    return QuizSettings(
        pass_mark=Fraction(values.get("pass_mark", "4/5")),
        draws=tuple(Draw(d["pool"], int(d["count"])) for d in values.get("draws", ())),
        attempts=values.get("attempts"),
        grading=Grading(values.get("grading", Grading.HIGHEST)),
        cooldown_minutes=int(values.get("cooldown_minutes", 0)),
        time_limit_minutes=values.get("time_limit_minutes"),
        show_feedback=Reveal(values.get("show_feedback", Reveal.AFTER_SUBMIT)),
        show_answers=Reveal(values.get("show_answers", Reveal.AFTER_PASS)),
        shuffle_questions=bool(values.get("shuffle_questions", True)),
    )


def digest(data: Any) -> str:
    """Return a stable sha256 of JSON-safe ``data``."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
