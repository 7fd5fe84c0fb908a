"""The oversight dashboards in a real browser: axe-core at desktop, phone and 320 px on the
state dashboard, a filtered view, an agency drill-down, a learner's record, the due lists, the
annual report's page and the 400 pages for an unknown filter or year; a coordinator's own
agency page and sending reminders with the keyboard. The live server holds the demo agencies
and accounts (``lms demo seed``), whose standings the seed and the content sync computed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from browser_support import OVERSEER, ConsoleLog, login
from test_certificate_pages import _goto, _h1, _tab_to, check_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

COORDINATOR = ("coordinator@example.org", "demo-coordinator-harbor")


def _cookies(browser: Browser, live_server: str, account: tuple[str, str]) -> list[Any]:
    ctx = browser.new_context(base_url=live_server)
    try:
        login(ctx.new_page(), *account)
        return list(ctx.cookies())
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def dashboard_overseer_cookies(browser: Browser, live_server: str) -> list[Any]:
    return _cookies(browser, live_server, OVERSEER)


@pytest.fixture(scope="session")
def dashboard_coordinator_cookies(browser: Browser, live_server: str) -> list[Any]:
    return _cookies(browser, live_server, COORDINATOR)


def test_state_dashboard_drill_down_and_lists_are_accessible(
    context: BrowserContext, page: Page, dashboard_overseer_cookies: list[Any], console: ConsoleLog
) -> None:
    from playwright.sync_api import expect

    context.add_cookies(dashboard_overseer_cookies)
    _goto(page, "/oversight")
    _h1(page, "State compliance dashboard")
    expect(
        page.get_by_role("img", name="Learners meeting every requirement, by region")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Learners by agency")).to_be_visible()
    check_page(page, "dashboard", console)

    # Filter with the form, by keyboard: choose a region and apply.
    region = page.get_by_label("Region", exact=True)
    _tab_to(page, region)
    region.select_option(index=1)
    apply = page.get_by_role("button", name="Apply filters")
    _tab_to(page, apply)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Filtered:")).to_be_visible()
    check_page(page, "dashboard-filtered", console)

    # Drill down: agency, then one of its learners.
    _goto(page, "/oversight")
    page.get_by_role("table", name="Learners by agency").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Learners", exact=False).first).to_be_visible()
    check_page(page, "agency", console)
    learners = page.get_by_role("table", name="Learners").get_by_role("link")
    if learners.count():
        learners.first.click()
        expect(page.get_by_role("heading", name="Requirements")).to_be_visible()
        check_page(page, "learner-record", console)

    for which, title in (("soon", "Due within 90 days"), ("breach", "Overdue or expired")):
        _goto(page, f"/oversight/due?list={which}")
        _h1(page, title)
        check_page(page, f"due-{which}", console)

    # The annual report's page (its preview carries the suppressed tables).
    _goto(page, "/oversight/report")
    _h1(page, "Annual report to the legislature")
    check_page(page, "annual-report", console)
    _goto(page, "/oversight/report?year=1999", 400)
    check_page(page, "annual-report-400", console, status=400)

    _goto(page, "/oversight?region=Atlantis", 400)
    expect(page.get_by_text("No region called 'Atlantis'")).to_be_visible()
    check_page(page, "dashboard-400", console, status=400)


def test_a_coordinator_sees_their_agency_and_sends_reminders_by_keyboard(
    context: BrowserContext,
    page: Page,
    dashboard_coordinator_cookies: list[Any],
    console: ConsoleLog,
) -> None:
    from playwright.sync_api import expect

    context.add_cookies(dashboard_coordinator_cookies)
    _goto(page, "/agency")
    expect(page.get_by_role("link", name="My agency")).to_have_attribute("aria-current", "page")
    check_page(page, "coordinator-agency", console)
    button = page.get_by_role("button", name="Send reminders to my staff")
    _tab_to(page, button, limit=80)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("eminders")
    check_page(page, "coordinator-reminded", console)
