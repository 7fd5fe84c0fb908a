"""Quiz pages: overview and history, take (save, submit, confirm), result and review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from lms import clock
from lms.assessments import attempts, policy, queries
from lms.assessments.models import Attempt
from lms.assessments.responses import TamperedForm, parse_form, to_form_values
from lms.assessments.review import review_items
from lms.auth.guards import role_required
from lms.auth.models import Role
from lms.certificates.web import issue_for_current_user
from lms.extensions import db

bp = Blueprint("assessments", __name__, url_prefix="/courses/<course_slug>/quiz")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every quiz page needs a signed-in user."""


def _quiz_or_404(course_slug: str, quiz_slug: str):  # type: ignore[no-untyped-def]
    found = queries.find_quiz(db.session, course_slug, quiz_slug)
    if found is None:
        abort(404)
    return found


def _attempt_or_404(quiz_id: int, number: int) -> Attempt:
    """Return the signed-in learner's own attempt; anyone else's is simply not found."""
    attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz_id, Attempt.user_id == current_user.id, Attempt.number == number
        )
    )
    if attempt is None:
        abort(404)
    return attempt


@bp.get("", defaults={"quiz_slug": "final"})
@bp.get("/<quiz_slug>")
def overview(course_slug: str, quiz_slug: str) -> str:
    course, quiz = _quiz_or_404(course_slug, quiz_slug)
    standing = queries.standing(db.session, quiz, current_user.id)
    available = policy.availability(
        standing.settings, attempts.as_past(standing.current), clock.now()
    )
    return render_template(
        "assessments/overview.html",
        course=course,
        quiz=quiz,
        standing=standing,
        available=available,
    )


@bp.post("/<quiz_slug>/start")
def start(course_slug: str, quiz_slug: str) -> Response:
    course, quiz = _quiz_or_404(course_slug, quiz_slug)
    try:
        attempt = attempts.start_attempt(db.session, current_user, quiz, clock.now())
    except attempts.NotAvailable as reason:
        flash(str(reason), "info")
        return redirect(url_for(".overview", course_slug=course_slug, quiz_slug=quiz_slug))
    db.session.commit()
    return redirect(
        url_for(".attempt", course_slug=course_slug, quiz_slug=quiz_slug, number=attempt.number)
    )


@bp.get("/<quiz_slug>/attempts/<int:number>")
def attempt(course_slug: str, quiz_slug: str, number: int) -> str | Response:
    course, quiz = _quiz_or_404(course_slug, quiz_slug)
    row = _attempt_or_404(quiz.id, number)
    row = attempts.close_if_overdue(db.session, row, clock.now())
    db.session.commit()
    if row.status != "in_progress":
        return redirect(
            url_for(".review", course_slug=course_slug, quiz_slug=quiz_slug, number=number)
        )
    return _take_page(course, quiz, row)


def _take_page(course, quiz, row, errors=None, status=200, confirm=None):  # type: ignore[no-untyped-def]
    items = attempts.load_items(db.session, row)
    values = {}
    for loaded in items:
        values.update(to_form_values(loaded.shown, loaded.response))
    return render_template(
        "assessments/take.html",
        course=course,
        quiz=quiz,
        attempt=row,
        items=items,
        values=values,
        now=clock.now(),
        confirm=confirm,
    ), status


