"""Certificate benchmark: issuance with its PDF, bulk issuance from the CLI, and PDF download.

Three measurements on a fresh embedded SQLite database (in a temporary directory), each
against the issue's target:

1. **Issuance**, in process, once warm: ``issue_if_eligible`` + commit for learners who have
   just finished Foundations (eligibility queries, a serial and status position, the WeasyPrint
   PDF, the eddsa-rdfc-2022 proof and VC-JWT, the audit entry). Target: median < 100 ms.
2. **Bulk issuance**: ``lms certificates issue`` as a subprocess for ``--bulk`` learners
   (default 1,000). Target: under 2 minutes. Every certificate is then counted in the database.
3. **Download** of an issued PDF as its owner vs ``/healthz`` under gunicorn (2 workers) and
   wrk, alternating, in one run. Target: download >= 50 % of ``/healthz`` requests per second.
   Each download is the stored bytes: the body is checked against the stored SHA-256 first.

The learners' course progress is written straight into the database (modules complete and a
submitted, passed final attempt): what is measured is issuance, not the quiz.

    .venv/bin/python bench/certificates.py [--bulk 1000] [--timed 60] [--duration 8]

Exit status: 0 targets met, 1 a target missed (unless ``--no-check``), 2 setup failed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages as harness  # noqa: E402  (the shared gunicorn/wrk set-up of bench/pages.py)

TARGET_ISSUE_MEDIAN_MS = 100.0
TARGET_BULK_SECONDS = 120.0
TARGET_DOWNLOAD_RATIO = 0.5


def _app(env: dict[str, str]):  # type: ignore[no-untyped-def]
    os.environ.update(env)
    from lms import create_app

    return create_app()


def finish_course(app, emails: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """Create learners (or use existing ones) who have finished Foundations; return their ids."""
    from sqlalchemy import insert, select

    from lms import clock
    from lms.assessments.models import Attempt, Quiz, QuizVersion
    from lms.auth.models import Agency, Discipline, User
    from lms.courses.models import Course, Enrollment, Module, ModuleProgress
    from lms.extensions import db

    with app.app_context():
        session = db.session
        now = clock.now()
        course = session.scalar(select(Course).where(Course.slug == "foundations"))
        modules = session.scalars(select(Module.id).where(Module.course_id == course.id)).all()
        quiz = session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == "final"))
        version = session.scalar(
            select(QuizVersion.id).where(
                QuizVersion.quiz_id == quiz.id, QuizVersion.version == quiz.version
            )
        )
        agency = session.scalar(select(Agency.id).limit(1))
        discipline = session.scalar(
            select(Discipline.id).where(Discipline.slug == "law-enforcement")
        )
        existing = dict(session.execute(select(User.email, User.id)).all())
        new = [
            {
                "email": e,
                "name": f"Learner {e.split('@')[0]}",
                "password_hash": "!",  # cannot sign in; the download uses the demo officer
                "role": "learner",
                "agency_id": agency,
                "discipline_id": discipline,
                "created_at": now,
            }
            for e in emails
            if e not in existing
        ]
        if new:
            session.execute(insert(User), new)
        ids = dict(session.execute(select(User.email, User.id)).all())
        users = [ids[e] for e in emails]
        session.execute(
            insert(Enrollment),
            [
                {"user_id": u, "course_id": course.id, "started_at": now, "completed_at": now}
                for u in users
            ],
        )
        session.execute(
            insert(ModuleProgress),
            [
                {
                    "user_id": u,
                    "module_id": m,
                    "started_at": now,
                    "updated_at": now,
                    "completed_at": now,
                    "completed_version": 1,
                }
                for u in users
                for m in modules
            ],
        )
        session.execute(
            insert(Attempt),
            [
                {
                    "user_id": u,
                    "quiz_id": quiz.id,
                    "quiz_version_id": version,
                    "number": 1,
                    "status": "submitted",
                    "started_at": now,
                    "submitted_at": now,
                    "score": Fraction(9, 10),
                    "passed": True,
                }
                for u in users
            ],
        )
        session.commit()
        return users


def time_issuance(app, user_ids: list[int], warmup: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Issue one by one as a request would (then commit); return milliseconds, warm-up dropped."""
    from sqlalchemy import select

    from lms import clock
    from lms.auth.models import User
    from lms.certificates.services import issue_if_eligible
    from lms.certificates.web import issuer_for
    from lms.courses.models import Course
    from lms.extensions import db

    timings = []
    for user_id in user_ids:
        with app.test_request_context():
            session = db.session
            started = time.perf_counter()
            user = session.get(User, user_id)
            course = session.scalar(select(Course).where(Course.slug == "foundations"))
            cert = issue_if_eligible(session, user, course, issuer_for(session), clock.now())
            session.commit()
            timings.append((time.perf_counter() - started) * 1000)
            assert cert is not None and cert.pdf_sha256
    return timings[warmup:]


def count_certificates(app) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from lms.certificates.models import Certificate
    from lms.extensions import db

    with app.app_context():
        return int(db.session.scalar(select(func.count(Certificate.id))))


