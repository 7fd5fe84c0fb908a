"""Quiz submission benchmark: submitting a quiz as a signed-in learner against ``/healthz``.

Every measured request is a real submission: a POST of a complete answer form to a fresh,
in-progress attempt, which the server parses, scores and stores (302 to the attempt's review).
A second POST to a submitted attempt also answers 302 to the review but scores and stores
nothing, so each attempt is posted exactly once.

Setup is that of ``bench/pages.py`` (whose functions this script imports): a fresh embedded
SQLite database in a temporary directory (``lms db upgrade``, ``lms content sync``, ``lms demo
seed``) and ``gunicorn -w 2 'lms:create_app()'``. Then a pool of learners is made through the
application's own services, each signed in (a server-side session and its cookie, as the login
form makes them) and each with one attempt started at the quiz (the draw, as the start button
makes it), and each with a complete answer form built from what the take page would show.
wrk posts the pool's forms, each once (a Lua script walks through the pool; each thread has its
own slice), and ``/healthz`` is loaded before and after, as in ``bench/pages.py``.

After each run the database must agree with what wrk counted: the attempts submitted are exactly
those posted (so none was posted twice), every response was a 302 to the review, and each
submitted attempt has its score (the one its answers earn) and every item its fraction. Requests
still in flight when wrk stops are finished by the server but not counted by wrk; they are
reported apart.

Prints a table, the submission/healthz throughput ratio, and checks the target of the issue:
quiz submissions per second >= 25% of ``/healthz`` requests per second (same run). Exit status:
0 target met, 1 missed (unless ``--no-check``), 2 setup failed or the run is invalid. Results
are written to ``bench/results/quiz-<timestamp>.json`` (git-ignored).

Only the standard library is used by the driver; the pool is made by this same file run as a
subprocess with the application on its path (``--make-pool``)::

    .venv/bin/python bench/quiz.py [--duration 10] [--connections 16] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from pages import (
    COOKIE,
    HEALTHZ_PATH,
    RESULTS,
    ROOT,
    Run,
    SetupError,
    _csrf,
    _free_port,
    _location,
    app_env,
    commit,
    export_ref,
    machine,
    machine_busy,
    own_cpu,
    parse_wrk,
    prepare_database,
    request,
    run_python,
    run_wrk,
    server_cpu_seconds,
    start_gunicorn,
    stop,
    versions,
    working_tree,
)

QUIZ = "foundations/check-what-cse-is"
TARGET_RATIO = 0.25
#: Submissions per second the warm-up's pool slice has room for (unless --pool-rate says).
WARMUP_POOL_RATE = 100
#: The runs' pool slices have room for this many times the warm-up's rate.
POOL_MARGIN = 2
#: A run that runs out of fresh attempts is repeated (with a bigger slice) up to this often.
RETRIES = 2

#: The pool's learners: created by this script, in a demo agency.
POOL_EMAIL = "bench-learner-{:05d}@example.org"
POOL_PASSWORD = "bench-learner-harbor-pool"
POOL_AGENCY = "Harbor City Police Department"
POOL_DISCIPLINE = "law-enforcement"
#: Share of questions the pool's learners answer with the key (the others get a wrong answer).
RIGHT = 0.75

#: wrk script: each thread posts the forms of its own slice of the pool, each once, in order,
#: and counts what came back. ``done`` prints one ``quiz-bench`` line per thread for the driver.
LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  local file, first, count = args[1], tonumber(args[2]), tonumber(args[3])
  local parts = tonumber(args[4])
  review = args[5]
  lo = first + math.floor(count * (tid - 1) / parts)
  hi = first + math.floor(count * tid / parts)
  forms = {}
  local index = 0
  for line in io.lines(file) do
    if index >= hi then break end
    if index >= lo then
      local _, _, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      forms[#forms + 1] = wrk.format("POST", path, {
        ["Cookie"] = "harbor_session=" .. cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }, body)
    end
    index = index + 1
  end
  issued, answered, submitted, exhausted = 0, 0, 0, 0
  statuses = ""
  spare = wrk.format("GET", "/healthz")
  -- wrk calls the first thread's request() once before the run, to check what it returns,
  -- and never sends that request: give it the spare, so that no form is lost.
  verifying = tid == 1
end

function request()
  if verifying then
    verifying = false
    return spare
  end
  if issued >= #forms then
    -- Out of fresh attempts: never post a form twice. The run is reported invalid.
    exhausted = 1
    wrk.thread:stop()
    return spare
  end
  issued = issued + 1
  return forms[issued]
end

function response(status, headers, body)
  answered = answered + 1
  if status == 302 and headers["Location"] == review then
    submitted = submitted + 1
  elseif #statuses < 200 then
    statuses = statuses .. " " .. status .. ":" .. tostring(headers["Location"])
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("quiz-bench thread=%d lo=%d hi=%d issued=%d answered=%d " ..
      "submitted=%d exhausted=%d other=%s\n", t:get("tid"), t:get("lo"), t:get("hi"),
      t:get("issued"), t:get("answered"), t:get("submitted"), t:get("exhausted"),
      t:get("statuses") == "" and "-" or t:get("statuses"):gsub(" ", ",")))
  end
end
"""


