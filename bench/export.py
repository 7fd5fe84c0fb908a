"""Export benchmark: peak memory and speed of the state-wide compliance export.

Runs ``GET /oversight/export.csv`` (or ``.xlsx``) through the app's test client, in a child
process of its own so that the figures are the export's alone, and reads the body chunk by
chunk as a browser would. Reports, from the child:

* ``baseline``: peak RSS (``getrusage().ru_maxrss``) after the app is built, a user signed in
  and a warm-up request served: what the process costs before the export;
* ``peak``: peak RSS once the export has been read to the end, and ``peak - baseline``;
* rows (from the export's own audit entry), bytes, time to first chunk, total time, rows/s.

The issue's target: "the state-wide CSV export streams with peak memory under 200 MB" on
PostgreSQL with 100,000 learners. Exit status: 0 target met, 1 missed (unless ``--no-check``).

The database is ``--database-url`` or ``LMS_DATABASE_URL``. The export is made as
``--email`` (default: the first active overseer, else admin); like every export it writes an
audit entry, and the benchmark opens (and then ends) a server-side login session for that
user. ``--generate N`` first builds a synthetic database of N learners in about N/330
agencies (schema, full curriculum and requirements, users, standings via
``lms.oversight.standings.refresh``) plus an overseer ``bench-overseer@example.org``; it
refuses to write to a database that already has users::

    .venv/bin/python bench/export.py --database-url sqlite:////tmp/export-bench.db --generate 5000
    export LMS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/h_demo
    .venv/bin/python bench/export.py
    .venv/bin/python bench/export.py --format xlsx --query 'status=breach'
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MB = 200.0
BENCH_OVERSEER = "bench-overseer@example.org"


def _config(url: str) -> dict[str, object]:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": os.urandom(24).hex(),
        "SESSION_COOKIE_SECURE": False,  # the test client speaks plain http
        "SESSION_COOKIE_NAME": "harbor_bench",
        "PREFERRED_URL_SCHEME": "http",
        "PUBLIC_BASE_URL": "https://harbor.example.gov",
    }


def _rss_mb() -> float:
    """Return this process's peak RSS so far in MB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _current_rss_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# -- the measured child ---------------------------------------------------------------------------


def child(url: str, email: str | None, kind: str, query: str) -> dict[str, object]:
    """Sign in, warm up, export; return the figures (runs in its own process)."""
    import gc

    from sqlalchemy import select

    from lms import clock, create_app
    from lms.audit.models import AuditEvent
    from lms.auth import services
    from lms.auth.models import Role, User
    from lms.extensions import db

    app = create_app(_config(url))
    with app.app_context():
        if email:
            user = db.session.scalar(select(User).where(User.email == email.lower()))
        else:
            user = next(
                (
                    db.session.scalar(
                        select(User).where(User.role == role, User.active).order_by(User.id)
                    )
                    for role in (Role.OVERSEER, Role.ADMIN)
                    if db.session.scalar(select(User.id).where(User.role == role, User.active))
                ),
                None,
            )
        if user is None or user.role not in (Role.OVERSEER, Role.ADMIN):
            raise SystemExit(f"no overseer or admin to export as ({email or 'first found'})")
        token = services.start_session(db.session, user, clock.now(), "127.0.0.1", "bench")
        db.session.commit()
        who = user.email
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    try:
        warm = client.get("/oversight/credits")  # a signed-in oversight page: templates, user
        if warm.status_code != 200:
            raise SystemExit(f"warm-up as {who}: HTTP {warm.status_code}")
        gc.collect()
        baseline, baseline_now = _rss_mb(), _current_rss_mb()
        path = f"/oversight/export.{kind}" + (f"?{query}" if query else "")
        started = time.perf_counter()
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}: {response.get_data()[:300]!r}")
        first = None
        size = chunks = 0
        for chunk in response.response:  # as a server would: chunk by chunk, never all at once
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            chunks += 1
        response.close()
        elapsed = time.perf_counter() - started
        peak, peak_now = _rss_mb(), _current_rss_mb()
        with app.app_context():
            event = db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == f"export.{kind}", AuditEvent.actor_id == user.id)
                .order_by(AuditEvent.id.desc())
                .limit(1)
            ).one()
            rows = int(event.data["rows"])
            backend = db.engine.dialect.name
    finally:
        with app.app_context():
            services.end_session(db.session, token)
            db.session.commit()
    return {
        "backend": backend,
        "format": kind,
        "query": query,
        "as": who,
        "rows": rows,
        "bytes": size,
        "chunks": chunks,
        "first_chunk_s": round(first or 0.0, 3),
        "seconds": round(elapsed, 3),
        "rows_per_s": round(rows / elapsed) if elapsed else None,
        "baseline_peak_rss_mb": round(baseline, 1),
        "baseline_rss_mb": round(baseline_now, 1) if baseline_now else None,
        "peak_rss_mb": round(peak, 1),
        "rss_after_mb": round(peak_now, 1) if peak_now else None,
        "export_added_mb": round(peak - baseline, 1),
    }


# -- a synthetic database -------------------------------------------------------------------------

