"""Browser tests: the real app under gunicorn, driven by headless Chromium through Playwright.

One server (on a temporary SQLite database, with the curriculum synced and the demo accounts
seeded through the ``lms`` command line) and one browser serve the whole session; every test
gets a fresh browser context, so cookies never leak between tests.

When Playwright or Chromium is missing the tests are skipped, unless ``LMS_REQUIRE_BROWSER=1``
(as ``make test-browser`` and CI set), in which case they fail and say what is missing.
``LMS_CHROMIUM`` names another Chromium executable than Debian's ``/usr/bin/chromium``.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import (
    OFFICER,
    ConsoleLog,
    Learner,
    login,
    new_learner_details,
    register_via_http,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

#: Keep page waits short: every page here is served from localhost in milliseconds.
TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --------------------------------------------------------------------------- collection


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this directory ``browser`` (before ``-m`` deselects anything)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    """Skip, or fail when the run requires the browser tests (``LMS_REQUIRE_BROWSER=1``)."""
    if os.environ.get("LMS_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"LMS_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False
        )
    pytest.skip(reason)


# --------------------------------------------------------------------------- the live server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(database: Path) -> dict[str, str]:
    """Environment for the CLI and gunicorn: development mode (cookies work over plain http),
    a throwaway database and secret, and cheap password hashing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        {
            "LMS_ENV": "development",
            "LMS_DATABASE_URL": f"sqlite:///{database}",
            "LMS_SECRET_KEY": "browser-tests-secret-key-not-for-production",
            "LMS_CONTENT_DIR": str(ROOT / "content"),
            "LMS_ARGON2_TIME_COST": "1",
            "LMS_ARGON2_MEMORY_KIB": "1024",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # A signing key beside the database: ``lms demo seed`` and ``lms certificates issue`` sign
    # credentials, and the project's own instance/signing_key.pem is not the tests' to create.
    key = database.parent / "signing_key.pem"
    _signing_key(key)
    env["LMS_SIGNING_KEY"] = str(key)
    return env


def _signing_key(path: Path) -> None:
    """Create an Ed25519 key at ``path`` (mode 0600) unless there is one already."""
    from lms.certificates.signing import load_or_create_key

    load_or_create_key(path)


#: ``lms db upgrade``, ``lms content sync`` and ``lms demo seed``, run through the ``lms``
#: console script's own entry point in one interpreter (each separate start costs ~2 s).
SETUP = """
import sys
from lms.cli import main
for command in (["db", "upgrade"], ["content", "sync"], ["demo", "seed"]):
    sys.argv = ["lms", *command]
    try:
        main()
    except SystemExit as exit:
        if exit.code:
            raise
"""


def _server_command(port: int) -> str:
    """The documented set-up, then gunicorn in its place: one shell command, started in the
    background so that it runs while Chromium starts."""
    setup = [sys.executable, "-c", SETUP]
    gunicorn = [
        sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
        "--access-logfile", "-", "--error-logfile", "-", "lms:create_app()",
    ]  # fmt: skip
    return f"{shlex.join(setup)} && exec {shlex.join(gunicorn)}"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    @property
    def database(self) -> Path:
        """The server's SQLite file (``_server`` keeps it beside the log)."""
        return self.log.parent / "lms.db"


@pytest.fixture(scope="session")
def _server(tmp_path_factory: pytest.TempPathFactory, _browser_ready: None) -> Iterator[Server]:
    """Start setting up a fresh database and serving it on a free port (without waiting)."""
    tmp = tmp_path_factory.mktemp("harbor")
    port = _free_port()
    log = tmp / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            ["/bin/sh", "-c", _server_command(port)],
            cwd=ROOT,
            env=_server_env(tmp / "lms.db"),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the set-up or gunicorn (and any worker) we started: its own process group."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(_server: Server, browser: Browser) -> str:
    """Wait until the app answers ``/healthz`` with 200; return its base URL."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _server.process.poll() is not None:
            pytest.fail(
                f"the server exited with {_server.process.returncode}:\n{_server.log_tail()}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(f"{_server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    if OFFICER[0] not in _server.log.read_text(errors="replace"):
                        pytest.fail(f"demo accounts not seeded:\n{_server.log_tail()}")
                    return _server.url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    pytest.fail(f"/healthz did not answer 200 within 60 s:\n{_server.log_tail()}", pytrace=False)


@pytest.fixture(scope="session")
def run_on_server(_server: Server, live_server: str) -> Callable[..., str]:
    """Run a Python script (``-c``, with arguments) on the live server's database; return
    what it prints. The test fails, with the output, if it exits non-zero.

    The environment is the server's (development mode, its database, secret and signing
    key), plus ``LMS_PUBLIC_BASE_URL``: the live server, so that what the script signs (a
    certificate's credential, its QR code) points at it.
    """
    env = _server_env(_server.database)
    env["LMS_PUBLIC_BASE_URL"] = live_server

    def run(script: str, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if result.returncode:
            pytest.fail(
                f"script exited with {result.returncode}:\n{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
        return result.stdout

    return run


# --------------------------------------------------------------------------- the browser


def _chromium_path() -> str | None:
    """Debian's Chromium, or the executable named by ``LMS_CHROMIUM`` when that is set."""
    explicit = os.environ.get("LMS_CHROMIUM")
    candidates = (
        [explicit]
        if explicit
        else ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    )
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def _browser_ready() -> None:
    """Check, before any slow set-up, that Playwright, axe and Chromium are all here."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as missing:
        _unavailable(f"{missing.name} is not installed (pip install -e '.[browser]')")
    if _chromium_path() is None:
        where = os.environ.get("LMS_CHROMIUM") or "/usr/bin/chromium or on PATH"
        _unavailable(f"no Chromium at {where} (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser(_server: Server) -> Iterator[Browser]:
    """One headless Chromium for the whole session (launched while the server sets up)."""
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            _unavailable(f"Chromium did not start: {error.message.splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator[Callable[..., BrowserContext]]:
    """Make fresh contexts (no cookies) on ``live_server``; all are closed after the test.

    Keyword arguments go to ``browser.new_context`` (``java_script_enabled=False``, say).
    """
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        ctx = browser.new_context(base_url=live_server, viewport=DESKTOP, **options)
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.set_default_navigation_timeout(TIMEOUT_MS)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def context(new_context: Callable[[], BrowserContext]) -> BrowserContext:
    """The test's own fresh browser context."""
    return new_context()


@pytest.fixture
def console(context: BrowserContext) -> ConsoleLog:
    """Record console messages of every page opened in ``context`` (attach before pages)."""
    log = ConsoleLog()

    def on_console(message: ConsoleMessage) -> None:
        log.messages.append(f"{message.type}: {message.text}")

    context.on("console", on_console)
    context.on("weberror", lambda error: log.errors.append(str(error.error)))
    return log


@pytest.fixture
def page(context: BrowserContext, console: ConsoleLog) -> Page:
    return context.new_page()


# --------------------------------------------------------------------------- accounts


@pytest.fixture(scope="session")
def officer_cookies(browser: Browser, live_server: str) -> list[Any]:
    """Sign the demo law-enforcement learner in once, through the login form; keep the cookies.

    Signing in costs a second or more on a slow machine, so the tests that only read share
    this one session. Nothing signs it out: sign-out tests open sessions of their own.
    """
    ctx = browser.new_context(base_url=live_server)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        login(ctx.new_page(), *OFFICER)
        return list(ctx.cookies())
    finally:
        ctx.close()


@pytest.fixture
def officer(context: BrowserContext, page: Page, officer_cookies: list[Any]) -> Page:
    """``page``, signed in as the demo law-enforcement learner (for pages that only read)."""
    context.add_cookies(officer_cookies)
    return page


@pytest.fixture
def learner(context: BrowserContext, page: Page) -> Learner:
    """A freshly registered law-enforcement learner; ``page`` is signed in as them."""
    details = new_learner_details()
    register_via_http(context, details)
    return details