# The pool (runs in the application's environment) ------------------------------------------


def make_pool(out: Path, first: int, count: int, quiz: str, seed: int) -> None:
    """Append ``count`` pool entries to ``out``: learner, session, started attempt, answer form.

    Runs as a subprocess with the application importable (``--make-pool``). Each line is
    ``attempt id, expected score, path, cookie value, form body``, tab-separated. Everything
    is made by the application's own code: ``create_user``, ``sign_in`` (the login view's
    second half: server-side session, fresh Flask session) and ``generate_csrf`` in a request
    context, ``start_attempt`` (the start view's draw), and ``to_form_values`` (how the take
    page fills in saved answers: display positions, never choice ids).
    """
    from flask import g, session
    from flask_wtf.csrf import generate_csrf
    from sqlalchemy import select

    from lms import clock, create_app

    # services: the names it has kept since before the split, so --ref works on older commits
    from lms.assessments import queries, scoring, services
    from lms.assessments.responses import to_form_values
    from lms.auth import services as accounts
    from lms.auth.models import Agency, Discipline, Role
    from lms.auth.sessions import sign_in
    from lms.auth.views import hasher
    from lms.extensions import db

    course_slug, quiz_slug = quiz.split("/", 1)
    app = create_app()
    cookies = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    rng = random.Random(seed * 1_000_003 + first)
    with app.app_context(), out.open("a") as lines:
        found = queries.find_quiz(db.session, course_slug, quiz_slug)
        if found is None:
            raise SystemExit(f"no active quiz {quiz!r}")
        _, row = found
        agency = db.session.scalar(select(Agency.id).where(Agency.name == POOL_AGENCY))
        discipline = db.session.scalar(
            select(Discipline.id).where(Discipline.slug == POOL_DISCIPLINE)
        )
        stored = hasher().hash(POOL_PASSWORD)  # one real argon2 hash, shared by the pool

        class Stored:
            def hash(self, _password: str) -> str:
                return stored

        for n in range(first, first + count):
            now = clock.now()
            new = accounts.NewUser(
                f"Bench Learner {n}",
                POOL_EMAIL.format(n),
                POOL_PASSWORD,
                agency,
                discipline,
                None,
                Role.LEARNER,
            )
            user = accounts.create_user(db.session, new, Stored(), now)  # type: ignore[arg-type]
            with app.test_request_context(
                "/login",
                method="POST",
                environ_base={"REMOTE_ADDR": "127.0.0.1"},
                headers={"User-Agent": "harbor-bench"},
            ):
                g.pop("csrf_token", None)  # generate_csrf caches per app context
                sign_in(user)
                token = generate_csrf()
                cookie = cookies.dumps(dict(session))
            attempt = services.start_attempt(db.session, user, row, now, rng)
            form: list[tuple[str, str]] = [("csrf_token", token)]
            results = []
            for loaded in services.load_items(db.session, attempt):
                question = loaded.shown.question
                answer = _answer(question, loaded.shown.display, rng)
                for name, values in to_form_values(loaded.shown, answer).items():
                    form += [(name, value) for value in values]
                results.append((question.points, scoring.score(question, answer)))
            form.append(("action", "submit"))
            path = f"/courses/{course_slug}/quiz/{quiz_slug}/attempts/{attempt.number}"
            body = urllib.parse.urlencode(form)
            lines.write(f"{attempt.id}\t{scoring.total(results)}\t{path}\t{cookie}\t{body}\n")
            if (n - first) % 100 == 99:
                db.session.commit()
        db.session.commit()


def _answer(question: Any, display: Any, rng: random.Random) -> Any:
    """Return the key with probability ``RIGHT``, else an answer the page could send."""
    from lms.assessments import scoring
    from lms.assessments.spec import Kind

    if rng.random() < RIGHT:
        return scoring.full_marks_response(question)
    shown = list(display)
    kind = question.kind
    if kind in (Kind.SINGLE, Kind.TRUE_FALSE):
        return rng.choice(shown)
    if kind == Kind.MULTIPLE:
        return frozenset([rng.choice(shown)])
    if kind == Kind.SHORT:
        return "not sure"
    if kind == Kind.NUMERICAL:
        return "0"
    if kind == Kind.MATCHING:
        return {pair.id: rng.choice(shown) for pair in question.pairs}
    return tuple(rng.sample(shown, len(shown)))  # ordering


