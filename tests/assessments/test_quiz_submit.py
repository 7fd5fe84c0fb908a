"""The answer form's write path: few statements, cached versions, one claim, nothing mixed."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import Session

from lms import clock
from lms.assessments import attempts, versions
from lms.assessments.models import Attempt, QuestionVersion
from lms.assessments.responses import parse_form
from lms.assessments.snapshot import question_from_data
from lms.db import Base
from lms.extensions import db
from tests.assessments.test_quiz_http import _items, answer_form, start
from tests.conftest import csrf_token, login, post


def _statements(app, send) -> list[str]:
    """Return the SQL statements (lowercased, first line) that ``send()`` runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(("many " if executemany else "") + " ".join(statement.lower().split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_submission_reads_the_attempt_once_and_writes_items_in_one_statement(
    app, client, lab, world
):
    login(client, world.learner)
    url = start(client)
    post(client, url, {**answer_form(_items(), right=False), "action": "submit"})
    url = start(client)  # the second attempt: its versions and settings are known by now
    form = {**answer_form(_items(2)), "action": "submit", "csrf_token": csrf_token(client)}
    response = None

    def send() -> None:
        nonlocal response
        response = client.post(url, data=form)

    sql = _statements(app, send)
    assert response is not None and response.status_code == 302
    assert response.headers["Location"].endswith("/attempts/2/review")
    assert not [s for s in sql if "question_versions" in s or "quiz_versions" in s]
    assert len([s for s in sql if s.startswith("select") and "from attempts" in s]) == 1
    assert len([s for s in sql if s.startswith("select") and "from attempt_items" in s]) == 1
    assert len([s for s in sql if s.startswith("update attempts")]) == 1
    (items,) = [s for s in sql if "update attempt_items" in s]  # every item: one executemany
    assert items.startswith("many ") and all(f"{c}=" in items for c in ("response", "fraction"))
    attempt = db.session.scalars(select(Attempt).where(Attempt.number == 2)).one()
    assert attempt.status == "submitted" and attempt.score == 1 and attempt.passed


def test_blank_answers_stay_null_and_every_item_is_saved_and_scored(client, lab, world):
    login(client, world.learner)
    url = start(client)
    partial = {k: v for k, v in answer_form(_items()).items() if not k.startswith(("q1", "q2"))}
    post(client, url, {**partial, "action": "confirm"})
    rows = db.session.execute(
        text("SELECT position, response IS NULL, saved_at, fraction FROM attempt_items")
    ).all()
    assert {position for position, blank, _, _ in rows if blank} == {1, 2}
    assert all(saved_at is not None and fraction is not None for _, _, saved_at, fraction in rows)
    assert db.session.scalars(select(Attempt)).one().score == Fraction(5, 7)


def test_a_submit_that_loses_the_race_writes_nothing(client, lab, world):
    """A submit that read the attempt open, but was beaten to the claim, changes nothing."""
    login(client, world.learner)
    url = start(client)
    row = db.session.scalars(select(Attempt)).one()
    stale = attempts.lock_own_attempt(db.session, "quiz-lab", "final", world.learner.id, 1)
    assert stale is not None and stale.status == "in_progress"
    items = attempts.answer_items(db.session, stale)
    wrong = parse_form([i.shown for i in items], answer_form(_items(), right=False))
    db.session.rollback()
    assert post(client, url, {**answer_form(_items()), "action": "submit"}).status_code == 302
    before = [(i.response, i.fraction, i.saved_at) for i in _items()]
    assert not attempts.submit_attempt(db.session, stale, items, wrong, clock.now())
    db.session.commit()
    db.session.expire_all()
    assert [(i.response, i.fraction, i.saved_at) for i in _items()] == before
    assert db.session.get(Attempt, row.id).score == 1


def test_question_versions_are_parsed_once_per_database(app, lab, world):
    rows = db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id)).all()
    ids = [row.id for row in rows]
    found = versions.questions(db.session, ids)
    assert found == {row.id: question_from_data(row.spec) for row in rows}
    again = _statements(app, lambda: versions.questions(db.session, ids[:3]))
    assert again == []  # kept: versions never change once written
    assert versions.questions(db.session, ids[:3]) == {i: found[i] for i in ids[:3]}
    # Another database with the same ids holds other questions: its own cache answers.
    other = create_engine("sqlite://")
    Base.metadata.create_all(other, tables=[QuestionVersion.__table__])
    with Session(other) as session:
        spec = {**rows[0].spec, "text": "Another database's question"}
        session.add(
            QuestionVersion(
                id=ids[0], course_id=1, key="k", version=1, content_hash="h", kind=rows[0].kind,
                pool="p", spec=spec, html={}, created_at=clock.now(),
            )
        )  # fmt: skip
        session.commit()
        assert versions.questions(session, [ids[0]])[ids[0]].text == "Another database's question"
    assert versions.questions(db.session, [ids[0]])[ids[0]] == found[ids[0]]
    other.dispose()
