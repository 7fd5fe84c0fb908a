"""Concurrent starts and submits of one attempt are recorded once (PostgreSQL, threads)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lms.assessments.models import Attempt
from lms.extensions import db
from tests.assessments.test_quiz_http import FINAL, _items, answer_form
from tests.conftest import PG_URL, csrf_token, login

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (LMS_TEST_DATABASE_URL)")


def _race(clients, send) -> list[int]:
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def run(client, token) -> None:
        barrier.wait()
        statuses.append(send(client, token).status_code)

    threads = [threading.Thread(target=run, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _clients(app, user, count: int = 6):
    pairs = []
    for _ in range(count):
        client = app.test_client()
        login(client, user)
        pairs.append((client, csrf_token(client)))
    return pairs


def test_concurrent_starts_create_one_attempt(app, lab, world):
    statuses = _race(
        _clients(app, world.learner),
        lambda client, token: client.post(f"{FINAL}/start", data={"csrf_token": token}),
    )
    assert statuses == [302] * 6
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_concurrent_submits_score_once(app, lab, world, monkeypatch):
    from lms.assessments import scoring

    scored = []
    total = scoring.total
    monkeypatch.setattr(scoring, "total", lambda results: scored.append(1) or total(results))
    clients = _clients(app, world.learner)
    client, token = clients[0]
    client.post(f"{FINAL}/start", data={"csrf_token": token})
    right = {**answer_form(_items()), "action": "submit"}
    wrong = {**answer_form(_items(), right=False), "action": "submit"}
    url = f"{FINAL}/attempts/1"
    statuses = _race(
        clients,
        lambda c, t: c.post(url, data={**(right if c is client else wrong), "csrf_token": t}),
    )
    assert statuses == [302] * 6
    attempts = db.session.scalars(select(Attempt)).all()
    assert len(attempts) == 1 and attempts[0].status == "submitted"
    assert attempts[0].score in (0, 1)  # one submission won, whole; nothing was mixed
    assert len(scored) == 1  # and it was scored once
