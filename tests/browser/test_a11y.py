"""axe-core (WCAG 2.0/2.1, A and AA) finds nothing on every kind of page, at desktop and phone
widths; and the Content-Security-Policy holds without breaking the module page.

Each page set-up brings ``page`` to one kind of page and checks it is the page meant, so a
redirect (to the login page, say) cannot pass unnoticed. ``officer`` is the demo learner (one
shared session, signed in through the login form) for pages that only read; pages that need
progress of their own use a freshly registered ``learner``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from browser_support import OFFICER, ConsoleLog, Learner, assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

MOBILE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}  # WCAG 1.4.10 Reflow: 320 CSS px wide
FOUNDATIONS = "/courses/foundations"
MODULE = f"{FOUNDATIONS}/what-cse-is"
NOTE_MODULE = f"{FOUNDATIONS}/how-exploitation-happens"


def _goto(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"


def _h1(page: Page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _pass_content_note(page: Page, path: str) -> None:
    _goto(page, path)
    page.get_by_role("button", name="Continue to the module").click()
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    page.get_by_role("button", name="Mark this module complete").wait_for()


# --------------------------------------------------------------------------- page set-ups


def open_home(page: Page) -> None:
    _goto(page, "/")
    _h1(page, "Harbor")


def open_login(page: Page) -> None:
    _goto(page, "/login")
    _h1(page, "Sign in")


def open_login_errors(page: Page) -> None:
    """One wrong password for the demo officer (far below the lockout threshold)."""
    _goto(page, "/login")
    page.get_by_label("Email address").fill(OFFICER[0])
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").get_by_text("do not match an account").wait_for()


def open_register(page: Page) -> None:
    _goto(page, "/register")
    _h1(page, "Create an account")


def open_register_errors(page: Page) -> None:
    from playwright.sync_api import expect

    _goto(page, "/register")
    page.get_by_label("Work email address").fill("not-an-email")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("different")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("alert").wait_for()
    # Name, email, agency, discipline, date and both passwords are in error, all at once,
    # each described by its own message.
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid).to_have_count(7)
    for field in invalid.all():
        described_by = field.get_attribute("aria-describedby") or ""
        assert f"{field.get_attribute('id')}-error" in described_by.split()


def open_forgot_password(page: Page) -> None:
    _goto(page, "/password/forgot")
    _h1(page, "Reset your password")


def open_reset_invalid(page: Page) -> None:
    _goto(page, "/password/reset/not-a-real-token", status=400)
    _h1(page, "This link is no longer valid")


def open_support(page: Page) -> None:
    _goto(page, "/support")
    _h1(page, "Support resources")


def open_not_found(page: Page) -> None:
    _goto(page, "/no-such-page", status=404)
    _h1(page, "Page not found")


def open_catalogue(page: Page) -> None:
    _goto(page, "/courses")
    _h1(page, "My courses")
    page.get_by_role("heading", name="Required").wait_for()


def open_course(page: Page) -> None:
    _goto(page, FOUNDATIONS)
    page.get_by_role("heading", name="Modules").wait_for()
    page.locator("progress").wait_for()


def open_content_note(page: Page) -> None:
    _goto(page, NOTE_MODULE)
    _h1(page, "Before you start: How exploitation happens")


def open_module(page: Page) -> None:
    _pass_content_note(page, MODULE)
    _h1(page, "What commercial sexual exploitation is")


def open_paused(page: Page) -> None:
    _pass_content_note(page, MODULE)
    finish = page.get_by_role("region", name="Finished reading?")
    finish.get_by_label("I have read up to").select_option(label="The federal definition")
    finish.get_by_role("button", name="Pause and return later").click()
    page.wait_for_url(re.compile(r"/paused$"))
    _h1(page, "Your place is saved")


def open_account(page: Page) -> None:
    _goto(page, "/account")
    _h1(page, "Your account")


def open_account_errors(page: Page) -> None:
    """A wrong current password and a weak, mismatched new one (nothing changes)."""
    _goto(page, "/account")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("other")
    page.get_by_role("button", name="Change password").click()
    page.get_by_role("alert").wait_for()


@dataclass(frozen=True)
class Target:
    who: str  # "anonymous", "officer" (shared demo session) or "learner" (fresh account)
    open: Callable[[Page], None]
    phone: bool = False  # check at a phone's width too


PAGES: dict[str, Target] = {
    "home": Target("anonymous", open_home),
    "login": Target("anonymous", open_login),
    "login-errors": Target("anonymous", open_login_errors, phone=True),
    "register": Target("anonymous", open_register),
    "register-errors": Target("anonymous", open_register_errors),
    "forgot-password": Target("anonymous", open_forgot_password),
    "reset-invalid": Target("anonymous", open_reset_invalid),
    "support": Target("anonymous", open_support),
    "not-found": Target("anonymous", open_not_found),
    "catalogue": Target("officer", open_catalogue, phone=True),
    "course": Target("officer", open_course),
    "content-note": Target("officer", open_content_note, phone=True),
    "module": Target("learner", open_module, phone=True),
    "paused": Target("learner", open_paused),
    "account": Target("officer", open_account),
    "account-errors": Target("officer", open_account_errors),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_axe_violations(
    name: str, request: pytest.FixtureRequest, page: Page, console: ConsoleLog
) -> None:
    target = PAGES[name]
    if target.who != "anonymous":
        request.getfixturevalue(target.who)  # signs ``page``'s context in
    target.open(page)

    assert_accessible(page, f"{name} at desktop width")
    if target.phone:
        page.set_viewport_size(MOBILE)
        assert_accessible(page, f"{name} at {MOBILE['width']}x{MOBILE['height']}")
    # Reflow (1.4.10, which axe does not check): nothing scrolls sideways at 320 CSS px.
    page.set_viewport_size(NARROWEST)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px wide"
    assert console.csp() == [], f"CSP violations on {name}: {console.csp()}"


def test_every_page_starts_with_a_skip_link_and_offers_support(page: Page) -> None:
    from playwright.sync_api import expect

    for path in ("/", "/login", "/no-such-page", "/password/reset/nonsense"):
        page.goto(path)
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        expect(focused).to_have_text("Skip to main content")
        expect(focused).to_have_attribute("href", "#main")
        expect(page.locator("main#main")).to_have_count(1)
        header = page.get_by_role("banner")
        expect(header.get_by_role("link", name="Support resources")).to_be_visible()


#: Collects CSP violation reports in the page (init scripts run outside the page's CSP).
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


def test_module_page_has_a_strict_csp_and_nothing_violates_it(
    page: Page, learner: Learner, console: ConsoleLog
) -> None:
    page.add_init_script(CSP_WATCH)
    _goto(page, MODULE)
    with (
        page.expect_response(lambda r: r.url.endswith(MODULE)) as document,
        page.expect_response(lambda r: r.url.endswith("/static/js/module.js")) as script,
    ):
        page.get_by_role("button", name="Continue to the module").click()
    assert document.value.status == 200
    assert script.value.status == 200, "module.js did not load"
    page.wait_for_load_state("load")

    csp = document.value.headers.get("content-security-policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives.get("default-src") == "'none'", csp
    assert directives.get("script-src") == "'self'", csp
    assert directives.get("style-src") == "'self'", csp
    assert directives.get("frame-ancestors") == "'none'", csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp

    assert page.evaluate("window.__cspViolations") == []
    assert console.csp() == [], console.csp()
    errors = [m for m in console.messages if m.startswith("error")] + console.errors
    assert errors == [], errors

    # Both watchers work: an inline script added now is blocked, and each of them reports it.
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__inlineRan = true"; document.body.append(s); }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__inlineRan") is None
    page.wait_for_timeout(200)
    assert console.csp(), "the console listener missed a CSP violation"
