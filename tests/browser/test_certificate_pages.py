"""The certificate pages in a real browser: axe-core on every kind of certificate page at
desktop, phone and 320px widths, and the journeys around them, keyboard-only where a person
would use the keyboard: verifying a code, downloading the PDF, suspending, reinstating and
revoking a certificate (with the public verification page following each change).

Certificates are made once per session on the live server's database, as
``tests/certificates/conftest.py`` makes them (modules completed and a passed final recorded
directly), then issued by ``lms certificates issue``. The demo caseworker holds one that no test
changes (``lms demo seed`` may have issued it already); freshly registered learners hold one
that the overseer revokes through the oversight page, one for the suspend-and-reinstate
journey, and one issued 23 months ago (whose recertification window is open).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import (
    CASEWORKER,
    OVERSEER,
    ConsoleLog,
    Learner,
    assert_accessible,
    assert_targets_large_enough,
    login,
    new_learner_details,
    register_via_http,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

pytestmark = pytest.mark.browser

MOBILE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}  # WCAG 1.4.10 Reflow: 320 CSS px wide
DESKTOP = {"width": 1280, "height": 900}
MINE = "/certificates"
MANAGE = "/certificates/manage"
COURSE = (
    "Foundations: a trauma-informed, survivor-centred response to commercial sexual exploitation"
)


# --------------------------------------------------------------------------- the certificates

#: Run on the server's database (see ``run_on_server``): finish Foundations for each learner
#: as tests/certificates/conftest.py does, one of them 23 months ago and issued then; issue
#: the rest through ``lms certificates issue``; print each learner's certificate as JSON.
ISSUE = """
import json, sys
from datetime import timedelta
from fractions import Fraction

from sqlalchemy import select

from lms import clock, create_app
from lms.auth.models import User
from lms.certificates import codes, policy
from lms.certificates.models import Certificate
from lms.certificates.services import issue_if_eligible
from lms.certificates.web import issuer_for
from lms.cli import main
from lms.courses.models import Course
from lms.extensions import db
from tests.certificates.conftest import finish_modules, record_final

plan = json.loads(sys.argv[1])
app = create_app()
with app.app_context():
    def user(email):
        return db.session.scalar(select(User).where(User.email == email))

    course = db.session.scalar(select(Course).where(Course.slug == "foundations"))
    # Expires in 30 days: inside the recertification window (RECERT_WINDOW_DAYS, 90).
    past = policy.add_months(clock.now(), -course.validity_months) + timedelta(days=30)
    renewing = user(plan["renewing"])
    finish_modules(renewing, now=past)
    record_final(renewing, Fraction(1), at=past + timedelta(hours=1))
    issue_if_eligible(db.session, renewing, course, issuer_for(db.session), past)
    db.session.commit()
    for email in plan["finish"]:
        learner = user(email)
        if db.session.scalar(select(Certificate.id).where(Certificate.user_id == learner.id)):
            continue  # the demo seed may have given the caseworker one already
        finish_modules(learner)
        record_final(learner, Fraction(1))

sys.argv = ["lms", "certificates", "issue"]
try:
    main()
except SystemExit as exit:
    if exit.code:
        raise

with app.app_context():
    rows = db.session.execute(
        select(User.email, Certificate).join(User, User.id == Certificate.user_id)
    )
    print(json.dumps({
        email: {"serial": c.serial, "code": codes.display_code(c.code)} for email, c in rows
    }))
