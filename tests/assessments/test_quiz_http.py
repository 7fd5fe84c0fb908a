"""Taking a quiz over HTTP: no answer leaks, scoring, confirm, save, double submit, tampering,
time limits, attempt limits, versioning and audited re-scoring."""

from __future__ import annotations

import re
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import clock
from lms.assessments.models import Attempt, AttemptItem, QuestionVersion
from lms.assessments.snapshot import question_from_data
from lms.assessments.spec import Kind
from lms.audit.models import AuditEvent
from lms.courses.loader import load_tree
from lms.courses.services import sync_content
from lms.extensions import db
from tests.conftest import login, post

LAB = Path(__file__).parent / "fixtures" / "lab"
QUIZ = "/courses/quiz-lab/quiz"
FINAL = f"{QUIZ}/final"


def _items(number: int = 1, user_id: int | None = None) -> list[AttemptItem]:
    query = select(AttemptItem).join(Attempt).where(Attempt.number == number)
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    return list(db.session.scalars(query.order_by(AttemptItem.position)))


def answer_form(items: list[AttemptItem], right: bool = True) -> dict[str, list[str]]:
    """Return the form a learner who knows every answer (or gets every one wrong) sends."""
    form: dict[str, list[str]] = {}
    for item in items:
        q = question_from_data(item.question.spec)
        name, display = f"q{item.position}", item.display
        if q.kind in (Kind.SINGLE, Kind.TRUE_FALSE, Kind.MULTIPLE):
            pick = [c.id for c in q.choices if (c.weight > 0) is right]  # authored order
            values = [str(display.index(c)) for c in pick]
            form[name] = values[:1] if q.kind != Kind.MULTIPLE else values
        elif q.kind == Kind.SHORT:
            form[name] = ["Trauma  Bonding" if right else "friendship"]
        elif q.kind == Kind.NUMERICAL:
            form[name] = ["6" if right else "4"]
        elif q.kind == Kind.MATCHING:
            for k, pair in enumerate(q.pairs):
                wrong = next(a for a in display if a != pair.answer)
                form[f"{name}-{k}"] = [str(display.index(pair.answer if right else wrong))]
        elif q.kind == Kind.ORDERING:
            order = [i.id for i in q.items] if right else [i.id for i in reversed(q.items)]
            for k, item_id in enumerate(display):
                form[f"{name}-{k}"] = [str(order.index(item_id) + 1)]
    return form


def start(client) -> str:
    response = post(client, f"{FINAL}/start")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def test_overview_shows_the_rules(client, lab, world):
    login(client, world.learner)
    html = client.get(QUIZ).get_data(as_text=True)
    for text in ("Lab final assessment", "80%", "10 minutes", "Attempts allowed", "Start"):
        assert text in html, text


def test_quiz_page_leaks_no_answers(client, lab, world):
    login(client, world.learner)
    url = start(client)
    html = client.get(url).get_data(as_text=True)
    assert html.count("<fieldset") == 7 and html.count("<legend>") == 7
    # No feedback, explanation, weights, choice ids or accepted answers before submission.
    for secret in (
        "Yes, this one",
        "Not this one",
        "The right one is right",
        "explanation",
        "feedback",
        "weight",
        "trauma bond",
        "correct",
        'value="a"',
        'value="b"',
        "Safety comes first",
        "Six principles",
    ):
        assert secret.lower() not in html.lower(), secret
    assert re.findall(r'name="q\d+(?:-\d+)?" [^>]*value="([^"]*)"', html)  # positions only
    assert 'data-deadline="' in html and "please submit by" in html  # visible, not only a cue