@bp.post("/<quiz_slug>/attempts/<int:number>")
def answer(course_slug: str, quiz_slug: str, number: int) -> str | Response | tuple[str, int]:
    """Save or submit the answer form: one look-up (locked), the items, one commit."""
    row = attempts.lock_own_attempt(db.session, course_slug, quiz_slug, current_user.id, number)
    if row is None:
        abort(404)
    review_url = url_for(".review", course_slug=course_slug, quiz_slug=quiz_slug, number=number)
    if row.status != "in_progress":  # a double submit: the first one counted
        db.session.rollback()
        return redirect(review_url)
    items = attempts.answer_items(db.session, row)
    try:
        responses = parse_form([i.shown for i in items], request.form.to_dict(flat=False))
    except TamperedForm as error:
        db.session.rollback()
        abort(
            400,
            description=f"This quiz form could not be read ({error}). Nothing was "
            "saved; please go back and try again.",
        )
    action = request.form.get("action", "save")
    now = clock.now()
    if action == "save":
        if not attempts.save_responses(db.session, row, items, responses, now):
            done = attempts.submit_attempt(db.session, row, items, None, now)
            serial = _issue_if_final(row, done)
            db.session.commit()
            flash(
                "Time was up, so your attempt was submitted with the answers saved in time.", "info"
            )
            _certificate_news(serial)
            return redirect(review_url)
        db.session.commit()
        flash("Your answers are saved. You can come back to this attempt later.", "success")
        return redirect(
            url_for(".attempt", course_slug=course_slug, quiz_slug=quiz_slug, number=number)
        )
    unanswered = [i.shown.position for i in items if responses.get(i.shown.position) is None]
    if action == "submit" and unanswered and not policy.is_late(row.deadline_at, now):
        attempts.save_responses(db.session, row, items, responses, now)
        db.session.commit()
        course, quiz = _quiz_or_404(course_slug, quiz_slug)
        return _take_page(course, quiz, db.session.get(Attempt, row.id), confirm=unanswered)
    serial = _issue_if_final(row, attempts.submit_attempt(db.session, row, items, responses, now))
    db.session.commit()
    _certificate_news(serial)
    return redirect(review_url)


def _issue_if_final(row: attempts.OwnAttempt, done: attempts.Submitted | None) -> str | None:
    """Passing a course's final assessment may finish the course: issue what is due."""
    if done is None or not done.passed or row.quiz_kind != "final":
        return None
    return issue_for_current_user(db.session, row.course_id)


def _certificate_news(serial: str | None) -> None:
    if serial:
        flash(
            f"You have completed the course: your certificate {serial} is ready under "
            "Certificates.",
            "success",
        )


@bp.get("/<quiz_slug>/statistics")
@role_required(Role.OVERSEER)
def statistics(course_slug: str, quiz_slug: str) -> str:
    from lms.assessments import statistics as read
    from lms.assessments.stats import item_statistics, knowledge_gain

    course, quiz = _quiz_or_404(course_slug, quiz_slug)
    summary = item_statistics(read.quiz_records(db.session, quiz.id))
    questions = read.latest_questions(db.session, course.id, {i.question_id for i in summary.items})
    gain = knowledge_gain(read.gain_pairs(db.session, course.id)) if quiz.kind == "final" else None
    return render_template(
        "assessments/statistics.html",
        course=course,
        quiz=quiz,
        summary=summary,
        questions=questions,
        gain=gain,
    )


@bp.get("/<quiz_slug>/attempts/<int:number>/review")
def review(course_slug: str, quiz_slug: str, number: int) -> str | Response:
    course, quiz = _quiz_or_404(course_slug, quiz_slug)
    row = _attempt_or_404(quiz.id, number)
    if row.status != "submitted":
        return redirect(
            url_for(".attempt", course_slug=course_slug, quiz_slug=quiz_slug, number=number)
        )
    standing = queries.standing(db.session, quiz, current_user.id)
    settings = attempts.settings_for(db.session, row)
    left = policy.availability(
        standing.settings, attempts.as_past(standing.current), clock.now()
    ).attempts_left
    show_feedback = policy.reveals(
        settings.show_feedback, passed_quiz=standing.passed, attempts_left=left
    )
    show_answers = policy.reveals(
        settings.show_answers, passed_quiz=standing.passed, attempts_left=left
    )
    items = review_items(attempts.load_items(db.session, row), show_feedback, show_answers)
    return render_template(
        "assessments/review.html",
        course=course,
        quiz=quiz,
        attempt=row,
        standing=standing,
        settings=settings,
        items=items,
        show_feedback=show_feedback,
        show_answers=show_answers,
    )