"""


@dataclass(frozen=True)
class Cert:
    serial: str
    code: str  # as printed: 7KQ2-M9XD-4TNR-WB3H
    email: str


@dataclass(frozen=True)
class Certificates:
    held: Cert  # the demo caseworker's; never changed
    revoked: Cert  # revoked by the overseer through the oversight page (``revoked``)
    journey: Cert  # suspended, reinstated and finally revoked by one test
    renewing: Cert  # recertification window open
    renewing_cookies: list[Any]  # the renewing learner's signed-in session


def _register(browser: Browser, live_server: str) -> tuple[Learner, list[Any]]:
    ctx = browser.new_context(base_url=live_server)
    try:
        details = new_learner_details()
        register_via_http(ctx, details)
        return details, list(ctx.cookies())
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def certificates(
    browser: Browser, live_server: str, run_on_server: Callable[..., str]
) -> Certificates:
    revoked, _ = _register(browser, live_server)
    journey, _ = _register(browser, live_server)
    renewing, renewing_cookies = _register(browser, live_server)
    plan = {
        "renewing": renewing.email,
        "finish": [CASEWORKER[0], revoked.email, journey.email],
    }
    out = run_on_server(ISSUE, json.dumps(plan))
    issued = json.loads(out.strip().splitlines()[-1])
    assert set(plan["finish"]) | {renewing.email} <= set(issued), out

    def cert(email: str) -> Cert:
        return Cert(issued[email]["serial"], issued[email]["code"], email)

    return Certificates(
        cert(CASEWORKER[0]),
        cert(revoked.email),
        cert(journey.email),
        cert(renewing.email),
        renewing_cookies,
    )


def _signed_in(browser: Browser, live_server: str, email: str, password: str) -> list[Any]:
    """Sign in once through the login form; return the session's cookies."""
    ctx = browser.new_context(base_url=live_server)
    try:
        login(ctx.new_page(), email, password)
        return list(ctx.cookies())
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def holder_cookies(browser: Browser, live_server: str) -> list[Any]:
    return _signed_in(browser, live_server, *CASEWORKER)


@pytest.fixture(scope="session")
def overseer_cookies(browser: Browser, live_server: str) -> list[Any]:
    return _signed_in(browser, live_server, *OVERSEER)


@pytest.fixture
def holder(context: BrowserContext, page: Page, holder_cookies: list[Any]) -> Page:
    """``page``, signed in as the demo caseworker, who holds a certificate."""
    context.add_cookies(holder_cookies)
    return page


@pytest.fixture
def overseer(context: BrowserContext, page: Page, overseer_cookies: list[Any]) -> Page:
    """``page``, signed in as the demo overseer."""
    context.add_cookies(overseer_cookies)
    return page


@pytest.fixture
def renewing(context: BrowserContext, page: Page, certificates: Certificates) -> Page:
    """``page``, signed in as the learner whose recertification window is open."""
    context.add_cookies(certificates.renewing_cookies)
    return page


@pytest.fixture(scope="session")
def revoked(browser: Browser, live_server: str, certificates: Certificates) -> Cert:
    """The overseer revokes a certificate through the oversight page (search, open, revoke)."""
    from playwright.sync_api import expect

    cert = certificates.revoked
    ctx = browser.new_context(base_url=live_server, viewport=DESKTOP)
    try:
        page = ctx.new_page()
        login(page, *OVERSEER)
        _goto(page, MANAGE)
        page.get_by_label("Serial, verification code, or learner name or email").fill(cert.email)
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name=cert.serial).click()
        _h1(page, f"Certificate {cert.serial}")
        form = page.get_by_role("group", name="Revoke")
        form.get_by_label("Reason").select_option(label="Assessment integrity")
        form.get_by_label("Internal note").fill("Answers shared in a group chat (case 4411).")
        form.get_by_role("button", name="Revoke certificate").click()
        expect(page.get_by_role("status")).to_have_text(
            f"Certificate {cert.serial}: revoke recorded."
        )
        expect(page.get_by_text("Public status: Revoked")).to_be_visible()
    finally:
        ctx.close()
    return cert


# --------------------------------------------------------------------------- checks