def officer_certificate(app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Give the demo officer a certificate; return its serial and PDF sha256."""
    from sqlalchemy import select

    from lms.auth.models import User
    from lms.certificates.models import Certificate
    from lms.extensions import db

    with app.app_context():
        officer = db.session.scalar(select(User.id).where(User.email == harness.EMAIL))
    time_issuance(app, [officer], 0)
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.user_id == officer))
        return cert.serial, cert.pdf_sha256


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bulk", type=int, default=1000, help="certificates for the CLI run")
    parser.add_argument("--timed", type=int, default=60, help="issuances timed in process")
    parser.add_argument("--warmup", type=int, default=5, help="issuances not counted")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="download runs (healthz between)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-check", action="store_true", help="exit 0 even if a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2
    print(f"machine: {harness.machine()}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="harbor-bench-certs-"))
    log, database = workdir / "server.log", workdir / "bench.db"
    env = harness.app_env(database, harness.ROOT)
    env["LMS_PUBLIC_BASE_URL"] = "https://harbor.example.gov"
    env["LMS_SIGNING_KEY"] = str(workdir / "signing_key.pem")
    server = None
    try:
        harness.prepare_database(env, harness.ROOT, log)  # generates the key on first use
        app = _app(env)

        timed_ids = finish_course(
            app, [f"timed{n}@bench.example" for n in range(args.timed + args.warmup)]
        )
        timings = time_issuance(app, timed_ids, args.warmup)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 20 else max(timings)
        print(
            f"issuance: {len(timings)} timed after {args.warmup} warm-up: median {median:.1f} ms, "
            f"p95 {p95:.1f} ms, max {max(timings):.1f} ms (target median < "
            f"{TARGET_ISSUE_MEDIAN_MS:.0f} ms)",
            flush=True,
        )

        finish_course(app, [f"bulk{n}@bench.example" for n in range(args.bulk)])
        before = count_certificates(app)
        started = time.perf_counter()
        done = subprocess.run(
            [harness._venv_bin("lms"), "certificates", "issue"],
            env=env,
            cwd=harness.ROOT,
            capture_output=True,
            text=True,
        )
        bulk_seconds = time.perf_counter() - started
        issued = count_certificates(app) - before
        if done.returncode or issued != args.bulk:
            raise harness.SetupError(
                f"bulk issue: exit {done.returncode}, {issued} of {args.bulk} issued\n"
                f"{done.stdout}{done.stderr}"
            )
        print(
            f"bulk: `lms certificates issue` issued {issued} in {bulk_seconds:.1f} s "
            f"({1000 * bulk_seconds / issued:.0f} ms each, one process; target < "
            f"{TARGET_BULK_SECONDS:.0f} s for 1,000) -- {done.stdout.strip()}",
            flush=True,
        )

        finish_course(app, [harness.EMAIL])
        serial, sha = officer_certificate(app)
        port = harness._free_port()
        server = harness.start_gunicorn(env, harness.ROOT, port, args.workers, log, "wsgi:app")
        cookies = harness.sign_in(port)
        path = f"/certificates/{serial}.pdf"
        status, _, body = harness.request(port, "GET", path, cookies)
        if status != 200 or hashlib.sha256(body).hexdigest() != sha:
            raise harness.SetupError(f"GET {path}: {status}, not the stored PDF")
        cookie = cookies[harness.COOKIE]
        for target in (harness.HEALTHZ_PATH, path):
            harness.run_wrk(wrk, port, target, cookie, args, 2)
        plan = [("healthz", harness.HEALTHZ_PATH)]
        for _ in range(args.rounds):
            plan += [("download", path), ("healthz", harness.HEALTHZ_PATH)]
        runs = []
        for name, target in plan:
            cpu0 = harness.server_cpu_seconds(server.pid)
            figures = harness.run_wrk(wrk, port, target, cookie, args, args.duration)
            cpu = harness.server_cpu_seconds(server.pid) - cpu0
            if sum(figures["errors"].values()):
                raise harness.SetupError(f"{name}: errors {figures['errors']}")
            runs.append((name, figures, 1000 * cpu / max(1, figures["requests"])))
            print(
                f"  {name:<8} {figures['rps']:8.0f} req/s  p50 {figures['p50_ms']:6.1f} ms  "
                f"p99 {figures['p99_ms']:6.1f} ms  {figures['bytes_per_request']:8.0f} B/req  "
                f"server CPU {runs[-1][2]:.2f} ms/req",
                flush=True,
            )
    except harness.SetupError as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr)
        if log.exists():
            print("\n".join(log.read_text(errors="replace").splitlines()[-20:]), file=sys.stderr)
        return 2
    finally:
        if server is not None:
            harness.stop(server)
        shutil.rmtree(workdir, ignore_errors=True)

    download = statistics.mean(f["rps"] for n, f, _ in runs if n == "download")
    healthz = statistics.mean(f["rps"] for n, f, _ in runs if n == "healthz")
    ratio = download / healthz
    print(
        f"download {download:.0f} req/s vs /healthz {healthz:.0f} req/s: ratio {ratio:.2f} "
        f"(target >= {TARGET_DOWNLOAD_RATIO})"
    )
    missed = []
    if median >= TARGET_ISSUE_MEDIAN_MS:
        missed.append("issuance median")
    if bulk_seconds / issued * 1000 >= TARGET_BULK_SECONDS:  # projected to 1,000
        missed.append("bulk issuance")
    if ratio < TARGET_DOWNLOAD_RATIO:
        missed.append("download ratio")
    print("targets: " + ("all met" if not missed else "MISSED: " + ", ".join(missed)))
    return 1 if missed and not args.no_check else 0


if __name__ == "__main__":
    raise SystemExit(main())
