"""Helpers shared by the browser tests: accounts, signing in, console capture, axe-core.

Nothing here imports Playwright at module level, so collecting the tests works (and they
skip cleanly) where Playwright is not installed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import count
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

#: Demo accounts created by ``lms demo seed`` (see lms/demo.py).
OFFICER = ("officer@example.org", "demo-officer-harbor")
#: The demo overseer, who may read quiz statistics.
OVERSEER = ("overseer@example.org", "demo-overseer-harbor")
#: The demo child-welfare learner, who holds a Foundations certificate in the certificate tests.
CASEWORKER = ("caseworker@example.org", "demo-caseworker-harbor")
#: Password for learners the tests register; long, uncommon, unrelated to name and email.
LEARNER_PASSWORD = "lantern meadow copper harbour"
#: The session cookie's name in development mode (``__Host-harbor`` in production).
SESSION_COOKIE = "harbor_session"


@dataclass
class ConsoleLog:
    """Console messages and uncaught errors of one page."""

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def csp(self) -> list[str]:
        pattern = re.compile(r"content security policy|content-security-policy", re.I)
        return [m for m in self.messages + self.errors if pattern.search(m)]


def login(page: Page, email: str, password: str) -> None:
    """Sign in through the real login form and wait for the catalogue."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/courses$"))


@dataclass(frozen=True)
class Learner:
    name: str
    email: str
    password: str = LEARNER_PASSWORD


_serial = count(1)


def new_learner_details() -> Learner:
    """Details for an account nobody has registered yet in this session."""
    n = next(_serial)
    return Learner(name=f"Casey Tester {n}", email=f"learner{n}-{os.getpid()}@example.org")


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _option_value(html: str, select: str, label: str) -> str:
    block = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.S)
    assert block, f"no <select name={select}> on /register"
    option = re.search(rf'<option[^>]*value="(\d+)"[^>]*>{re.escape(label)}</option>', block[1])
    assert option, f"no option {label!r} in <select name={select}>"
    return option[1]


def register_via_http(context: BrowserContext, learner: Learner) -> None:
    """Register ``learner`` by posting the real registration form from ``context``.

    The context's request client shares its cookies, so the context is signed in afterwards.
    Faster than filling the form; the journey test fills it by hand.
    """
    html = context.request.get("/register").text()
    token = _CSRF.search(html)
    assert token, "no CSRF token on /register"
    response = context.request.post(
        "/register",
        form={
            "csrf_token": token[1] or token[2],
            "name": learner.name,
            "email": learner.email,
            "agency": _option_value(html, "agency", "Harbor City Police Department"),
            "discipline": _option_value(html, "discipline", "Law enforcement"),
            "employment_start": date(2024, 9, 1).isoformat(),
            "password": learner.password,
            "confirm": learner.password,
        },
        max_redirects=0,
    )
    assert response.status == 302, response.text()[:1000]
    assert response.headers["location"].endswith("/courses"), response.headers


def session_cookie(context: BrowserContext) -> dict[str, Any]:
    """Return the app's session cookie in ``context`` ."""
    cookies = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    assert len(cookies) == 1, context.cookies()
    return dict(cookies[0])


# --------------------------------------------------------------------------- axe-core

#: WCAG 2.0 and 2.1, levels A and AA; only violations are collected (faster than everything).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@cache
def _axe_source() -> str:
    """axe-core's source, as bundled with axe-playwright-python."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


#: WCAG 2.2's Target Size (Minimum), 2.5.8 (AA): 24 by 24 CSS px, or spaced as if it were.
TARGET_SIZE_OPTIONS = {
    "runOnly": {"type": "rule", "values": ["target-size"]},
    "resultTypes": ["violations"],
}


def run_axe(page: Page, options: dict[str, Any] = AXE_OPTIONS) -> list[dict[str, Any]]:
    """Run axe-core on ``page`` as it is now (``AXE_OPTIONS`` unless told); return the violations.

    axe is injected with ``page.evaluate`` (which the page's CSP does not apply to), once per
    document: a second run on the same page, at another viewport size, skips re-parsing it.
    """
    if page.evaluate("() => typeof window.axe === 'undefined'"):
        page.evaluate(_axe_source())
    results = page.evaluate("options => window.axe.run(document, options)", options)
    return list(results["violations"])


def format_violations(violations: list[dict[str, Any]]) -> str:
    """One block per rule (id, impact, help, URL), then each failing node's selector and why."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']}")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            lines.append(f"    * {' '.join(str(t) for t in node['target'])}")
            lines.append(f"      {node.get('html', '')[:200]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_accessible(page: Page, label: str) -> None:
    """Run axe-core on ``page`` as it is now; fail with a readable list of any violations."""
    violations = run_axe(page)
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {label} ({page.url}):\n"
        + format_violations(violations)
    )


def assert_targets_large_enough(page: Page, label: str) -> None:
    """Run axe-core's target-size rule (WCAG 2.2, 2.5.8) on ``page``; fail on any violation."""
    violations = run_axe(page, TARGET_SIZE_OPTIONS)
    assert not violations, (
        f"axe found targets too small on {label} ({page.url}):\n" + format_violations(violations)
    )