def _url(path: str) -> re.Pattern[str]:
    """Match a URL whose path (and query, if given) is exactly ``path``."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + "$")


def _goto(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"


def _h1(page: Page, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _assert_structure(page: Page, label: str) -> None:
    """Landmarks, one h1 first, no heading level skipped, and links and buttons in lists at
    least 24 px high (WCAG 2.5.8; axe's own rule exempts more than the design allows)."""
    from playwright.sync_api import expect

    for role in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(role)).to_have_count(1)
    levels = page.locator("h1, h2, h3, h4, h5, h6").evaluate_all(
        "hs => hs.map(h => Number(h.tagName[1]))"
    )
    assert levels[:1] == [1] and levels.count(1) == 1, f"{label}: headings {levels}"
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skips, f"{label}: heading levels skip in {levels}"
    small = page.locator("main li a, main li button").evaluate_all(
        """els => els.filter(e => e.getBoundingClientRect().height < 24)
                   .map(e => `${e.textContent.trim()}: ${e.getBoundingClientRect().height}px`)"""
    )
    assert not small, f"{label}: targets in lists under 24px high: {small}"


def check_page(page: Page, label: str, console: ConsoleLog, status: int = 200) -> None:
    """axe at desktop, phone and 320 px; structure and target sizes; no sideways scroll at
    320 px (1.4.10, which axe does not check); no CSP violation or script error (Chromium
    logs an error status of the page itself as a failed load: ``status`` is expected)."""
    for size in (DESKTOP, MOBILE, NARROWEST):
        page.set_viewport_size(size)
        at = f"{label} at {size['width']}px"
        assert_accessible(page, at)
        assert_targets_large_enough(page, at)
        _assert_structure(page, at)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{label} scrolls sideways by {overflow}px at 320px wide"
    page.set_viewport_size(DESKTOP)
    assert console.csp() == [], f"CSP violations on {label}: {console.csp()}"
    own = f"error: Failed to load resource: the server responded with a status of {status} "
    errors = [m for m in console.messages if m.startswith("error") and not m.startswith(own)]
    assert errors + console.errors == [], f"console errors on {label}: {errors}"


def _assert_error_summary(page: Page, text: str) -> None:
    """One error summary: an alert, focusable by script (tabindex -1), saying ``text``."""
    from playwright.sync_api import expect

    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text(text)
    expect(alert).to_have_attribute("tabindex", "-1")
    alert.focus()
    expect(alert).to_be_focused()


def _status_line(page: Page) -> str:
    """The text of the page's one status region, white space collapsed."""
    return " ".join(page.get_by_role("status").inner_text().split())


def _tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until ``target`` has focus (fail if it never does): it is reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
    pytest.fail(f"{limit} presses of Tab never reached {target}; focus is on {focused}")


# --------------------------------------------------------------------------- page set-ups


def open_mine(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, MINE)
    _h1(page, "My certificates")
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=COURSE))
    expect(card.locator(".status")).to_have_text("Status: Valid")  # in words, not colour
    expect(card.get_by_text(certs.held.serial)).to_be_visible()


def open_mine_empty(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, MINE)
    _h1(page, "My certificates")
    expect(page.get_by_text("You have no certificates yet.")).to_be_visible()


def open_mine_renewal_due(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, MINE)
    _h1(page, "My certificates")
    due = page.get_by_role("region", name="Recertification due")
    expect(due).to_contain_text(f"{COURSE}: expires on")
    expect(due.get_by_role("button", name=f"Start recertification for {COURSE}")).to_be_visible()


def open_verify_form(page: Page, certs: Certificates) -> None:
    _goto(page, "/verify")
    _h1(page, "Verify a certificate")


def open_verify_malformed(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, "/verify?code=bad", status=400)
    _h1(page, "Verify a certificate")
    message = "That is not a verification code"
    _assert_error_summary(page, message)
    expect(page.get_by_role("alert").get_by_role("link")).to_have_attribute("href", "#code")
    field = page.get_by_label("Verification code")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(f"Error: {message}"))
    expect(field).to_have_value("bad")
    assert page.title() == "Error: Verify a certificate · Harbor"