@dataclass
class Entry:
    attempt_id: int
    expected_score: Fraction
    path: str
    cookie: str
    body: str


def create_pool(
    pool: Path, first: int, count: int, env: dict[str, str], tree: Path, args: argparse.Namespace
) -> list[Entry]:
    """Make ``count`` more pool entries (in a subprocess) and return the whole pool."""
    log = pool.parent / "pool.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--make-pool", str(pool)]
    command += ["--pool-first", str(first), "--pool-count", str(count)]
    command += ["--quiz", args.quiz, "--seed", str(args.seed)]
    with log.open("a") as out:
        done = subprocess.run(command, env=env, cwd=tree, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise SetupError(f"making the pool failed:\n{tail}")
    entries = []
    for line in pool.read_text().splitlines():
        attempt, score, path, cookie, body = line.split("\t")
        entries.append(Entry(int(attempt), Fraction(score), path, cookie, body))
    if len(entries) != first + count:
        raise SetupError(f"pool has {len(entries)} entries, expected {first + count}")
    return entries


# Checks against the database ---------------------------------------------------------------


def connect(database: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30))


def submitted_ids(database: Path, ids: list[int]) -> set[int]:
    """Return which of ``ids`` are submitted attempts."""
    found: set[int] = set()
    with connect(database) as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in conn.execute(
                    f"SELECT id FROM attempts WHERE status = 'submitted' AND id IN ({marks})",
                    chunk,
                )
            )
    return found


def quiz_attempts(database: Path, attempt_id: int) -> tuple[int, int]:
    """Return (attempts, submitted attempts) at the quiz of ``attempt_id``."""
    with connect(database) as conn:
        row = conn.execute(
            "SELECT COUNT(*), SUM(status = 'submitted') FROM attempts"
            " WHERE quiz_id = (SELECT quiz_id FROM attempts WHERE id = ?)",
            (attempt_id,),
        ).fetchone()
    return int(row[0]), int(row[1] or 0)


def scoring_problems(database: Path, entries: list[Entry]) -> list[str]:
    """Check that each of ``entries`` (submitted attempts) was scored and stored in full."""
    problems: list[str] = []
    with connect(database) as conn:
        for start in range(0, len(entries), 500):
            chunk = {e.attempt_id: e for e in entries[start : start + 500]}
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                "SELECT a.id, a.score, a.passed, a.submitted_at, COUNT(i.id),"
                " SUM(i.fraction IS NULL), SUM(i.response IS NULL)"
                " FROM attempts a JOIN attempt_items i ON i.attempt_id = a.id"
                f" WHERE a.id IN ({marks}) GROUP BY a.id",
                list(chunk),
            ).fetchall()
            seen = set()
            for attempt, score, passed, at, items, unscored, unanswered in rows:
                seen.add(attempt)
                expected = chunk[attempt].expected_score
                if score is None or passed is None or at is None:
                    problems.append(f"attempt {attempt}: submitted without a score")
                elif Fraction(score) != expected:
                    problems.append(
                        f"attempt {attempt}: score {score}, its answers earn {expected}"
                    )
                if not items or unscored or unanswered:
                    problems.append(
                        f"attempt {attempt}: {items} items, {unscored} unscored, "
                        f"{unanswered} without the response posted"
                    )
            for missing in set(chunk) - seen:
                problems.append(f"attempt {missing}: no items")
    return problems


def set_last_seen(database: Path, entries: list[Entry], think: float) -> None:
    """Make each entry's session last active ``think`` seconds ago (its take page view).

    With ``think`` under a minute the submission does not touch the session row (the app
    records activity at most once a minute); with a minute or more it does, as it would for a
    learner who spent that long on the questions.
    """
    at = (datetime.now(UTC) - timedelta(seconds=think)).strftime("%Y-%m-%d %H:%M:%S.%f")
    ids = [e.attempt_id for e in entries]
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as conn:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(
                "UPDATE user_sessions SET last_seen_at = ? WHERE user_id IN"
                f" (SELECT user_id FROM attempts WHERE id IN ({marks}))",
                [at, *chunk],
            )
        conn.commit()


# Before the load: one submission by hand -----------------------------------------------------


