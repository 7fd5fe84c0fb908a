"""What the review page shows for each question, within what the quiz settings reveal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from lms.assessments import scoring
from lms.assessments.spec import Kind


@dataclass(frozen=True)
class ReviewOption:
    html: str  #: the option's text (sanitised at sync time)
    chosen: bool
    #: True/False only when answers may be shown; None hides it.
    correct: bool | None = None
    feedback_html: str = ""


@dataclass
class ReviewItem:
    position: int
    kind: str
    stem_html: str
    fraction: Fraction | None
    options: list[ReviewOption] = field(default_factory=list)
    #: Short and numerical answers: what was typed; matching: prompt -> chosen answer.
    typed: str | None = None
    pairs: list[tuple[str, str, bool | None, str]] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    correct_order: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    general_feedback_html: str = ""

    @property
    def result(self) -> str:
        """Return "correct", "partial" or "incorrect"."""
        if self.fraction == 1:
            return "correct"
        return "partial" if self.fraction and self.fraction > 0 else "incorrect"


def review_items(
    loaded: Sequence[Any], show_feedback: bool, show_answers: bool
) -> list[ReviewItem]:
    """Build the review of a submitted attempt's items."""
    return [_review(item, show_feedback, show_answers) for item in loaded]


def _review(loaded: Any, show_feedback: bool, show_answers: bool) -> ReviewItem:
    q = loaded.shown.question
    html: Mapping[str, Any] = loaded.item.question.html
    response = loaded.response
    result = scoring.score(q, response)
    item = ReviewItem(
        position=loaded.item.position,
        kind=q.kind.value,
        stem_html=html["stem"],
        fraction=loaded.item.fraction,
        # Choice feedback is shown beside each chosen option instead.
        feedback=list(result.feedback) if show_feedback and not q.choices else [],
        general_feedback_html=html.get("feedback", "") if show_feedback else "",
    )
    if q.kind in (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE):
        chosen = {response} if isinstance(response, str) else set(response or ())
        weights = {c.id: c.weight for c in q.choices}
        for choice_id in loaded.shown.display:
            item.options.append(
                ReviewOption(
                    html["choices"][choice_id],
                    choice_id in chosen,
                    (weights[choice_id] > 0) if show_answers else None,
                    html["choice_feedback"].get(choice_id, "")
                    if show_feedback and choice_id in chosen
                    else "",
                )
            )
    elif q.kind in (Kind.SHORT, Kind.NUMERICAL):
        item.typed = response or ""
        if show_answers:
            item.accepted.extend(
                [a.pattern for a in q.answers if a.weight == 1]
                + [n.source or str(n.low) for n in q.numbers if n.weight == 1]
            )
    elif q.kind == Kind.MATCHING:
        given = dict(response or {})
        for pair in q.pairs:
            right = result.parts.get(pair.id)
            item.pairs.append(
                (
                    html["prompts"][pair.id],
                    given.get(pair.id, ""),
                    right if show_feedback else None,
                    pair.answer if show_answers else "",
                )
            )
    elif q.kind == Kind.ORDERING:
        item.order.extend(html["items"][i] for i in (response or ()))
        if show_answers:
            item.correct_order.extend(html["items"][i.id] for i in q.items)
    return item
