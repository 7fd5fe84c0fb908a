"""Turn a submitted quiz form into responses, refusing anything a browser could not send (pure).

Option values in the form are positions in the attempt's shuffled display, never choice ids,
so the page reveals nothing about which option is which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lms.assessments.spec import Kind, Question, Response

#: Longest typed answer accepted; a longer one is a tampered form, not a learner's answer.
MAX_TEXT = 1000
#: Form fields that are not answers.
CONTROL_FIELDS = frozenset({"csrf_token", "action", "confirm"})


class TamperedForm(ValueError):
    """The form holds fields or values the quiz page never offered."""


@dataclass(frozen=True)
class Shown:
    """One question as an attempt shows it."""

    position: int
    question: Question
    display: Sequence[str]  #: option ids (or matching answers) in display order


def field_names(shown: Shown) -> list[str]:
    """Return the form field names the page uses for ``shown``."""
    base = f"q{shown.position}"
    kind = shown.question.kind
    if kind == Kind.MATCHING:
        return [f"{base}-{k}" for k in range(len(shown.question.pairs))]
    if kind == Kind.ORDERING:
        return [f"{base}-{k}" for k in range(len(shown.display))]
    return [base]


def parse_form(shown: Sequence[Shown], form: Mapping[str, Sequence[str]]) -> dict[int, Response]:
    """Return each position's response from ``form`` (field name -> submitted values).

    Raises ``TamperedForm`` for an unknown field, an option that was not offered, a second
    answer to a single-choice question, or an over-long text.
    """
    expected = {name for s in shown for name in field_names(s)}
    unknown = set(form) - expected - CONTROL_FIELDS
    if unknown:
        raise TamperedForm(f"unknown fields: {', '.join(sorted(unknown)[:5])}")
    return {s.position: _parse_one(s, form) for s in shown}


def _index(value: str, size: int) -> int:
    if not value.isdigit() or int(value) >= size:
        raise TamperedForm(f"option {value[:20]!r} was not offered")
    return int(value)


def _single_value(values: Sequence[str], name: str) -> str:
    if len(values) > 1:
        raise TamperedForm(f"{name} has more than one answer")
    return values[0] if values else ""


def _parse_one(shown: Shown, form: Mapping[str, Sequence[str]]) -> Response:
    q, display, base = shown.question, shown.display, f"q{shown.position}"
    if q.kind in (Kind.SINGLE, Kind.TRUE_FALSE):
        value = _single_value(form.get(base, ()), base)
        return display[_index(value, len(display))] if value else None
    if q.kind == Kind.MULTIPLE:
        values = [v for v in form.get(base, ()) if v]
        if len(values) != len(set(values)):
            raise TamperedForm(f"{base} repeats an option")
        return frozenset(display[_index(v, len(display))] for v in values) or None
    if q.kind in (Kind.SHORT, Kind.NUMERICAL):
        value = _single_value(form.get(base, ()), base)
        if len(value) > MAX_TEXT:
            raise TamperedForm(f"{base} is longer than {MAX_TEXT} characters")
        return value.strip() or None
    if q.kind == Kind.MATCHING:
        chosen = {}
        for k, pair in enumerate(q.pairs):
            value = _single_value(form.get(f"{base}-{k}", ()), f"{base}-{k}")
            if value:
                chosen[pair.id] = display[_index(value, len(display))]
        return chosen or None
    if q.kind == Kind.ORDERING:
        slots = []
        for k, item_id in enumerate(display):
            value = _single_value(form.get(f"{base}-{k}", ()), f"{base}-{k}")
            if value:
                if not value.isdigit() or not 1 <= int(value) <= len(display):
                    raise TamperedForm(f"position {value[:20]!r} was not offered")
                slots.append((int(value), k, item_id))
        if not slots:
            return None
        if len(slots) < len(display):
            # Items left without a position go last, in the order shown.
            placed = {item for _, _, item in slots}
            slots += [(len(display) + 1, k, i) for k, i in enumerate(display) if i not in placed]
        return tuple(item for _, _, item in sorted(slots))
    raise TamperedForm(f"unsupported question kind {q.kind}")


def to_form_values(shown: Shown, response: Response) -> dict[str, list[str]]:
    """Return the form values that re-display a saved ``response`` (for resuming)."""
    q, display, base = shown.question, list(shown.display), f"q{shown.position}"
    if response is None:
        return {}
    if q.kind in (Kind.SINGLE, Kind.TRUE_FALSE) and response in display:
        return {base: [str(display.index(response))]}
    if q.kind == Kind.MULTIPLE:
        return {base: [str(display.index(c)) for c in response if c in display]}
    if q.kind in (Kind.SHORT, Kind.NUMERICAL):
        return {base: [str(response)]}
    if q.kind == Kind.MATCHING and isinstance(response, Mapping):
        ids = [p.id for p in q.pairs]
        return {
            f"{base}-{ids.index(pid)}": [str(display.index(ans))]
            for pid, ans in response.items()
            if pid in ids and ans in display
        }
    if q.kind == Kind.ORDERING:
        order = list(response)
        return {
            f"{base}-{k}": [str(order.index(i) + 1)] for k, i in enumerate(display) if i in order
        }
    return {}


def response_to_data(response: Response) -> object:
    """Return a response as JSON-safe data."""
    if isinstance(response, frozenset):
        return sorted(response)
    if isinstance(response, tuple):
        return list(response)
    if isinstance(response, Mapping):
        return dict(response)
    return response


def response_from_data(kind: Kind, data: object) -> Response:
    """Rebuild a response saved by :func:`response_to_data`."""
    if data is None:
        return None
    if kind == Kind.MULTIPLE:
        return frozenset(data)  # type: ignore[arg-type]
    if kind == Kind.ORDERING:
        return tuple(data)  # type: ignore[arg-type]
    if kind == Kind.MATCHING:
        return dict(data)  # type: ignore[call-overload]
    return data  # type: ignore[return-value]
