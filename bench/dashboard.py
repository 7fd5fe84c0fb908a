"""Dashboard benchmark: render time and SQL statements of the oversight pages.

Target (issue 6): on PostgreSQL with ``lms demo generate --learners 100000`` (about 300
agencies), the state dashboard and an agency drill-down each render in under 300 ms, with a
number of SQL queries that does not grow with the data (tests/oversight/test_dashboard_http.py
asserts the count; this script reports it at scale).

Requests go through the app's test client in this process (no network, no gunicorn), signed
in as an overseer (``bench-overseer@example.org`` is created when the database has none).
Each page is requested ``--runs`` times after one warm-up; median and 95th percentile in ms::

    export LMS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/h_bench
    .venv/bin/lms db upgrade && .venv/bin/lms content sync
    .venv/bin/lms demo generate --learners 100000
    .venv/bin/python bench/dashboard.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0
OVERSEER = "bench-overseer@example.org"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LMS_DATABASE_URL"))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("set LMS_DATABASE_URL or --database-url")

    from sqlalchemy import event, func, select

    from lms import clock, create_app
    from lms.auth import services
    from lms.auth.models import Role, User
    from lms.auth.passwords import Hasher
    from lms.extensions import db
    from lms.oversight.models import Standing

    app = create_app({
        "DATABASE_URL": args.database_url, "SECRET_KEY": os.urandom(24).hex(),
        "SESSION_COOKIE_SECURE": False, "PREFERRED_URL_SCHEME": "http",
        "PUBLIC_BASE_URL": "https://harbor.example.gov",
    })  # fmt: skip
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == OVERSEER))
        if user is None:
            new = services.NewUser("Bench Overseer", OVERSEER, os.urandom(16).hex(), None, None,
                                   None, Role.OVERSEER)  # fmt: skip
            user = services.create_user(db.session, new, Hasher(1, 1024, 1), clock.now())
        token = services.start_session(db.session, user, clock.now(), "127.0.0.1", "bench")
        learners = db.session.scalar(select(func.count()).select_from(User))
        pairs = db.session.scalar(select(func.count()).select_from(Standing))
        biggest = db.session.execute(
            select(User.agency_id, func.count()).where(User.agency_id.is_not(None))
            .group_by(User.agency_id).order_by(func.count().desc()).limit(1)
        ).first()  # fmt: skip
        db.session.commit()
    if biggest is None:
        print("no agencies: run `lms demo generate --learners N` first")
        return 2
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True

    statements = [0]
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a: statements.__setitem__(0, statements[0] + 1),
        )

    pages = {
        "state dashboard": "/oversight",
        f"agency drill-down ({biggest[1]} learners)": f"/oversight/agencies/{biggest[0]}",
        "in-breach list": "/oversight/due?list=breach",
        "state dashboard, one region": "/oversight?region=" + _first_region(app),
        # A requirement filter counts learners by grouping their standings (the slow path).
        "state dashboard, one requirement": "/oversight?requirement=core-response",
    }
    print(f"{args.database_url.split('@')[-1]}: {learners:,} users, {pairs:,} standings")
    failed = False
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.runs):
            statements[0] = 0
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        median = statistics.median(times)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        target = label.startswith(("state dashboard", "agency"))
        verdict = ("met" if median < TARGET_MS else "MISSED") if target else ""
        failed |= target and median >= TARGET_MS
        print(f"  {label:<36} median {median:6.0f} ms  p95 {p95:6.0f} ms  "
              f"{statements[0]:2d} statements  {verdict}")  # fmt: skip
    return 1 if failed else 0


def _first_region(app) -> str:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from lms.auth.models import Agency
    from lms.extensions import db

    with app.app_context():
        return db.session.scalar(select(Agency.region).order_by(Agency.region).limit(1)) or ""


if __name__ == "__main__":
    sys.exit(main())
