"""External credit in a real browser: a learner claims credit with an evidence file (axe on
the form, its errors and the list), and an overseer reviews and approves it (axe on the queue,
the review page and a refused decision), all with the keyboard-reachable controls."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import OVERSEER, ConsoleLog, Learner, login
from test_certificate_pages import _assert_error_summary, _goto, _h1, check_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(scope="session")
def credit_overseer_cookies(browser: Browser, live_server: str) -> list[Any]:
    ctx = browser.new_context(base_url=live_server)
    try:
        login(ctx.new_page(), *OVERSEER)
        return list(ctx.cookies())
    finally:
        ctx.close()


def _fill_claim(page: Page, title: str, name: str, body: bytes, mime: str) -> None:
    page.get_by_role("checkbox").first.check()
    page.get_by_label("Name of the training").fill(title)
    page.get_by_label("Who provided it").fill("Coastal Training Academy")
    page.get_by_label("Date you completed it").fill((date.today() - timedelta(days=20)).isoformat())
    page.get_by_label("Hours of training").fill("7.5")
    page.get_by_label("Evidence (certificate or transcript)").set_input_files(
        {"name": name, "mimeType": mime, "buffer": body}
    )


def test_claiming_credit_is_accessible_and_a_wrong_file_is_explained(
    page: Page, learner: Learner, console: ConsoleLog
) -> None:
    from playwright.sync_api import expect

    _goto(page, "/credits/new")
    _h1(page, "Claim external credit")
    check_page(page, "credit-new", console)

    # An HTML file named .pdf and sent as a PDF is refused for what it is.
    _fill_claim(page, "Lying file", "certificate.pdf", b"<html></html>", "application/pdf")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    _assert_error_summary(page, "Upload a PDF, PNG or JPEG file")
    expect(page.get_by_role("link", name=re.compile("Evidence"))).to_have_attribute(
        "href", "#evidence"
    )
    assert page.title().startswith("Error: ")
    check_page(page, "credit-new-error", console, 400)
    console.messages.clear()  # the 400 above is expected; later pages must log nothing

    _fill_claim(page, "Regional CSEC response course", "certificate.pdf", PDF, "application/pdf")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()
    expect(page).to_have_url(re.compile(r"/credits$"))
    _h1(page, "External credit")
    expect(page.locator("div.table-scroll")).to_contain_text("Waiting for review")
    check_page(page, "credit-mine", console)


def test_an_overseer_reviews_and_approves_a_claim(
    browser: Browser,
    live_server: str,
    context: BrowserContext,
    page: Page,
    learner: Learner,
    credit_overseer_cookies: list[Any],
    console: ConsoleLog,
) -> None:
    from playwright.sync_api import expect

    _goto(page, "/credits/new")
    title = f"Claim by {learner.email}"
    _fill_claim(page, title, "scan.pdf", PDF, "application/pdf")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for review").click()

    context.clear_cookies()
    context.add_cookies(credit_overseer_cookies)
    _goto(page, "/oversight/credits")
    _h1(page, "External credit")
    check_page(page, "credit-queue", console)
    with page.expect_navigation():
        page.get_by_role("link", name=title).click()
    _h1(page, f"External credit: {title}")
    check_page(page, "credit-review", console)

    # The completion date is after the chosen expiry: refused, and said so.
    page.get_by_label("Counts until (the first day it no longer counts)").fill("2000-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve credit").click()
    _assert_error_summary(page, "after the training was completed")
    check_page(page, "credit-review-error", console, 400)
    console.messages.clear()

    until = (date.today() + timedelta(days=730)).isoformat()
    page.get_by_label("Counts until (the first day it no longer counts)").fill(until)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve credit").click()
    expect(page.get_by_text(re.compile(r"Approved; counts until"))).to_be_visible()
    expect(page.get_by_role("button", name="Approve credit")).to_have_count(0)
    assert console.csp() == [], console.csp()
