"""A double or concurrent submit is recorded once (PostgreSQL, real concurrent transactions)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lms.courses.models import Enrollment, ModuleProgress
from lms.extensions import db
from tests.conftest import PG_URL, csrf_token, login

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (LMS_TEST_DATABASE_URL)")

URL = "/courses/foundations/trauma-informed-approach/complete"


def test_concurrent_completion_records_one_row(app, world):
    clients = []
    for _ in range(6):
        client = app.test_client()
        login(client, world.learner)
        clients.append((client, csrf_token(client)))
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def submit(client, token) -> None:
        barrier.wait()
        statuses.append(client.post(URL, data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=submit, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert db.session.scalar(select(func.count(ModuleProgress.id))) == 1
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