def open_verify_valid(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, f"/verify/{certs.held.code}")
    _h1(page, f"Certificate {certs.held.serial}")
    expect(page.get_by_role("status")).to_have_text("Valid.")


def open_verify_revoked(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, f"/verify/{certs.revoked.code}")
    _h1(page, f"Certificate {certs.revoked.serial}")
    assert re.fullmatch(
        r"Revoked on \d{4}-\d\d-\d\d\. Reason: Assessment integrity\.", _status_line(page)
    )
    expect(page.get_by_text("group chat")).to_have_count(0)  # the internal note stays internal


def open_verify_unknown(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, "/verify/AAAA-BBBB-CCCC-DDDD", status=404)
    _h1(page, "Verify a certificate")
    _assert_error_summary(page, "No certificate matches this code.")
    expect(page.get_by_label("Verification code")).to_have_value("AAAA-BBBB-CCCC-DDDD")
    assert page.title() == "Error: Verify a certificate · Harbor"


def open_manage_search(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, f"{MANAGE}?q={CASEWORKER[0]}")
    _h1(page, "Manage certificates")
    results = page.get_by_role("region", name="1 certificate found")
    row = results.get_by_role("row").filter(has=page.get_by_role("link", name=certs.held.serial))
    expect(row).to_contain_text("Riley Nguyen")
    expect(row).to_contain_text("Active")


def open_manage_detail(page: Page, certs: Certificates) -> None:
    from playwright.sync_api import expect

    _goto(page, f"{MANAGE}/{certs.held.serial}")
    _h1(page, f"Certificate {certs.held.serial}")
    expect(page.get_by_text("Public status: Valid")).to_be_visible()
    for action in ("Revoke", "Suspend"):
        expect(page.get_by_role("group", name=action)).to_be_visible()
    expect(page.get_by_role("region", name="History")).to_contain_text("Issued")


@dataclass(frozen=True)
class Target:
    who: str  # "anonymous", "holder", "learner" (fresh, no certificate), "renewing", "overseer"
    open: Callable[[Page, Certificates], None]
    status: int = 200