def probe(port: int, database: Path, entry: Entry) -> None:
    """Take, submit and review one pool attempt by hand, checking each step.

    Raises unless: the take page is the attempt's form (with this learner's cookie) and
    offers the options the pool's form picks (display positions); posting the pool's form
    answers 302 to the review and stores the expected score; the review page renders; and
    posting the same form again answers 302 to the review without storing anything (which is
    why the load posts every attempt once).
    """
    cookies = {COOKIE: entry.cookie}
    review = f"{entry.path}/review"
    status, headers, page = request(port, "GET", entry.path, cookies)
    if status != 200 or f'action="{entry.path}"'.encode() not in page:
        raise SetupError(f"GET {entry.path} answered {status} {_location(headers)!r}, no form")
    _csrf(page)  # the page carries a token; the pool's form has one for the same session
    form = urllib.parse.parse_qsl(entry.body)
    text = page.decode()
    for name, value in form:  # the pool's answers are options this page offers
        option = f'name="{name}" id="{name}-{value}" value="{value}"'
        if name == "action":
            option = f'name="action" value="{value}"'
        if name != "csrf_token" and (
            f'name="{name}"' not in text or (f'id="{name}-0"' in text and option not in text)
        ):
            raise SetupError(f"the take page offers no {name}={value}")
    status, headers, _ = request(port, "POST", entry.path, cookies, form)
    if status != 302 or _location(headers) != review:
        raise SetupError(f"POST {entry.path} answered {status} {_location(headers)!r}")
    if entry.attempt_id not in submitted_ids(database, [entry.attempt_id]):
        raise SetupError(f"POST {entry.path} did not submit attempt {entry.attempt_id}")
    problems = scoring_problems(database, [entry])
    if problems:
        raise SetupError("; ".join(problems))
    status, headers, page = request(port, "GET", review, cookies)
    if status != 200 or b"<h1" not in page:
        raise SetupError(f"GET {review} answered {status} {_location(headers)!r}")
    before = quiz_attempts(database, entry.attempt_id)
    again, headers, _ = request(port, "POST", entry.path, cookies, form)
    if (
        again != 302
        or _location(headers) != review
        or quiz_attempts(database, entry.attempt_id) != before
    ):
        raise SetupError(f"a second POST to {entry.path} answered {again} or changed something")


# Load generation ---------------------------------------------------------------------------


@dataclass
class Slice:
    """What one wrk thread (or Python connection) was given and did."""

    lo: int
    hi: int
    issued: int
    answered: int
    submitted: int
    exhausted: bool
    other: str = ""


_THREAD = re.compile(
    r"^quiz-bench thread=\d+ lo=(\d+) hi=(\d+) issued=(\d+) answered=(\d+) submitted=(\d+)"
    r" exhausted=(\d) other=(\S+)",
    re.M,
)


def run_wrk_quiz(
    wrk: str,
    port: int,
    script: Path,
    pool: Path,
    first: int,
    count: int,
    review: str,
    args: argparse.Namespace,
    seconds: float,
) -> tuple[dict[str, Any], list[Slice]]:
    """Post the forms of pool entries ``first .. first + count - 1`` with wrk."""
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "30s",  # a slower submission is a figure, not an error (wrk's default is 2 s)
        "-s",
        str(script),
        f"http://127.0.0.1:{port}/",
        "--",
        str(pool),
        str(first),
        str(count),
        str(args.threads),
        review,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise SetupError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    figures = parse_wrk(done.stdout)
    figures["raw"] = done.stdout
    slices = [
        Slice(int(lo), int(hi), int(i), int(a), int(s), x == "1", "" if o == "-" else o)
        for lo, hi, i, a, s, x, o in _THREAD.findall(done.stdout)
    ]
    if len(slices) != args.threads:
        raise SetupError(f"the wrk script reported {len(slices)} threads:\n{done.stdout}")
    return figures, slices