FIRST = ["Ana", "José", "Mei", "Olu", "Zoë", "Liam", "Fatima", "Noah", "Søren", "Priya"]
LAST = ["García", "Nguyen", "O'Brien", "Smith-Jones", "Kowalski", "Okafor", "Müller", "Lee"]
#: A few hostile names, so the escaping is on the measured path too.
HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"]


def generate(url: str, learners: int, seed: int) -> None:
    """Build a synthetic database of ``learners`` learners (refuses one that has users)."""
    from sqlalchemy import func, insert, select

    import lms.models  # noqa: F401
    from lms import clock, create_app
    from lms.auth.models import Agency, AgencyType, Discipline, Role, User
    from lms.auth.passwords import Hasher
    from lms.courses.loader import load_tree
    from lms.courses.services import sync_content
    from lms.db import Base
    from lms.extensions import db
    from lms.oversight import standings

    rng = random.Random(seed)
    app = create_app(_config(url))
    with app.app_context():
        Base.metadata.create_all(db.engine)
        if db.session.scalar(select(func.count()).select_from(User)):
            raise SystemExit(f"{url} already has users: --generate wants an empty database")
        now = clock.now()
        sync_content(db.session, load_tree(ROOT / "content"), now)
        disciplines = list(db.session.scalars(select(Discipline.id)))
        types = [t for t in AgencyType if t != AgencyType.OVERSIGHT]
        n_agencies = max(2, learners // 330)
        regions = ["Coastal", "Northern", "Central", "Southern", "Mountain"]
        agency_ids = []
        for i in range(n_agencies):
            agency = Agency(
                name=f"Agency {i:04d} ({rng.choice(LAST)})",
                type=rng.choice(types),
                county=f"County {i % 58:02d}",
                region=regions[i % len(regions)],
            )
            db.session.add(agency)
            db.session.flush()
            agency_ids.append(agency.id)
        password = Hasher(1, 1024, 1).hash(os.urandom(16).hex())  # nobody signs in as them
        db.session.add(
            User(
                email=BENCH_OVERSEER,
                name="Bench Overseer",
                password_hash=password,
                role=Role.OVERSEER,
                created_at=now,
            )
        )
        batch = []
        for i in range(learners):
            name = (
                HOSTILE[i % len(HOSTILE)]
                if i % 997 == 0
                else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            )
            batch.append(
                {
                    "email": f"learner{i:06d}@example.org",
                    "name": name,
                    "password_hash": password,
                    "role": Role.LEARNER,
                    "agency_id": rng.choice(agency_ids),
                    "discipline_id": rng.choice(disciplines),
                    "employment_start": date(2024, 1, 1) + timedelta(days=rng.randrange(1000)),
                    "active": True,
                    "created_at": now,
                    "extra_time_percent": 0,
                }
            )
            if len(batch) == 5000:
                db.session.execute(insert(User), batch)
                batch = []
        if batch:
            db.session.execute(insert(User), batch)
        written = standings.refresh(db.session, now.date())
        db.session.commit()
        print(f"generated {learners:,} learners in {n_agencies} agencies, {written:,} standings")


# -- the parent ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LMS_DATABASE_URL"))
    parser.add_argument("--email", help="overseer or admin to export as")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--query", default="", help="filters, e.g. 'region=Coastal'")
    parser.add_argument("--generate", type=int, metavar="N", help="first build N learners")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set LMS_DATABASE_URL")

    if args.child:
        figures = child(args.database_url, args.email, args.format, args.query)
        print(json.dumps(figures))
        return 0

    if args.generate:
        started = time.perf_counter()
        generate(args.database_url, args.generate, args.seed)
        print(f"(generation took {time.perf_counter() - started:.1f} s, not measured)")

    command = [sys.executable, __file__, "--child", "--database-url", args.database_url,
               "--format", args.format, "--query", args.query]  # fmt: skip
    if args.email:
        command += ["--email", args.email]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        return 2
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["python"] = platform.python_version()
    figures["machine"] = f"{platform.machine()}, {os.cpu_count()} CPUs"
    print(f"export {figures['format']} on {figures['backend']} as {figures['as']}"
          + (f" ({figures['query']})" if figures["query"] else ""))  # fmt: skip
    print(f"  rows              {figures['rows']:>12,}")
    print(f"  bytes             {figures['bytes']:>12,}  in {figures['chunks']:,} chunks")
    print(f"  first chunk       {figures['first_chunk_s']:>12.3f} s")
    print(f"  total             {figures['seconds']:>12.3f} s")
    print(f"  rows/s            {figures['rows_per_s'] or 0:>12,}")
    print(f"  baseline peak RSS {figures['baseline_peak_rss_mb']:>12.1f} MB")
    print(f"  peak RSS          {figures['peak_rss_mb']:>12.1f} MB"
          f"  (export added {figures['export_added_mb']:.1f} MB)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    met = figures["peak_rss_mb"] < TARGET_MB
    print(f"target: peak RSS < {TARGET_MB:.0f} MB: {'met' if met else 'MISSED'}")
    return 0 if met or args.no_check else 1


if __name__ == "__main__":
    sys.exit(main())