PAGES: dict[str, Target] = {
    "mine": Target("holder", open_mine),
    "mine-empty": Target("learner", open_mine_empty),
    "mine-renewal-due": Target("renewing", open_mine_renewal_due),
    "verify-form": Target("anonymous", open_verify_form),
    "verify-malformed": Target("anonymous", open_verify_malformed, 400),
    "verify-valid": Target("anonymous", open_verify_valid),
    "verify-revoked": Target("anonymous", open_verify_revoked),
    "verify-unknown": Target("anonymous", open_verify_unknown, 404),
    "manage-search": Target("overseer", open_manage_search),
    "manage-detail": Target("overseer", open_manage_detail),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_certificate_page_is_accessible(
    name: str,
    request: pytest.FixtureRequest,
    certificates: Certificates,
    page: Page,
    console: ConsoleLog,
) -> None:
    target = PAGES[name]
    if name == "verify-revoked":
        request.getfixturevalue("revoked")
    if target.who != "anonymous":
        request.getfixturevalue(target.who)  # signs ``page``'s context in
    target.open(page, certificates)
    check_page(page, name, console, target.status)


# --------------------------------------------------------------------------- journeys


def test_a_visitor_verifies_a_code_with_the_keyboard_alone(
    page: Page, certificates: Certificates, console: ConsoleLog
) -> None:
    """From the footer link to the result: skip link, the code as someone might type it (lower
    case, spaces for dashes), Enter."""
    from playwright.sync_api import expect

    cert = certificates.held
    _goto(page, "/")
    footer_link = page.get_by_role("contentinfo").get_by_role("link", name="Verify a certificate")
    _tab_to(page, footer_link, limit=60)
    page.keyboard.press("Enter")
    page.wait_for_url(_url("/verify"))
    _h1(page, "Verify a certificate")

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    field = page.get_by_label("Verification code")
    _tab_to(page, field, limit=5)  # the first thing in the page's content
    page.keyboard.type(cert.code.lower().replace("-", " "))
    page.keyboard.press("Enter")

    page.wait_for_url(_url(f"/verify/{cert.code}"))
    _h1(page, f"Certificate {cert.serial}")
    expect(page.get_by_role("status")).to_have_text("Valid.")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Riley Nguyen")
    expect(facts).to_contain_text(COURSE)
    expect(page.get_by_text(CASEWORKER[0])).to_have_count(0)  # no email on the public page
    assert console.csp() == [], console.csp()


def test_the_holder_downloads_the_same_pdf_twice(
    holder: Page, context: BrowserContext, certificates: Certificates, console: ConsoleLog
) -> None:
    """Keyboard to the card's PDF link; the stored file comes back byte for byte."""
    page = holder
    serial = certificates.held.serial
    _goto(page, MINE)
    _h1(page, "My certificates")
    # The name ends with the course, for a list of links out of context (Chromium puts a
    # space before the visually hidden part: "Certificate (PDF) , Foundations ...").
    link = page.get_by_role("link", name=re.compile(r"^Certificate \(PDF\)\W+Foundations"))
    _tab_to(page, link)

    bodies = []
    for _ in range(2):
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        download = info.value
        assert download.failure() is None, download.failure()
        assert download.suggested_filename == f"{serial}.pdf"
        bodies.append(download.path().read_bytes())
    assert bodies[0].startswith(b"%PDF-"), bodies[0][:20]
    assert len(bodies[0]) > 1000
    assert bodies[0] == bodies[1], "the second download differs from the first"
    _h1(page, "My certificates")  # a download does not navigate away

    # The same bytes as the server stores, not re-rendered per request.
    response = context.request.get(f"/certificates/{serial}.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == bodies[0]
    assert console.csp() == [], console.csp()


def _public_status(context: BrowserContext, cert: Cert, check: str | None = None) -> str:
    """The public verify page's status line, as a visitor (no cookies) sees it now; with
    ``check``, the page is checked too (``check_page``) under that label."""
    page = context.new_page()
    console = ConsoleLog()
    page.on("console", lambda message: console.messages.append(f"{message.type}: {message.text}"))
    try:
        _goto(page, f"/verify/{cert.code}")
        _h1(page, f"Certificate {cert.serial}")
        if check:
            check_page(page, check, console)
        return _status_line(page)
    finally:
        page.close()


def _activate(page: Page, control: Locator) -> None:
    """Tab to ``control`` and press Enter; wait for the page that follows."""
    _tab_to(page, control, limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_overseer_suspends_and_reinstates_and_the_public_page_follows(
    overseer: Page,
    context: BrowserContext,
    new_context: Callable[[], BrowserContext],
    certificates: Certificates,
    console: ConsoleLog,
) -> None:
    """Search, suspend, reinstate and finally revoke with the keyboard; a visitor's verify page
    says each state; a second, stale tab's reinstatement of the then active certificate is
    refused with an accessible 400 page."""
    from playwright.sync_api import expect

    page, cert = overseer, certificates.journey
    visitor = new_context()
    date = r"\d{4}-\d\d-\d\d"
    assert _public_status(visitor, cert) == "Valid."

    _goto(page, MANAGE)
    _h1(page, "Manage certificates")
    search = page.get_by_label("Serial, verification code, or learner name or email")
    _tab_to(page, search)
    page.keyboard.type(cert.email)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_have_text("1 certificate found")
    _activate(page, page.get_by_role("link", name=cert.serial))
    detail = f"{MANAGE}/{cert.serial}"
    expect(page).to_have_url(_url(detail))
    _h1(page, f"Certificate {cert.serial}")

    # Suspend, with the first reason ("Under review") and nothing else.
    suspend = page.get_by_role("group", name="Suspend")
    expect(suspend.get_by_label("Reason")).to_have_value("under_review")
    _activate(page, suspend.get_by_role("button", name="Suspend certificate"))
    expect(page).to_have_url(_url(detail))
    expect(page.get_by_role("status")).to_have_text(f"Certificate {cert.serial}: suspend recorded.")
    expect(page.get_by_text("Public status: Suspended")).to_be_visible()
    suspended = _public_status(visitor, cert, check="verify-suspended")
    assert re.fullmatch(rf"Suspended since {date}\. Reason: Under review\.", suspended)

    # A second tab opens now, while the certificate is suspended, and goes stale.
    stale = context.new_page()
    _goto(stale, detail)
    expect(stale.get_by_role("group", name="Reinstate")).to_be_visible()

    reinstate = page.get_by_role("group", name="Reinstate")
    reinstate.get_by_label("Reason").select_option(label="Suspended in error")
    _activate(page, reinstate.get_by_role("button", name="Reinstate certificate"))
    expect(page.get_by_role("status")).to_have_text(
        f"Certificate {cert.serial}: reinstate recorded."
    )
    expect(page.get_by_text("Public status: Valid")).to_be_visible()
    assert _public_status(visitor, cert) == "Valid."

    # The stale tab tries to reinstate the certificate that is active again: refused, 400.
    with stale.expect_navigation() as refused:
        stale.get_by_role("group", name="Reinstate").get_by_role(
            "button", name="Reinstate certificate"
        ).click()
    assert refused.value is not None and refused.value.status == 400
    _h1(stale, f"Certificate {cert.serial}")
    _assert_error_summary(stale, "A certificate that is active cannot be given 'reinstate'.")
    assert stale.title() == f"Error: Certificate {cert.serial} · Harbor"
    expect(stale.get_by_text("Public status: Valid")).to_be_visible()
    check_page(stale, "manage-refused", console, 400)
    console.messages.clear()  # that page's own 400 is logged as a failed load
    assert _public_status(visitor, cert) == "Valid."

    # Revocation is permanent: no forms afterwards, and every change is in the history.
    revoke = page.get_by_role("group", name="Revoke")
    revoke.get_by_label("Reason").select_option(label="Issued in error")
    _activate(page, revoke.get_by_role("button", name="Revoke certificate"))
    expect(page.get_by_text("Public status: Revoked")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("certificate$"))).to_have_count(0)
    history = page.get_by_role("region", name="History").get_by_role("listitem")
    changes = (
        "Issued",
        "Suspended (Under review)",
        "Reinstated (Suspended in error)",
        "Revoked (Issued in error)",
    )
    expect(history).to_have_count(len(changes))
    for item, change in zip(history.all(), changes, strict=True):
        expect(item).to_have_text(
            re.compile(rf"^\d\d \w{{3}} \d{{4}}, \d\d:\d\d UTC: {re.escape(change)}$")
        )
    assert re.fullmatch(
        rf"Revoked on {date}\. Reason: Issued in error\.", _public_status(visitor, cert)
    )
    check_page(page, "manage-detail-revoked", console)


def test_a_revoked_certificate_says_so_on_the_oversight_page(
    overseer: Page, revoked: Cert, console: ConsoleLog
) -> None:
    from playwright.sync_api import expect

    page = overseer
    _goto(page, f"{MANAGE}/{revoked.serial}")
    _h1(page, f"Certificate {revoked.serial}")
    expect(page.get_by_text("Public status: Revoked")).to_be_visible()
    expect(page.get_by_text("Revocation is permanent")).to_be_visible()
    expect(page.locator("form.status-form")).to_have_count(0)
    # The public reason in words, and the internal note, which only overseers see.
    expect(page.locator("dl.facts")).to_contain_text(
        "Assessment integrity: Answers shared in a group chat (case 4411)."
    )
    history = page.get_by_role("region", name="History").get_by_role("listitem")
    expect(history.last).to_contain_text("Revoked (Assessment integrity)")
    link = page.get_by_role("link", name="Public verification page")
    expect(link).to_have_attribute("href", f"/verify/{revoked.code}")
