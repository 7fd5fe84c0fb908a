"""Page benchmark: a module page as a signed-in learner against ``/healthz``, in one run.

Starts gunicorn (2 sync workers by default) on a fresh embedded SQLite database in a temporary
directory, signs in as the demo learner, checks that the module page really renders (200, with
the module's title, not a login redirect or the content-note interstitial), then loads
``/healthz`` and the module page alternately with wrk (``healthz, module, healthz, ...``) so
that drift on a shared machine shows. Prints a table, the module/healthz throughput ratio, and
checks the targets of the issue:

* module page requests/sec >= 50% of ``/healthz`` requests/sec (same run);
* module page p99 latency < 50 ms at 16 connections.

Exit status: 0 targets met, 1 a target missed (unless ``--no-check``), 2 setup failed or the
run is invalid (socket errors, error responses, or responses that were not the module page).
Results are written to ``bench/results/pages-<timestamp>.json`` (git-ignored).

wrk is the load generator (Debian: ``apt-get install -y wrk``). Without it a small Python
generator (threads + http.client) is used instead; its figures are labelled as such and are
not comparable with wrk's: the generator itself is the bottleneck.

Only the standard library is used here, so it runs with the project's virtualenv Python::

    .venv/bin/python bench/pages.py [--duration 10] [--connections 16] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

EMAIL = "officer@example.org"
PASSWORD = "demo-officer-harbor"
COOKIE = "harbor_session"
COURSE = "foundations"
MODULE = "what-cse-is"
MODULE_PATH = f"/courses/{COURSE}/{MODULE}"
HEALTHZ_PATH = "/healthz"
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"

TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class SetupError(Exception):
    """The server could not be started or the learner could not reach the module page."""


# Server ------------------------------------------------------------------------------------


def _venv_bin(name: str) -> str:
    """Return the path of a console script beside this interpreter, or in ``.venv/bin``."""
    for directory in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        candidate = directory / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SetupError(f"cannot find {name!r}; run `make install` first")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def export_ref(ref: str, target: Path) -> Path:
    """Export a git ref (commit, branch, tag) of this checkout into ``target``; return it."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True
    )
    if archive.returncode:
        raise SetupError(f"git archive {ref}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def app_env(database: Path, tree: Path) -> dict[str, str]:
    """Return the environment of the CLI and of gunicorn: embedded SQLite, development mode.

    ``tree`` goes first on PYTHONPATH, so ``lms`` is imported from it even though the
    virtualenv holds an editable install of the working tree.
    """
    env = dict(os.environ)
    env.update(
        LMS_DATABASE_URL=f"sqlite:///{database}",
        LMS_ENV="development",  # cookie named harbor_session, no Secure flag over http
        LMS_SECRET_KEY=SECRET_KEY,
        LMS_CONTENT_DIR=str(tree / "content"),
        PYTHONPATH=os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH")) if p),
    )
    env.pop("LMS_SESSION_COOKIE_NAME", None)
    env.pop("LMS_SESSION_COOKIE_SECURE", None)
    return env


def prepare_database(env: dict[str, str], tree: Path, log: Path) -> None:
    """Migrate, load the curriculum and create the demo accounts."""
    lms = _venv_bin("lms")
    with log.open("a") as out:
        for args in (["db", "upgrade"], ["content", "sync"], ["demo", "seed"]):
            done = subprocess.run(
                [lms, *args], env=env, cwd=tree, stdout=out, stderr=subprocess.STDOUT
            )
            if done.returncode:
                raise SetupError(f"`lms {' '.join(args)}` failed; see {log}")


def module_title(database: Path) -> str:
    """Return the title of the benchmarked module, straight from the database."""
    with contextlib.closing(sqlite3.connect(database)) as conn:
        row = conn.execute(
            "SELECT modules.title FROM modules JOIN courses ON courses.id = modules.course_id"
            " WHERE courses.slug = ? AND modules.slug = ? AND modules.active",
            (COURSE, MODULE),
        ).fetchone()
    if row is None:
        raise SetupError(f"module {COURSE}/{MODULE} is not in the database after content sync")
    return str(row[0])


def start_gunicorn(
    env: dict[str, str],
    tree: Path,
    port: int,
    workers: int,
    log: Path,
    app: str = "lms:create_app()",
) -> subprocess.Popen[bytes]:
    """Start gunicorn and wait until ``/healthz`` answers 200."""
    command = [
        _venv_bin("gunicorn"),
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    out = log.open("ab")
    server = subprocess.Popen(command, env=env, cwd=tree, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SetupError(f"gunicorn exited with status {server.returncode}; see {log}")
        with contextlib.suppress(OSError):
            status, _, _ = request(port, "GET", HEALTHZ_PATH)
            if status == 200:
                return server
        time.sleep(0.2)
    stop(server)
    raise SetupError(f"gunicorn did not answer {HEALTHZ_PATH} within 30 s; see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn (its master stops the workers)."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def server_cpu_seconds(master: int) -> float:
    """Return user+system CPU seconds used so far by the gunicorn master and its workers."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [master]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        pids += [int(pid) for pid in children]
    if len(pids) == 1:  # kernel without /proc/PID/task/TID/children: scan for the workers
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(stat.parent.name))
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def own_cpu() -> float:
    """Return CPU seconds used by this process and its finished children (wrk)."""
    import resource

    mine = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + kids.ru_utime + kids.ru_stime


def machine_busy() -> float:
    """Return CPU seconds the whole machine has spent busy since boot (all CPUs)."""
    with contextlib.suppress(OSError):
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        busy = sum(fields[:8]) - idle  # guest time is already counted in user
        return busy / os.sysconf("SC_CLK_TCK")
    return 0.0


# Signing in --------------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, cookies: dict[str, str] | None = None, form: Any = None
) -> tuple[int, dict[str, str], bytes]:
    """Make one request; return status, headers and body, and update ``cookies`` in place."""
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if cookies is not None:
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    cookies[name] = morsel.value
        return response.status, dict(response.headers.items()), data
    finally:
        conn.close()


def _csrf(page: bytes) -> str:
    match = _CSRF.search(page.decode())
    if match is None:
        raise SetupError("no csrf_token hidden input in the page")
    return html.unescape(match.group(1) or match.group(2))


def _location(headers: dict[str, str]) -> str:
    return urllib.parse.urlsplit(headers.get("Location", "")).path


def sign_in(port: int) -> dict[str, str]:
    """Sign in as the demo learner; return the cookies (``harbor_session``)."""
    cookies: dict[str, str] = {}
    status, _, page = request(port, "GET", "/login", cookies)
    if status != 200:
        raise SetupError(f"GET /login answered {status}")
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": _csrf(page)}
    status, headers, _ = request(port, "POST", "/login", cookies, form)
    if status != 302 or _location(headers) != "/courses":
        raise SetupError(f"login failed: POST /login answered {status} {_location(headers)!r}")
    if COOKIE not in cookies:
        raise SetupError(f"login set no {COOKIE} cookie")
    return cookies


@dataclass
class PageCheck:
    status: int
    body_bytes: int
    #: Status line + headers + body, to check wrk's bytes read per request against.
    response_bytes: int


def open_module(port: int, cookies: dict[str, str], title: str) -> PageCheck:
    """Visit the module page as a learner would, passing its content note once if it has one.

    The first visit creates the progress and enrollment rows, so the measured requests are
    the steady state of re-reading a page (no writes). Raises unless the page is the module
    itself: status 200 and its title in the page heading.
    """
    status, headers, page = request(port, "GET", MODULE_PATH, cookies)
    note = f'action="{MODULE_PATH}/note"'
    if status == 200 and note.encode() in page:
        form = {"csrf_token": _csrf(page)}
        status, headers, _ = request(port, "POST", f"{MODULE_PATH}/note", cookies, form)
        if status != 302 or _location(headers) != MODULE_PATH:
            raise SetupError(f"acknowledging the content note answered {status}")
    # Visit twice: the first may write (progress, resume point), the second is the steady state.
    for _ in range(2):
        status, headers, page = request(port, "GET", MODULE_PATH, cookies)
    return check_module(status, headers, page, title)


def check_module(status: int, headers: dict[str, str], page: bytes, title: str) -> PageCheck:
    """Raise unless a response is the module page itself."""
    if status != 200:
        raise SetupError(f"GET {MODULE_PATH} answered {status} {_location(headers)!r}")
    heading = f'<h1 id="module-title">{html.escape(title)}</h1>'
    if heading.encode() not in page:
        raise SetupError(f"GET {MODULE_PATH} did not render the module (no {heading!r})")
    head = len("HTTP/1.1 200 OK\r\n") + sum(len(k) + len(v) + 4 for k, v in headers.items()) + 2
    return PageCheck(status, len(page), head + len(page))


# Load generation -------------------------------------------------------------------------


@dataclass
class Run:
    """One load run against one path."""

    name: str
    path: str
    generator: str
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p75_ms: float | None
    p90_ms: float | None
    p99_ms: float
    max_ms: float
    bytes_per_request: float | None
    errors: dict[str, int] = field(default_factory=dict)
    #: gunicorn master + workers, user + system, per request served in this run.
    server_cpu_ms_per_request: float | None = None
    #: Where the CPUs went during the run, in CPUs (2.0 = both cores busy): the server,
    #: the load generator, and everything else on the machine (noise).
    cpu_server: float | None = None
    cpu_generator: float | None = None
    cpu_other: float | None = None
    raw: str = ""


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}
_UNITS_B = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def _bytes(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(B|KB|MB|GB|TB)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_B[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    """Extract requests/sec, latency percentiles, bytes and errors from ``wrk --latency``."""
    percentiles = {
        float(p): _ms(v) for p, v in re.findall(r"^\s+([\d.]+)%\s+([\d.]+\w+)\s*$", output, re.M)
    }
    latency = re.search(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", output)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not (percentiles and latency and total and rps):
        raise SetupError(f"cannot parse wrk output:\n{output}")
    errors: dict[str, int] = {}
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        for name, value in zip(
            ("connect", "read", "write", "timeout"), sockets.groups(), strict=True
        ):
            errors[name] = int(value)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors["non_2xx_3xx"] = int(bad.group(1)) if bad else 0
    requests = int(total.group(1))
    return {
        "requests": requests,
        "seconds": _ms(total.group(2)) / 1000,
        "rps": float(rps.group(1)),
        "p50_ms": percentiles[50.0],
        "p75_ms": percentiles.get(75.0),
        "p90_ms": percentiles.get(90.0),
        "p99_ms": percentiles[99.0],
        "max_ms": _ms(latency.group(3)),
        "bytes_per_request": _bytes(total.group(3)) / requests if requests else None,
        "errors": errors,
    }


def run_wrk(
    wrk: str, port: int, path: str, cookie: str, args: argparse.Namespace, seconds: float
) -> dict[str, Any]:
    """Run wrk once and return the parsed figures (with the raw output)."""
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "-H",
        f"Cookie: {COOKIE}={cookie}",
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise SetupError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    figures = parse_wrk(done.stdout)
    figures["raw"] = done.stdout
    return figures


def run_python(
    port: int, path: str, cookie: str, args: argparse.Namespace, seconds: float, expect: bytes
) -> dict[str, Any]:
    """Fallback load generator: one thread per connection, http.client, fixed duration.

    Each response is checked (status 200, and ``expect`` in the body when given). Python's GIL
    makes this generator far slower than wrk, so it under-reports what the server can do.
    """
    latencies: list[list[float]] = [[] for _ in range(args.connections)]
    failures = [0] * args.connections
    byte_counts = [0] * args.connections
    stop_at = time.monotonic() + seconds
    headers = {"Host": f"127.0.0.1:{port}", "Cookie": f"{COOKIE}={cookie}"}

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                failures[slot] += 1
                continue
            latencies[slot].append((time.perf_counter() - began) * 1000)
            byte_counts[slot] += len(body)
            if response.status != 200 or (expect and expect not in body):
                failures[slot] += 1
            if response.will_close:
                conn.close()
        conn.close()

    began = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    every = sorted(x for slot in latencies for x in slot)
    if not every:
        raise SetupError(f"no successful request to {path}")

    def pct(p: float) -> float:
        return every[min(len(every) - 1, int(p / 100 * len(every)))]

    return {
        "requests": len(every),
        "seconds": elapsed,
        "rps": len(every) / elapsed,
        "p50_ms": statistics.median(every),
        "p75_ms": pct(75),
        "p90_ms": pct(90),
        "p99_ms": pct(99),
        "max_ms": every[-1],
        "bytes_per_request": None,  # body only; each response is checked directly instead
        "errors": {"failed_or_wrong": sum(failures)},
        "raw": "",
    }


# Main ----------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    """Return the versions of the interpreter and packages that serve the pages."""
    from importlib import metadata

    found = {"python": platform.python_version()}
    for package in ("flask", "werkzeug", "jinja2", "sqlalchemy", "flask-login", "gunicorn"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def commit(ref: str) -> str:
    """Return the full commit id of ``ref``."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def working_tree() -> str:
    """Describe the working tree: HEAD, and whether it has uncommitted changes."""
    status = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "lms", "content"],
        capture_output=True,
        text=True,
    )
    dirty = " with uncommitted changes" if status.stdout.strip() else ""
    return f"working tree at {commit('HEAD')}{dirty}"


def machine() -> dict[str, Any]:
    """Describe the machine (the figures mean little without it)."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "system": f"{platform.system()} {platform.release()}",
        "sqlite": sqlite3.sqlite_version,
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


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
        help="module runs; /healthz runs before, between and after them (1: healthz, module, "
        "healthz)",
    )
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per path (2)")
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
    parser.add_argument("--no-check", action="store_true", help="exit 0 even if a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    args = parser.parse_args(argv)
    if args.connections < args.threads:
        args.threads = args.connections
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
    workdir = Path(tempfile.mkdtemp(prefix="harbor-bench-"))
    log = workdir / "server.log"
    database = workdir / "bench.db"
    server = None
    try:
        tree = export_ref(args.ref, workdir / "tree") if args.ref else ROOT
        env = app_env(database, tree)
        label = f"git {args.ref}" if args.ref else "the working tree"
        print(f"Benchmarking {label}; preparing {database} ...", flush=True)
        prepare_database(env, tree, log)
        title = module_title(database)
        port = _free_port()
        server = start_gunicorn(env, tree, port, args.workers, log, args.app)
        cookies = sign_in(port)
        page = open_module(port, cookies, title)
        cookie = cookies[COOKIE]
        print(
            f"gunicorn -w {args.workers} on :{port}; signed in as {EMAIL}; {MODULE_PATH} is 200 "
            f"with its title ({page.body_bytes} bytes of HTML)",
            flush=True,
        )
        expect = f'<h1 id="module-title">{html.escape(title)}</h1>'.encode()

        def load(path: str, seconds: float) -> dict[str, Any]:
            if wrk:
                return run_wrk(wrk, port, path, cookie, args, seconds)
            return run_python(
                port, path, cookie, args, seconds, expect if path == MODULE_PATH else b""
            )

        for path in (HEALTHZ_PATH, MODULE_PATH):  # imports, template compilation, caches
            load(path, args.warmup)

        plan = [("healthz", HEALTHZ_PATH)]
        for _ in range(args.rounds):
            plan += [("module", MODULE_PATH), ("healthz", HEALTHZ_PATH)]
        runs: list[Run] = []
        for index, (name, path) in enumerate(plan, 1):
            print(f"[{index}/{len(plan)}] {name:<8} {path} for {args.duration:g} s ...", flush=True)
            before_cpu = server_cpu_seconds(server.pid), own_cpu(), machine_busy()
            began = time.monotonic()
            figures = load(path, args.duration)
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
            runs.append(run)
            if name == "module":  # the session must still be good: no fake good figure
                status, headers, body = request(port, "GET", MODULE_PATH, {COOKIE: cookie})
                check_module(status, headers, body, title)
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

    return report(args, runs, page, generator, wrk is not None, before)


def report(
    args: argparse.Namespace,
    runs: list[Run],
    page: PageCheck,
    generator: str,
    is_wrk: bool,
    before: dict[str, Any],
) -> int:
    """Print the table, check the targets and save the JSON; return the exit status."""
    healthz = [r for r in runs if r.name == "healthz"]
    modules = [r for r in runs if r.name == "module"]
    healthz_rps = statistics.mean(r.rps for r in healthz)
    module_rps = statistics.mean(r.rps for r in modules)
    ratio = module_rps / healthz_rps if healthz_rps else 0.0
    module_p99 = max(r.p99_ms for r in modules)
    drift = (max(r.rps for r in healthz) / min(r.rps for r in healthz) - 1) if healthz else 0.0

    problems: list[str] = []
    for run in runs:
        bad = sum(run.errors.values())
        if bad:
            problems.append(f"{run.name}: errors {run.errors}")
    for run in modules:
        # wrk counts a 302 to /login as a success; a redirect is a few hundred bytes, the page
        # several kilobytes, so bytes read per request tell them apart.
        if run.bytes_per_request is not None and run.bytes_per_request < 0.9 * page.response_bytes:
            problems.append(
                f"module: {run.bytes_per_request:.0f} bytes per response, expected about "
                f"{page.response_bytes}: some responses were not the module page"
            )

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
    print(
        f"module/healthz requests/sec ratio: {ratio:.2f} "
        f"(module {module_rps:.1f} / healthz mean {healthz_rps:.1f}); "
        f"healthz drift between runs: {drift:.0%}"
    )
    cpu_h = [r.server_cpu_ms_per_request for r in healthz if r.server_cpu_ms_per_request]
    cpu_m = [r.server_cpu_ms_per_request for r in modules if r.server_cpu_ms_per_request]
    cpu_ratio = None
    if cpu_h and cpu_m:
        cpu_ratio = statistics.mean(cpu_h) / statistics.mean(cpu_m)
        print(
            f"server CPU per request (less sensitive to other load than req/s): module "
            f"{statistics.mean(cpu_m):.2f} ms, healthz {statistics.mean(cpu_h):.2f} ms; "
            f"healthz/module = {cpu_ratio:.2f}"
        )

    # A closed loop of N connections has mean latency N / throughput (Little's law), so a p99
    # under the target needs at least N / target requests per second.
    needed = args.connections / (TARGET_P99_MS / 1000)
    print(
        f"Little's law at {args.connections} connections: mean latency = connections / req/s "
        f"= {1000 * args.connections / max(module_rps, 1e-9):.0f} ms for the module page, "
        f"{1000 * args.connections / max(healthz_rps, 1e-9):.0f} ms for /healthz; p99 < "
        f"{TARGET_P99_MS:g} ms needs more than {needed:.0f} req/s"
    )
    other = max((r.cpu_other or 0.0) for r in runs)
    disturbed = other > 0.25
    if disturbed:
        print(
            f"WARNING: other processes used up to {other:.2f} CPUs during the runs; req/s and "
            "latency are disturbed (the CPU-per-request ratio above is the steadier figure)"
        )
    ratio_ok = ratio >= TARGET_RATIO
    p99_ok = module_p99 < TARGET_P99_MS
    print(f"target ratio >= {TARGET_RATIO:.2f}: {'MET' if ratio_ok else 'MISSED'} ({ratio:.2f})")
    print(
        f"target module p99 < {TARGET_P99_MS:g} ms: {'MET' if p99_ok else 'MISSED'} "
        f"({module_p99:.2f} ms)"
    )
    for problem in problems:
        print(f"INVALID RUN: {problem}")

    result = {
        "benchmark": "pages",
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
            "module_path": MODULE_PATH,
            "module_response_bytes": page.response_bytes,
        },
        "runs": [{k: v for k, v in asdict(r).items() if k != "raw"} for r in runs],
        "summary": {
            "healthz_rps_mean": healthz_rps,
            "module_rps_mean": module_rps,
            "ratio": ratio,
            "module_p99_ms_max": module_p99,
            "healthz_drift": drift,
            "cpu_ratio_healthz_over_module": cpu_ratio,
            "max_cpu_used_by_other_processes": other,
            "disturbed": disturbed,
            "targets": {
                "ratio_min": TARGET_RATIO,
                "p99_max_ms": TARGET_P99_MS,
                "ratio_met": ratio_ok,
                "p99_met": p99_ok,
            },
            "valid": not problems,
        },
        "wrk_output": [r.raw for r in runs] if is_wrk else None,
    }
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS / f"pages-{stamp}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"results: {path.relative_to(ROOT)}")

    if problems:
        return 2
    if args.no_check:
        return 0
    return 0 if ratio_ok and p99_ok else 1


if __name__ == "__main__":
    sys.exit(main())
