"""The overseers' audit trail page in a real browser: axe-core at desktop, phone and 320px on
the whole trail, a filtered view and the 400 page for a filter it does not know, and filtering
with the keyboard through the form and a subject link.

The trail already holds what the live server's set-up recorded (requirements from
``lms content sync``; the demo certificate, when ``lms demo seed`` issued one); a freshly
registered learner is then made a coordinator through ``lms users set-role --by`` (a
``user.role`` entry by the demo overseer), and a certificate revocation with a long note is
recorded, so that the page has wide cells to reflow at 320px.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import OVERSEER, ConsoleLog, login, new_learner_details, register_via_http
from test_certificate_pages import _assert_error_summary, _goto, _h1, _tab_to, check_page

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

AUDIT = "/oversight/audit"

#: Run on the server's database: make the learner a coordinator of the demo agency on the
#: command line, on the overseer's word; record a revocation with a long note; print the
#: learner's user id.
ENTRIES = """
import json, sys

from sqlalchemy import select

from lms import clock, create_app
from lms.audit.services import record
from lms.auth.models import Agency, User
from lms.cli import main
from lms.extensions import db

email, overseer = sys.argv[1], sys.argv[2]
app = create_app()
with app.app_context():
    learner = db.session.scalar(select(User).where(User.email == email))
    agency = db.session.get(Agency, learner.agency_id).name
    record(
        db.session,
        "certificate.revoke",
        "certificate:HBR-2026-999999",
        {
            "reason": "assessment_integrity",
            "note": "Answers shared in a group chat; see case 4411 and the coordinator's "
            "report of 12 November, which lists every member of the chat by agency.",
            "fingerprint": "9f2c" * 16,
        },
        clock.now(),
    )
    db.session.commit()
    user_id = learner.id

sys.argv = ["lms", "users", "set-role", email, "coordinator", "--agency", agency, "--by", overseer]
try:
    main()
except SystemExit as exit:
    if exit.code:
        raise
print(json.dumps({"user_id": user_id}))
"""


@pytest.fixture(scope="session")
def promoted(browser: Browser, live_server: str, run_on_server: Callable[..., str]) -> str:
    """A new learner, made a coordinator by the overseer; return their audit subject."""
    ctx = browser.new_context(base_url=live_server)
    try:
        details = new_learner_details()
        register_via_http(ctx, details)
    finally:
        ctx.close()
    out = run_on_server(ENTRIES, details.email, OVERSEER[0])
    user_id = json.loads(out.strip().splitlines()[-1])["user_id"]
    return f"user:{user_id}"


@pytest.fixture(scope="session")
def audit_overseer_cookies(browser: Browser, live_server: str) -> list[Any]:
    ctx = browser.new_context(base_url=live_server)
    try:
        login(ctx.new_page(), *OVERSEER)
        return list(ctx.cookies())
    finally:
        ctx.close()


@pytest.fixture
def overseer(context: BrowserContext, page: Page, audit_overseer_cookies: list[Any]) -> Page:
    context.add_cookies(audit_overseer_cookies)
    return page


def _entries(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="Audit entries, newest first").locator("tbody tr")


def test_the_whole_trail_is_accessible(overseer: Page, promoted: str, console: ConsoleLog) -> None:
    from playwright.sync_api import expect

    page = overseer
    _goto(page, AUDIT)
    _h1(page, "Audit trail")
    rows = _entries(page)
    expect(rows.first).to_contain_text("user.role")  # newest first
    expect(rows.first).to_contain_text(OVERSEER[0])
    expect(rows.first).to_contain_text(promoted)
    expect(page.get_by_role("cell", name="System").first).to_be_visible()
    check_page(page, "audit-browse", console)


def test_a_filtered_trail_is_accessible(overseer: Page, promoted: str, console: ConsoleLog) -> None:
    from playwright.sync_api import expect

    page = overseer
    _goto(page, f"{AUDIT}?action=certificate.&actor=system")
    _h1(page, "Audit trail")
    expect(page.get_by_role("heading", level=2, name="Matching entries")).to_be_visible()
    actions = _entries(page).locator("td:nth-child(4)").all_inner_texts()
    assert actions and all(a.startswith("certificate.") for a in actions), actions
    expect(page.get_by_label("Action")).to_have_value("certificate.")
    check_page(page, "audit-filtered", console)


def test_an_unknown_filter_is_an_accessible_400_page(
    overseer: Page, promoted: str, console: ConsoleLog
) -> None:
    from playwright.sync_api import expect

    page = overseer
    _goto(page, f"{AUDIT}?colour=red&from=30/11/2026", status=400)
    _h1(page, "Audit trail")
    _assert_error_summary(page, "Unknown filter 'colour'.")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The filters allowed are action, subject, actor, from, to")
    expect(alert.get_by_role("link")).to_have_attribute("href", "#audit-from")
    expect(page.get_by_label("From (date, UTC)")).to_have_attribute("aria-invalid", "true")
    assert page.title() == "Error: Audit trail · Harbor"
    check_page(page, "audit-error", console, 400)


def test_filtering_with_the_keyboard(overseer: Page, promoted: str, console: ConsoleLog) -> None:
    """Type an action prefix into the form and submit with Enter; follow an entry's subject
    link to see only that subject's entries."""
    from playwright.sync_api import expect

    page = overseer
    _goto(page, AUDIT)
    action = page.get_by_label("Action")
    _tab_to(page, action)
    page.keyboard.type("user.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?action=user\.&subject=&actor=&from=&to=$"))
    rows = _entries(page)
    expect(rows.first).to_contain_text("user.role")

    link = rows.first.get_by_role("link", name=re.compile(f"^{re.escape(promoted)}"))
    _tab_to(page, link, limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_label("Subject")).to_have_value(promoted)
    expect(_entries(page)).to_have_count(1)
    assert console.csp() == [], console.csp()