def run_python_quiz(
    port: int,
    entries: list[Entry],
    first: int,
    count: int,
    review: str,
    args: argparse.Namespace,
    seconds: float,
) -> tuple[dict[str, Any], list[Slice]]:
    """Fallback load generator: one thread per connection, each posting its slice's forms."""
    parts = args.connections
    bounds = [(first + count * k // parts, first + count * (k + 1) // parts) for k in range(parts)]
    slices = [Slice(lo, hi, 0, 0, 0, False) for lo, hi in bounds]
    latencies: list[list[float]] = [[] for _ in range(parts)]
    stop_at = time.monotonic() + seconds

    def worker(k: int) -> None:
        mine = slices[k]
        while time.monotonic() < stop_at:
            if mine.lo + mine.issued >= mine.hi:
                mine.exhausted = True
                return
            entry = entries[mine.lo + mine.issued]
            mine.issued += 1
            headers = {
                "Host": f"127.0.0.1:{port}",
                "Cookie": f"{COOKIE}={entry.cookie}",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            began = time.perf_counter()
            try:
                conn.request("POST", entry.path, body=entry.body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                continue
            finally:
                conn.close()
            latencies[k].append((time.perf_counter() - began) * 1000)
            mine.answered += 1
            if response.status == 302 and response.getheader("Location") == review:
                mine.submitted += 1
            elif len(mine.other) < 200:
                mine.other += f",{response.status}:{response.getheader('Location')}"

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(parts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    every = sorted(x for slot in latencies for x in slot)
    if not every:
        raise SetupError("no submission answered")

    def pct(p: float) -> float:
        return every[min(len(every) - 1, int(p / 100 * len(every)))]

    figures = {
        "requests": len(every),
        "seconds": elapsed,
        "rps": len(every) / elapsed,
        "p50_ms": statistics.median(every),
        "p75_ms": pct(75),
        "p90_ms": pct(90),
        "p99_ms": pct(99),
        "max_ms": every[-1],
        "bytes_per_request": None,
        "errors": {"failed": sum(s.issued - s.answered for s in slices)},
        "raw": "",
    }
    return figures, slices


@dataclass
class Verification:
    """What wrk counted for one submission run, and what the database holds afterwards."""

    name: str
    first: int
    count: int
    #: Forms posted (each to a different attempt), and responses received before wrk stopped.
    posted: int
    answered: int
    #: Responses that were a 302 to the attempt's review: the submissions counted.
    counted: int
    #: Posted, but wrk stopped before the response: finished by the server, not counted.
    in_flight: int
    #: Attempts of the run's pool slice that the database holds as submitted.
    db_submitted: int
    #: Submitted attempts that were never posted, and posted ones that were not submitted.
    unexpected: int
    missing: int
    exhausted: bool
    problems: list[str] = field(default_factory=list)


def verify(
    name: str,
    database: Path,
    entries: list[Entry],
    first: int,
    count: int,
    run: Run,
    slices: list[Slice],
    connections: int,
    measured: bool = True,
) -> Verification:
    """Compare what the load generator counted with the submitted attempts in the database.

    A measured run that ran out of fresh attempts is invalid (its threads stopped early); the
    warm-up may run out (the runs' pool slices are then sized for more), and so may a run that
    is then repeated with a bigger slice (``measured=False``).
    """
    posted_ids = {entries[s.lo + k].attempt_id for s in slices for k in range(s.issued)}
    posted = sum(s.issued for s in slices)
    answered = sum(s.answered for s in slices)
    counted = sum(s.submitted for s in slices)
    run_ids = [e.attempt_id for e in entries[first : first + count]]
    # Requests in flight when wrk stopped are still being served: wait until they are stored.
    deadline = time.monotonic() + 15
    while True:
        found = submitted_ids(database, run_ids)
        if found >= posted_ids or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    time.sleep(0.3)
    found = submitted_ids(database, run_ids)
    check = Verification(
        name=name,
        first=first,
        count=count,
        posted=posted,
        answered=answered,
        counted=counted,
        in_flight=posted - answered,
        db_submitted=len(found),
        unexpected=len(found - posted_ids),
        missing=len(posted_ids - found),
        exhausted=any(s.exhausted for s in slices),
    )
    problems = check.problems
    if len(posted_ids) != posted:
        problems.append(f"{posted - len(posted_ids)} attempts were posted more than once")
    if run.requests != answered:
        problems.append(f"wrk counted {run.requests} responses, its script {answered}")
    if counted != answered:
        other = " ".join(s.other for s in slices if s.other)
        problems.append(
            f"{answered - counted} responses were not a 302 to the review (status:Location {other})"
        )
    if check.unexpected or check.missing:
        problems.append(
            f"database: {check.unexpected} submitted attempts never posted, {check.missing} "
            "posted attempts not submitted"
        )
    if not 0 <= check.in_flight <= connections:
        problems.append(f"{check.in_flight} requests in flight at the end, > {connections}")
    if check.db_submitted != counted + check.in_flight:
        problems.append(
            f"database holds {check.db_submitted} submitted attempts, wrk counted {counted} "
            f"+ {check.in_flight} in flight"
        )
    if check.exhausted and measured:
        problems.append("a thread ran out of fresh attempts: raise --pool-rate")
    problems += scoring_problems(database, [e for e in entries if e.attempt_id in found])[:10]
    return check


# Main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per run (10)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="submission runs; /healthz runs before, between and after them (1)",
    )
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per path (2)")
    parser.add_argument(
        "--quiz", default=QUIZ, help=f"course/quiz whose attempts are submitted ({QUIZ})"
    )
    parser.add_argument(
        "--pool-rate",
        type=float,
        help="submissions per second each run's pool slice has room for (default: 2 x the "
        "warm-up's rate); a run that runs out of fresh attempts is repeated with 4 x room",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="seconds since each learner's previous request; 60 or more adds the once-a-minute "
        "session activity write to each submission (0)",
    )
    parser.add_argument("--seed", type=int, default=2024, help="answers and draws (2024)")
    parser.add_argument(
        "--python-load",
        action="store_true",
        help="use the Python load generator even if wrk is here",
    )
    parser.add_argument(
        "--app",
        default="lms:create_app()",
        help="gunicorn application spec, to try a change side by side ('lms:create_app()')",
    )
    parser.add_argument(
        "--ref",
        help="benchmark this git commit/branch (exported with git archive) instead of the "
        "working tree",
    )
    parser.add_argument(
        "--no-check", action="store_true", help="exit 0 even if the target is missed"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    parser.add_argument("--make-pool", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pool-first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--pool-count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.connections < args.threads:
        args.threads = args.connections
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.make_pool:
        make_pool(args.make_pool, args.pool_first, args.pool_count, args.quiz, args.seed)
        return 0
    wrk = None if args.python_load else shutil.which("wrk")
    if wrk is None and not args.python_load:
        print(
            "wrk not found (Debian/Ubuntu: `apt-get install -y wrk`; macOS: `brew install wrk`).\n"
            "FALLING BACK to the Python load generator (threads + http.client): its figures are\n"
            "limited by the generator itself and are NOT comparable with wrk figures.\n",
            file=sys.stderr,
        )
    generator = "wrk" if wrk else "python-threads (fallback, not comparable with wrk)"
    if wrk:
        version = subprocess.run([wrk, "--version"], capture_output=True, text=True)
        generator = (version.stdout or version.stderr).splitlines()[0].split(" [")[0]

    before = machine()
    if before["loadavg_1m"] > 0.5 * (os.cpu_count() or 1):
        print(
            f"warning: load average {before['loadavg_1m']} before starting: other work is "
            "competing for the CPUs and the figures will be noisy",
            file=sys.stderr,
        )
    workdir = Path(tempfile.mkdtemp(prefix="harbor-bench-quiz-"))
    log = workdir / "server.log"
    database = workdir / "bench.db"
    pool_file = workdir / "pool.tsv"
    script = workdir / "submit.lua"
    script.write_text(LUA)
    server = None
    runs: list[Run] = []
    checks: list[Verification] = []
    try:
        tree = export_ref(args.ref, workdir / "tree") if args.ref else ROOT
        env = app_env(database, tree)
        label = f"git {args.ref}" if args.ref else "the working tree"
        print(f"Benchmarking {label}; preparing {database} ...", flush=True)
        prepare_database(env, tree, log)
        # The pool: one entry for the probe, a slice for the warm-up, then (sized from the
        # warm-up's rate, unless --pool-rate says) one slice per submission run.
        warm_rate = args.pool_rate or WARMUP_POOL_RATE
        warm_size = math.ceil(warm_rate * max(1, round(args.warmup))) + 2 * args.connections
        print(f"making {1 + warm_size} learners, each with a started attempt ...", flush=True)
        entries = create_pool(pool_file, 0, 1 + warm_size, env, tree, args)
        port = _free_port()
        server = start_gunicorn(env, tree, port, args.workers, log, args.app)
        review = f"{entries[0].path}/review"
        probe(port, database, entries[0])
        cookie = entries[0].cookie  # /healthz gets a learner's cookie too, as in pages.py
        print(
            f"gunicorn -w {args.workers} on :{port}; one attempt taken, submitted (302 to its "
            "review, scored as its answers earn) and posted again (302, nothing stored) by hand",
            flush=True,
        )

        def load_quiz(first: int, count: int, seconds: float) -> tuple[dict[str, Any], Any]:
            set_last_seen(database, entries[first : first + count], args.think)
            if wrk:
                return run_wrk_quiz(
                    wrk, port, script, pool_file, first, count, review, args, seconds
                )
            return run_python_quiz(port, entries, first, count, review, args, seconds)

        def load_healthz(seconds: float) -> dict[str, Any]:
            if wrk:
                return run_wrk(wrk, port, HEALTHZ_PATH, cookie, args, seconds)
            return run_python(port, HEALTHZ_PATH, cookie, args, seconds, b"")

        load_healthz(args.warmup)
        figures, slices = load_quiz(1, warm_size, args.warmup)
        warm = Run(name="warm-up", path="", generator=generator, **figures)
        checks.append(
            verify(
                "warm-up", database, entries, 1, warm_size, warm, slices, args.connections, False
            )
        )
        rate = args.pool_rate or max(POOL_MARGIN * figures["rps"], 10.0)
        if checks[-1].exhausted and not args.pool_rate:
            rate = max(rate, POOL_MARGIN * warm_size / max(1, round(args.warmup)))
        run_size = math.ceil(rate * max(1, round(args.duration))) + 2 * args.connections
        print(
            f"warm-up: {figures['rps']:.1f} submissions/s; making {args.rounds} x {run_size} "
            f"more learners for the runs (room for {rate:.0f}/s) ...",
            flush=True,
        )
        began = time.monotonic()
        entries = create_pool(pool_file, len(entries), args.rounds * run_size, env, tree, args)
        print(f"  made in {time.monotonic() - began:.0f} s", flush=True)

        def measure(name: str, path: str, load: Any) -> tuple[Run, Any]:
            """Run ``load`` (figures and anything else), accounting for the CPUs meanwhile."""
            before_cpu = server_cpu_seconds(server.pid), own_cpu(), machine_busy()
            began = time.monotonic()
            figures, extra = load()
            elapsed = time.monotonic() - began
            cpu = server_cpu_seconds(server.pid) - before_cpu[0]
            gen = own_cpu() - before_cpu[1]
            busy = machine_busy() - before_cpu[2]
            run = Run(name=name, path=path, generator=generator, **figures)
            if run.requests:
                run.server_cpu_ms_per_request = 1000 * cpu / run.requests
            run.cpu_server = round(cpu / elapsed, 2)
            run.cpu_generator = round(gen / elapsed, 2)
            run.cpu_other = round(max(0.0, busy - cpu - gen) / elapsed, 2)
            return run, extra

        fresh = [(1 + warm_size + k * run_size, run_size) for k in range(args.rounds)]
        plan = ["healthz"]
        for _ in range(args.rounds):
            plan += ["quiz", "healthz"]
        for index, name in enumerate(plan, 1):
            path = HEALTHZ_PATH if name == "healthz" else f"POST {entries[0].path}"
            print(f"[{index}/{len(plan)}] {name:<8} {path} for {args.duration:g} s ...", flush=True)
            if name == "healthz":
                run, _ = measure(name, path, lambda: (load_healthz(args.duration), None))
                runs.append(run)
                continue
            first, size = fresh.pop(0)
            label = f"quiz {sum(r.name == 'quiz' for r in runs) + 1}"
            for retry in range(RETRIES + 1):
                run, slices = measure(
                    name, path, lambda f=first, n=size: load_quiz(f, n, args.duration)
                )
                last = retry == RETRIES
                check = verify(
                    label, database, entries, first, size, run, slices, args.connections, last
                )
                checks.append(check)
                if not check.exhausted or last:
                    runs.append(run)
                    break
                # The machine got faster since the warm-up: repeat with a bigger slice.
                check.name += " (ran out)"
                rate = 4 * max(rate, check.posted / max(1, round(args.duration)))
                first = len(entries)
                size = math.ceil(rate * max(1, round(args.duration))) + 2 * args.connections
                print(
                    f"  ran out of fresh attempts ({check.posted} posted); making {size} more "
                    "and repeating the run ...",
                    flush=True,
                )
                entries = create_pool(pool_file, first, size, env, tree, args)
        total, submitted = quiz_attempts(database, entries[0].attempt_id)
        stop(server)
        server = None
    except SetupError as error:
        print(f"SETUP FAILED: {error}", file=sys.stderr)
        if log.exists():
            tail = log.read_text(errors="replace").splitlines()[-20:]
            print("\n".join(["--- server log (tail) ---", *tail]), file=sys.stderr)
        return 2
    finally:
        if server is not None:
            stop(server)
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    # Across the whole run: the probe's one submission and each run's posted forms, no more.
    expected = 1 + sum(c.posted for c in checks)
    overall = []
    if submitted != expected or total != len(entries):
        overall.append(
            f"the quiz has {total} attempts ({submitted} submitted); expected {len(entries)} "
            f"({expected} submitted: 1 by hand + the forms posted)"
        )
    return report(args, runs, checks, overall, generator, wrk is not None, before, len(entries))


def report(
    args: argparse.Namespace,
    runs: list[Run],
    checks: list[Verification],
    overall: list[str],
    generator: str,
    is_wrk: bool,
    before: dict[str, Any],
    pool_size: int,
) -> int:
    """Print the tables, check the target and save the JSON; return the exit status."""
    healthz = [r for r in runs if r.name == "healthz"]
    quizzes = [r for r in runs if r.name == "quiz"]
    healthz_rps = statistics.mean(r.rps for r in healthz)
    quiz_rps = statistics.mean(r.rps for r in quizzes)
    ratio = quiz_rps / healthz_rps if healthz_rps else 0.0
    drift = max(r.rps for r in healthz) / min(r.rps for r in healthz) - 1

    problems = list(overall)
    for run in runs:
        bad = sum(run.errors.values())
        if bad:
            problems.append(f"{run.name}: errors {run.errors}")
    for check in checks:
        problems += [f"{check.name}: {p}" for p in check.problems]

    print()
    print(
        f"Load generator: {generator}; {args.connections} connections, {args.threads} threads, "
        f"{args.duration:g} s per run; gunicorn -w {args.workers} (sync); machine: "
        f"{os.cpu_count()} CPUs shared by server and load generator"
    )
    if not is_wrk:
        print("NOTE: Python fallback load generator; figures are NOT comparable with wrk.")
    header = f"{'run':<10}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    header += f"{'cpu ms/req':>12}{'requests':>10}{'CPUs srv/gen/other':>20}"
    print(header)
    print("-" * len(header))
    for run in runs:
        cpu = run.server_cpu_ms_per_request
        print(
            f"{run.name:<10}{run.rps:>10.1f}{run.p50_ms:>9.2f}{run.p90_ms or 0:>9.2f}"
            f"{run.p99_ms:>9.2f}{run.max_ms:>9.2f}{cpu if cpu is not None else 0:>12.2f}"
            f"{run.requests:>10}"
            f"{run.cpu_server or 0:>10.2f}/{run.cpu_generator or 0:.2f}/{run.cpu_other or 0:.2f}"
        )
    print()
    header = f"{'check':<18}{'posted':>8}{'counted':>9}{'in flight':>11}{'db submitted':>14}"
    header += f"{'never posted':>14}{'not stored':>12}"
    print(header)
    print("-" * len(header))
    for check in checks:
        print(
            f"{check.name:<18}{check.posted:>8}{check.counted:>9}{check.in_flight:>11}"
            f"{check.db_submitted:>14}{check.unexpected:>14}{check.missing:>12}"
        )
    agreed = not overall and not any(c.problems for c in checks)
    print(
        "database: in every run, submitted attempts = counted + in flight, exactly the attempts "
        f"posted, each once, each scored as its answers earn: {'yes' if agreed else 'NO'}"
    )
    print()
    print(
        f"quiz submission/healthz requests/sec ratio: {ratio:.2f} "
        f"(submissions {quiz_rps:.1f} / healthz mean {healthz_rps:.1f}); "
        f"healthz drift between runs: {drift:.0%}"
    )
    cpu_h = [r.server_cpu_ms_per_request for r in healthz if r.server_cpu_ms_per_request]
    cpu_q = [r.server_cpu_ms_per_request for r in quizzes if r.server_cpu_ms_per_request]
    cpu_ratio = None
    if cpu_h and cpu_q:
        cpu_ratio = statistics.mean(cpu_h) / statistics.mean(cpu_q)
        print(
            f"server CPU per request (less sensitive to other load than req/s): submission "
            f"{statistics.mean(cpu_q):.2f} ms, healthz {statistics.mean(cpu_h):.2f} ms; "
            f"healthz/submission = {cpu_ratio:.2f}"
        )
    other = max((r.cpu_other or 0.0) for r in runs)
    disturbed = other > 0.25
    if disturbed:
        print(
            f"WARNING: other processes used up to {other:.2f} CPUs during the runs; req/s and "
            "latency are disturbed (the CPU-per-request ratio above is the steadier figure)"
        )
    ratio_ok = ratio >= TARGET_RATIO
    print(f"target ratio >= {TARGET_RATIO:.2f}: {'MET' if ratio_ok else 'MISSED'} ({ratio:.2f})")
    for problem in problems:
        print(f"INVALID RUN: {problem}")

    result = {
        "benchmark": "quiz",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {**before, "loadavg_1m_after": round(os.getloadavg()[0], 2)},
        "versions": versions(),
        "config": {
            "duration_s": args.duration,
            "connections": args.connections,
            "threads": args.threads,
            "workers": args.workers,
            "app": args.app,
            "code": f"git {args.ref} ({commit(args.ref)})" if args.ref else working_tree(),
            "rounds": args.rounds,
            "warmup_s": args.warmup,
            "generator": generator,
            "quiz": args.quiz,
            "pool_size": pool_size,
            "pool_rate": args.pool_rate,
            "think_s": args.think,
            "seed": args.seed,
        },
        "runs": [{k: v for k, v in asdict(r).items() if k != "raw"} for r in runs],
        "checks": [asdict(c) for c in checks],
        "summary": {
            "healthz_rps_mean": healthz_rps,
            "quiz_rps_mean": quiz_rps,
            "ratio": ratio,
            "healthz_drift": drift,
            "cpu_ratio_healthz_over_quiz": cpu_ratio,
            "max_cpu_used_by_other_processes": other,
            "disturbed": disturbed,
            "target": {"ratio_min": TARGET_RATIO, "ratio_met": ratio_ok},
            "valid": not problems,
            "problems": problems,
        },
        "wrk_output": [r.raw for r in runs] if is_wrk else None,
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS / f"quiz-{stamp}.json"
        path.write_text(json.dumps(result, indent=2, default=str) + "\n")
        print(f"results: {path.relative_to(ROOT)}")

    if problems:
        return 2
    if args.no_check:
        return 0
    return 0 if ratio_ok else 1


if __name__ == "__main__":
    sys.exit(main())
