"""A learner's journey through the real pages: register, take a module behind a content note
(partly by keyboard alone), pause and come back, and sign out for good."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    OFFICER,
    ConsoleLog,
    Learner,
    assert_accessible,
    login,
    new_learner_details,
    session_cookie,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser

FOUNDATIONS = "/courses/foundations"
NOTE_MODULE = f"{FOUNDATIONS}/how-exploitation-happens"
NEXT_MODULE = f"{FOUNDATIONS}/myths-and-facts"  # the module after the one completed
PAUSE_MODULE = f"{FOUNDATIONS}/what-cse-is"


def _url(path: str) -> re.Pattern[str]:
    """Match a URL whose path (and query and fragment, if given) is exactly ``path``."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + "$")


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement;
                   return {tag: e.tagName.toLowerCase(), id: e.id, text: e.textContent.trim()}; }"""
    )


def _register_through_the_form(page: Page, learner: Learner) -> None:
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    page.wait_for_url(_url("/register"))
    page.get_by_label("Full name").fill(learner.name)
    page.get_by_label("Work email address").fill(learner.email)
    page.get_by_label("Agency").select_option(label="Harbor City Police Department")
    page.get_by_label("Discipline").select_option(label="Law enforcement")
    page.get_by_label("Date you started in this role").fill("2024-09-01")
    page.get_by_label("Password", exact=True).fill(learner.password)
    page.get_by_label("Repeat the password").fill(learner.password)
    page.get_by_role("button", name="Create account").click()


def test_register_then_complete_a_module_behind_a_content_note(
    page: Page, console: ConsoleLog
) -> None:
    from playwright.sync_api import expect

    learner = new_learner_details()
    _register_through_the_form(page, learner)
    page.wait_for_url(_url("/courses"))
    expect(page.get_by_role("status")).to_contain_text("Welcome to Harbor. Your account is ready.")

    # The catalogue lists Foundations as required for law enforcement; open it.
    required = page.get_by_role("region", name="Required")
    required.get_by_role("link", name=re.compile(r"^Foundations")).click()
    page.wait_for_url(_url(FOUNDATIONS))
    module_count = page.locator(".module-item").count()
    share = str(round(100 / module_count))
    expect(page.get_by_text(f"0 of {module_count} modules complete.")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "0")

    # The module with a content note opens on the note; "Not now" leaves it unacknowledged.
    modules = page.get_by_role("region", name="Modules")
    modules.get_by_role("link", name="How exploitation happens").click()
    page.wait_for_url(_url(NOTE_MODULE))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Before you start: How exploitation happens"
    )
    page.get_by_role("link", name="Not now, back to the course").click()
    page.wait_for_url(_url(FOUNDATIONS))
    page.goto(NOTE_MODULE)
    expect(page.get_by_role("heading", name="Content note")).to_be_visible()

    # Keyboard only: Tab to the skip link, Enter moves focus to <main>, then Tab on to the
    # "Continue" button and press Enter.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(_url(f"{NOTE_MODULE}#main"))
    expect(page.locator("main#main")).to_be_focused()
    for _ in range(10):
        page.keyboard.press("Tab")
        if _focused(page)["text"] == "Continue to the module":
            break
        assert page.locator("main :focus").count() == 1, f"focus left <main>: {_focused(page)}"
    else:
        pytest.fail("Tab never reached the “Continue to the module” button")
    page.keyboard.press("Enter")
    page.wait_for_url(_url(NOTE_MODULE))
    expect(page.get_by_role("heading", level=1)).to_have_text("How exploitation happens")
    expect(page.get_by_text(f"Module 2 of {module_count}")).to_be_visible()

    # Mark it complete: on to the next module, with a confirmation.
    page.get_by_role("button", name="Mark this module complete").click()
    page.wait_for_url(_url(NEXT_MODULE))
    expect(page.get_by_role("status")).to_contain_text(
        "“How exploitation happens” is marked complete."
    )

    # The course page shows the progress, and the way back in.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").click()
    page.wait_for_url(_url(FOUNDATIONS))
    expect(page.get_by_text(f"1 of {module_count} modules complete.")).to_be_visible()
    progress = page.get_by_role("progressbar", name="Course progress")
    expect(progress).to_have_attribute("value", share)
    expect(page.get_by_text(f"{share}% complete")).to_be_visible()
    items = page.locator(".module-item")
    expect(items.filter(has_text="How exploitation happens")).to_contain_text("Complete")
    # The next module opened on its content note, so it has not started yet.
    expect(items.filter(has_text="Myths")).to_contain_text("Not started")
    expect(items.filter(has_text="What commercial")).to_contain_text("Not started")
    expect(page.get_by_role("link", name=re.compile(r"^Resume: "))).to_be_visible()
    assert_accessible(page, "course page with progress")

    # The catalogue shows the same progress.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My courses").click()
    page.wait_for_url(_url("/courses"))
    expect(
        page.get_by_role("progressbar", name=re.compile(r"^Progress in Foundations"))
    ).to_have_attribute("value", share)
    assert console.csp() == []


def test_pause_at_a_section_then_return_to_it(page: Page, learner: Learner) -> None:
    from playwright.sync_api import expect

    page.goto(PAUSE_MODULE)
    page.get_by_role("button", name="Continue to the module").click()
    page.wait_for_url(_url(PAUSE_MODULE))

    tools = page.get_by_role("complementary", name="Module tools")
    section = tools.get_by_label("I have read up to")
    section.select_option(label="Exploitation without a trafficker")
    anchor = section.input_value()
    assert anchor, "the chosen section has no id"
    tools.get_by_role("button", name="Pause and return later").click()

    page.wait_for_url(_url(f"{PAUSE_MODULE}/paused"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is saved")
    expect(page.get_by_text("What commercial sexual exploitation is")).to_be_visible()

    page.get_by_role("link", name="Return to the module").click()
    page.wait_for_url(_url(f"{PAUSE_MODULE}#{anchor}"))
    welcome = page.get_by_role("status").filter(has_text="Welcome back")
    expect(welcome).to_contain_text("You paused at Exploitation without a trafficker.")
    expect(welcome.get_by_role("link")).to_have_attribute("href", f"#{anchor}")
    expect(page.locator(f"[id='{anchor}']")).to_have_text("Exploitation without a trafficker")
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()
    assert_accessible(page, "module page after a pause")


def test_after_sign_out_back_and_revisits_need_sign_in(page: Page) -> None:
    from playwright.sync_api import expect

    login(page, *OFFICER)
    page.goto(FOUNDATIONS)
    expect(page.get_by_role("heading", name="Modules")).to_be_visible()

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_url(_url("/login"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Back: the course page is not shown from a cache; the server asks for sign-in instead.
    page.go_back()
    expect(page).to_have_url(_url("/login?next=%2Fcourses%2Ffoundations"))
    expect(page.get_by_role("heading", name="Modules")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Please sign in to continue.")

    for path in ("/courses", "/account", PAUSE_MODULE):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/login\?next="))
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_a_copied_session_cookie_dies_with_sign_out(
    page: Page,
    context: BrowserContext,
    learner: Learner,
    new_context: Callable[[], BrowserContext],
) -> None:
    from playwright.sync_api import expect

    cookie = session_cookie(context)
    assert cookie["httpOnly"], cookie
    assert cookie["sameSite"] == "Lax", cookie

    # While the session lives, the copied cookie works in another browser.
    thief = new_context()
    thief.add_cookies([cookie])
    stolen = thief.new_page()
    stolen.goto("/account")
    expect(stolen).to_have_url(_url("/account"))
    expect(stolen.get_by_text(learner.email)).to_be_visible()
    thief.close()

    page.goto("/courses")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(_url("/login"))

    # After sign-out the server has forgotten the session: the same cookie gets the login page.
    replay = new_context()
    replay.add_cookies([cookie])
    again = replay.new_page()
    for path in ("/account", "/courses"):
        again.goto(path)
        expect(again).to_have_url(re.compile(r"/login\?next="))
        expect(again.get_by_text(learner.email)).to_have_count(0)
        expect(again.get_by_role("button", name="Sign out")).to_have_count(0)