def test_full_marks_pass_and_review_shows_the_key(client, lab, world):
    login(client, world.learner)
    url = start(client)
    response = post(client, url, {**answer_form(_items()), "action": "submit"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.status == "submitted" and attempt.score == 1 and attempt.passed
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100%" in html and "You passed" in html
    assert "(correct answer)" in html and "The right one is right" in html


def test_wrong_answers_fail_and_the_key_stays_hidden(client, lab, world):
    login(client, world.learner)
    url = start(client)
    response = post(client, url, {**answer_form(_items(), right=False), "action": "submit"})
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.score == 0 and attempt.passed is False
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "did not reach the pass mark" in html
    assert "Not this one" in html  # feedback is shown after submission ...
    assert "(correct answer)" not in html  # ... the key only after a pass


def test_unanswered_questions_are_confirmed_before_submitting(client, lab, world):
    login(client, world.learner)
    url = start(client)
    form = answer_form(_items())
    partial = {k: v for k, v in form.items() if not k.startswith(("q1", "q2"))}
    response = post(client, url, {**partial, "action": "submit"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "2 questions have no answer" in html
    assert "Submit now" in html
    assert db.session.scalars(select(Attempt)).one().status == "in_progress"
    response = post(client, url, {**partial, "action": "confirm"})
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.status == "submitted" and attempt.score == Fraction(5, 7)


def test_save_keeps_answers_for_later(client, lab, world):
    login(client, world.learner)
    url = start(client)
    form = answer_form(_items())
    post(client, url, {"q3": form["q3"], "q4": ["Trauma bond"], "action": "save"})
    html = client.get(url).get_data(as_text=True)
    assert 'value="Trauma bond"' in html and "checked" in html
    assert db.session.scalars(select(Attempt)).one().status == "in_progress"


def test_double_submit_records_one_attempt(client, lab, world):
    login(client, world.learner)
    url = start(client)
    form = {**answer_form(_items()), "action": "submit"}
    first = post(client, url, form)
    second = post(client, url, {**answer_form(_items(), right=False), "action": "submit"})
    assert first.headers["Location"] == second.headers["Location"]
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.score == 1  # the second, wrong submission changed nothing


@pytest.mark.parametrize(
    "tamper",
    [{"q1": ["0", "1"]}, {"q1": ["99"]}, {"q99": ["0"]}, {"q3": ["x" * 5000]}, {"q1": ["a"]}],
    ids=["two-answers", "unknown-option", "unknown-question", "huge", "choice-id"],
)
def test_tampered_form_is_400_and_not_scored(client, lab, world, tamper):
    login(client, world.learner)
    url = start(client)
    response = post(client, url, {**answer_form(_items()), **tamper, "action": "submit"})
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.status == "in_progress" and attempt.score is None
    assert all(item.response is None for item in _items())


def test_another_learners_attempt_is_not_found(app, client, lab, world):
    login(client, world.learner)
    url = start(client)
    fred = app.test_client()
    login(fred, world.fred)
    assert fred.get(url).status_code == 404
    assert post(fred, url, {"action": "submit"}).status_code == 404
    assert fred.get(f"{url}/review").status_code == 404
    assert db.session.scalars(select(Attempt)).one().status == "in_progress"


def test_late_submission_is_scored_on_answers_saved_in_time(client, lab, world, monkeypatch):
    login(client, world.learner)
    url = start(client)
    form = answer_form(_items())
    post(client, url, {"q1": form["q1"], "action": "save"})  # one answer saved in time
    started = db.session.scalars(select(Attempt)).one().started_at
    monkeypatch.setattr(clock, "now", lambda: started + timedelta(minutes=11))
    response = post(client, url, {**form, "action": "submit"})
    assert response.status_code == 302
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.late and attempt.status == "submitted" and attempt.score == Fraction(1, 7)
    assert "Time ran out" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_abandoned_timed_attempt_closes_itself(client, lab, world, monkeypatch):
    login(client, world.learner)
    url = start(client)
    started = db.session.scalars(select(Attempt)).one().started_at
    # Well past the 10-minute limit, though still within the sign-in session.
    monkeypatch.setattr(clock, "now", lambda: started + timedelta(minutes=30))
    assert client.get(url).headers["Location"].endswith("/review")
    assert db.session.scalars(select(Attempt)).one().status == "submitted"


def test_extra_time_extends_the_deadline(client, lab, world):
    world.learner.extra_time_percent = 50
    db.session.commit()
    login(client, world.learner)
    start(client)
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=15)


def test_attempt_limit(client, lab, world):
    login(client, world.learner)
    for _ in range(2):
        url = start(client)
        post(
            client,
            url,
            {**answer_form(_items(int(url.rsplit("/", 1)[1])), right=False), "action": "submit"},
        )
    response = post(client, f"{FINAL}/start", follow_redirects=True)
    assert "used every attempt" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attempt.id))) == 2


def test_edited_question_is_a_new_version_and_old_attempts_keep_theirs(client, lab, world):
    login(client, world.learner)
    url = start(client)
    post(client, url, {**answer_form(_items()), "action": "submit"})
    quiz_file = lab / "quiz-lab" / "quiz-final.md"
    quiz_file.write_text(
        quiz_file.read_text().replace("Which option is right?", "Which option is correct?")
    )
    report = sync_content(db.session, load_tree(lab), clock.now())
    db.session.commit()
    assert "question:quiz-lab/lab-single" in report.updated
    versions = db.session.scalars(
        select(QuestionVersion.version).where(QuestionVersion.key == "lab-single")
    ).all()
    assert sorted(versions) == [1, 2]
    old_review = client.get(f"{url}/review").get_data(as_text=True)
    assert "Which option is right?" in old_review
    assert db.session.scalars(select(Attempt)).one().score == 1


def test_rescore_applies_a_corrected_key_and_is_audited(app, client, lab, world):
    login(client, world.learner)
    url = start(client)
    post(client, url, {**answer_form(_items()), "action": "submit"})
    quiz_file = lab / "quiz-lab" / "quiz-final.md"
    text = quiz_file.read_text().replace("- [x] The right one", "- [ ] The right one", 1)
    quiz_file.write_text(text.replace("- [ ] A wrong one", "- [x] A wrong one", 1))
    sync_content(db.session, load_tree(lab), clock.now())
    db.session.commit()
    assert db.session.scalars(select(Attempt)).one().score == 1  # nothing changes by itself
    result = app.test_cli_runner().invoke(args=["quiz", "rescore", "quiz-lab", "lab-single"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    attempt = db.session.scalars(select(Attempt)).one()
    assert attempt.score == Fraction(6, 7) and attempt.passed
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("quiz.%"))
    ).one()  # the one quiz event (content sync also records requirement events)
    assert event.action == "quiz.rescore" and event.subject == "question:quiz-lab/lab-single"
    assert event.data["attempts"][str(attempt.id)]["score_from"] == "1"


def test_statistics_page_for_oversight_staff(app, client, lab, world):
    login(client, world.learner)
    url = start(client)
    post(client, url, {**answer_form(_items()), "action": "submit"})
    fred = app.test_client()
    login(fred, world.fred)
    url = start(fred)
    post(fred, url, {**answer_form(_items(user_id=world.fred.id), right=False), "action": "submit"})
    overseer = app.test_client()
    login(overseer, world.overseer)
    html = overseer.get(f"{FINAL}/statistics").get_data(as_text=True)
    assert "Attempts</dt><dd>2 (2 first attempts)" in html
    assert "lab-single" in html and "50%" in html  # facility: one right, one wrong
    assert "Small sample" in html
    assert world.learner.name not in html and world.fred.name not in html
    assert fred.get(f"{FINAL}/statistics").status_code == 403
