"""The quiz pages in a real browser: axe-core on every kind of quiz page (the take page at phone
width and 320px too), a keyboard-only journey, the quiz without JavaScript, no answer in the
take page's DOM, and saving an attempt to come back to it.

Every test that changes quiz state uses a freshly registered learner, and tests that submit
use knowledge checks (unlimited attempts). The final assessment draws its questions at random
from pools, so tests on it read what was drawn from the page rather than assume it. The right
answers come from the quiz files themselves (``content/foundations/quiz-*.md``), matched to the
page by question stem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import (
    OVERSEER,
    ConsoleLog,
    Learner,
    assert_accessible,
    login,
    new_learner_details,
    register_via_http,
)

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

    from lms.assessments.spec import Question, QuizSpec

pytestmark = pytest.mark.browser

CONTENT = Path(__file__).resolve().parents[2] / "content" / "foundations"
FOUNDATIONS = "/courses/foundations"
QUIZ = f"{FOUNDATIONS}/quiz"
STATISTICS = f"{QUIZ}/final/statistics"
#: True/false, a short answer (a text input) and single choice.
CHECK_TEXT = "check-what-cse-is"
#: Single choice, true/false and "select all that apply" (checkboxes).
CHECK_BOXES = "check-how-exploitation-happens"
#: Every quiz of the course (knowledge checks, pre-test and final), by slug.
QUIZZES = sorted(f.stem.removeprefix("quiz-") for f in CONTENT.glob("quiz-*.md"))

MOBILE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}  # WCAG 1.4.10 Reflow: 320 CSS px wide


def _url(path: str) -> re.Pattern[str]:
    """Match a URL whose path (and query, if given) is exactly ``path``."""
    return re.compile(r"^https?://[^/]+" + re.escape(path) + "$")


def _goto(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: HTTP {response.status}, expected {status}"


# --------------------------------------------------------------------------- the quiz files


def _plain(text: str) -> str:
    """Markdown source or page text, reduced for comparison: no emphasis marks, curly quotes
    straightened, every run of white space one space."""
    text = re.sub(r"[*_`]", "", text)
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"}))
    return " ".join(text.split())


@cache
def _site_variables() -> dict[str, str]:
    import yaml

    site = yaml.safe_load((CONTENT.parent / "site.yml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in (site.get("variables") or {}).items()}


@cache
def _quiz(slug: str) -> QuizSpec:
    """A quiz file read as the app reads it (see ``lms/courses/loader.py``): quote markers
    dropped, site variables such as ``{{ state_name }}`` filled in, then ``parse_quiz``."""
    from lms.assessments.quizfile import parse_quiz
    from lms.courses.variables import substitute

    path = CONTENT / f"quiz-{slug}.md"
    text = path.read_text(encoding="utf-8").replace("[[quote]]", "").replace("[[/quote]]", "")
    text, issues = substitute(text, _site_variables())
    assert not issues, issues
    quiz, problems = parse_quiz(text, str(path))
    assert quiz is not None and not problems, problems
    return quiz


def _count(slug: str) -> int:
    """How many questions an attempt at the quiz shows."""
    quiz = _quiz(slug)
    return sum(d.count for d in quiz.settings.draws) or len(quiz.questions)


#: Every question on the take page, with its controls: name, type, value and label (the
#: label of a select is its prompt; its options are listed with their values).
READ_FORM = """() => [...document.querySelectorAll("form.quiz fieldset.question")].map(f => ({
  stem: f.querySelector(".stem").textContent,
  controls: [...f.querySelectorAll("input, select")].map(c => ({
    tag: c.tagName.toLowerCase(), type: c.type, name: c.name, value: c.value,
    label: c.labels.length ? c.labels[0].textContent : "",
    options: c.tagName === "SELECT"
      ? [...c.options].map(o => ({value: o.value, text: o.textContent})) : [],
  })),
}))"""


@dataclass(frozen=True)
class Shown:
    """One question as the take page shows it, and the quiz file's question it is."""

    question: Question
    controls: list[dict[str, Any]]


def _shown(page: Page, slug: str) -> list[Shown]:
    """Match every question on the take page to its question in the quiz file, by stem."""
    by_stem = {_plain(q.text): q for q in _quiz(slug).questions}
    shown = []
    for fieldset in page.evaluate(READ_FORM):
        stem = _plain(fieldset["stem"])
        assert stem in by_stem, f"no question in quiz-{slug}.md has the stem {stem!r}"
        shown.append(Shown(by_stem[stem], fieldset["controls"]))
    return shown


def _right_answers(shown: list[Shown]) -> dict[str, set[str] | str]:
    """What to enter for full marks: control name -> values to choose, or text to type."""
    answers: dict[str, set[str] | str] = {}
    for item in shown:
        q, controls = item.question, item.controls
        if q.kind in ("single", "true_false", "multiple"):
            right = {_plain(c.text) for c in q.choices if c.weight > 0}
            chosen = {c["value"] for c in controls if _plain(c["label"]) in right}
            assert len(chosen) == len(right), f"{q.id}: right choices not all found by label"
            answers[controls[0]["name"]] = chosen
        elif q.kind == "short":
            best = max(q.answers, key=lambda a: a.weight)
            answers[controls[0]["name"]] = best.pattern.replace("*", "")
        elif q.kind == "matching":
            match = {_plain(p.prompt): p.answer for p in q.pairs}
            for c in controls:
                wanted = match[_plain(c["label"])]
                answers[c["name"]] = {o["value"] for o in c["options"] if o["text"] == wanted}
        elif q.kind == "ordering":
            place = {_plain(i.text): str(n) for n, i in enumerate(q.items, start=1)}
            for c in controls:
                answers[c["name"]] = {place[_plain(c["label"])]}
        else:  # pragma: no cover - the Foundations quizzes use no other kind
            pytest.fail(f"no answer key for a {q.kind} question")
    return answers


def _answer_by_clicking(page: Page, answers: dict[str, set[str] | str]) -> None:
    """Enter ``answers`` (as :func:`_right_answers` gives them) with the mouse."""
    for name, answer in answers.items():
        control = page.locator(f"form.quiz [name='{name}']")
        if isinstance(answer, str):
            control.fill(answer)
        elif control.first.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value=next(iter(answer)))
        else:
            for value in answer:
                page.locator(f"form.quiz [name='{name}'][value='{value}']").check()


# --------------------------------------------------------------------------- quiz actions


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _post_start(context: BrowserContext, slug: str) -> tuple[str, str]:
    """Start an attempt by posting the overview's Start form from ``context`` (whose cookies
    it shares); return the take page's URL and HTML."""
    overview = context.request.get(f"{QUIZ}/{slug}")
    token = _CSRF.search(overview.text())
    assert overview.ok and token, overview.status
    take = context.request.post(f"{QUIZ}/{slug}/start", form={"csrf_token": token[1]})
    assert take.ok and re.search(r"/attempts/\d+$", take.url), (take.status, take.url)
    return take.url, take.text()


def _start(page: Page, slug: str, *, by_click: bool = False) -> None:
    """Start the first attempt at a quiz and open its take page: through the overview's Start
    button, or (faster, for set-ups) by posting the Start form."""
    if by_click:
        _goto(page, f"{QUIZ}/{slug}")
        page.get_by_role("button", name="Start", exact=True).click()
    else:
        _goto(page, _post_start(page.context, slug)[0])
    page.wait_for_url(_url(f"{QUIZ}/{slug}/attempts/1"))
    page.get_by_role("group", name=re.compile(r"^Question 1 of \d+$")).wait_for()


def _submit_via_http(context: BrowserContext, slug: str) -> str:
    """Start an attempt and submit it with every choice question answered with its first
    option, by posting the real forms from ``context``; return the review's URL."""
    url, html = _post_start(context, slug)
    form = dict.fromkeys(re.findall(r'type="(?:radio|checkbox)" name="(q\d+)"', html), "0")
    form |= {"csrf_token": _CSRF.search(html)[1], "action": "confirm"}  # type: ignore[index]
    review = context.request.post(url, form=form)
    assert review.ok and review.url.endswith("/review"), (review.status, review.url)
    return review.url


def _learner_submits_the_final(new_context: Callable[..., BrowserContext]) -> None:
    """A fresh learner (in a context of their own) submits an attempt at the final assessment:
    something for the statistics to show."""
    ctx = new_context()
    register_via_http(ctx, new_learner_details())
    _submit_via_http(ctx, "final")
    ctx.close()


# --------------------------------------------------------------------------- page set-ups


def open_overview(page: Page) -> None:
    """The final assessment's overview, before any attempt."""
    from playwright.sync_api import expect

    _goto(page, QUIZ)
    expect(page.get_by_role("heading", level=1)).to_have_text(_quiz("final").title)
    expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Your attempts")).to_have_count(0)
    expect(page.get_by_text(f"Attempts left: {_quiz('final').settings.attempts}")).to_be_visible()


def open_overview_with_history(page: Page) -> None:
    """A knowledge check's overview after one submitted attempt: grade and history table."""
    from playwright.sync_api import expect

    _submit_via_http(page.context, CHECK_TEXT)
    _goto(page, f"{QUIZ}/{CHECK_TEXT}")
    history = page.get_by_role("region", name="Your attempts")
    expect(history.get_by_role("row")).to_have_count(2)
    expect(history.get_by_role("link", name="Review attempt 1")).to_be_visible()
    expect(page.get_by_role("button", name="Start attempt 2")).to_be_visible()
    expect(page.locator(".grade")).to_contain_text(re.compile(r"^Your grade: [\d.]+%"))


def open_take_final(page: Page) -> None:
    """The final assessment: questions drawn from the pools (most draws include selects)."""
    from playwright.sync_api import expect

    _start(page, "final")
    n = _count("final")
    expect(page.get_by_role("group", name=re.compile(rf"^Question \d+ of {n}$"))).to_have_count(n)


def open_take_confirm(page: Page) -> None:
    """A knowledge check (a text input among radios) submitted with one answer of four."""
    from playwright.sync_api import expect

    _start(page, CHECK_TEXT)
    n = _count(CHECK_TEXT)
    expect(page.get_by_role("group", name=re.compile(rf"^Question \d+ of {n}$"))).to_have_count(n)
    page.get_by_role("textbox", name="Your answer").fill("a guess")
    page.get_by_role("button", name="Submit answers").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"{n - 1} questions have no answer")
    expect(page).to_have_url(_url(f"{QUIZ}/{CHECK_TEXT}/attempts/1"))
    expect(page.get_by_role("textbox", name="Your answer")).to_have_value("a guess")
    expect(page.get_by_role("button", name="Submit now")).to_be_visible()
    expect(page.get_by_role("button", name="Submit answers")).to_have_count(0)


def open_review(page: Page) -> None:
    from playwright.sync_api import expect

    _goto(page, _submit_via_http(page.context, CHECK_BOXES))
    expect(page.get_by_role("heading", level=1)).to_contain_text("attempt 1")
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Your score: [\d.]+%"))
    expect(page.get_by_role("heading", name="Explanation")).to_have_count(_count(CHECK_BOXES))
    expect(page.locator(".badge")).to_have_count(_count(CHECK_BOXES))
    expect(page.locator(".option-feedback").first).to_be_visible()
    expect(page.get_by_text("(correct answer)").first).to_be_visible()


def open_statistics(page: Page) -> None:
    from playwright.sync_api import expect

    _goto(page, STATISTICS)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Statistics: {_quiz('final').title}")
    table = page.get_by_role("table", name="Per-question statistics")
    expect(table.get_by_role("row").nth(1)).to_be_visible()
    expect(page.get_by_text("No attempts have been submitted yet.")).to_have_count(0)
    page.locator("details.distractors summary").first.click()  # axe checks the opened table


def open_statistics_forbidden(page: Page) -> None:
    from playwright.sync_api import expect

    _goto(page, STATISTICS, status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")


def _assert_reflows(page: Page, label: str) -> None:
    """Reflow (1.4.10, which axe does not check): nothing scrolls sideways at 320 CSS px."""
    page.set_viewport_size(NARROWEST)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{label} scrolls sideways by {overflow}px at 320px wide"


@dataclass(frozen=True)
class Target:
    #: "learner" (a fresh account), "officer" (the shared demo learner, for pages that only
    #: read) or "overseer" (the demo overseer, signed in here)
    who: str
    open: Callable[[Page], None]
    phone: bool = False  # check at a phone's width too
    #: Run first, with ``new_context``: state the page needs from someone else.
    before: Callable[[Callable[..., BrowserContext]], None] | None = None


PAGES: dict[str, Target] = {
    "quiz-overview": Target("learner", open_overview),
    "quiz-overview-history": Target("learner", open_overview_with_history),
    "quiz-take-final": Target("learner", open_take_final, phone=True),
    "quiz-take-confirm": Target("learner", open_take_confirm, phone=True),
    "quiz-review": Target("learner", open_review),
    "quiz-statistics": Target("overseer", open_statistics, before=_learner_submits_the_final),
    "quiz-statistics-forbidden": Target("officer", open_statistics_forbidden),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_quiz_page_has_no_axe_violations(
    name: str,
    request: pytest.FixtureRequest,
    page: Page,
    console: ConsoleLog,
    new_context: Callable[..., BrowserContext],
) -> None:
    target = PAGES[name]
    if target.before:
        target.before(new_context)
    if target.who == "overseer":
        login(page, *OVERSEER)
    else:
        request.getfixturevalue(target.who)  # signs ``page``'s context in
    target.open(page)

    assert_accessible(page, f"{name} at desktop width")
    if target.phone:
        page.set_viewport_size(MOBILE)
        assert_accessible(page, f"{name} at {MOBILE['width']}x{MOBILE['height']}")
    _assert_reflows(page, name)
    assert console.csp() == [], f"CSP violations on {name}: {console.csp()}"
    assert console.errors == [], console.errors


# --------------------------------------------------------------------------- keyboard only

#: What has focus, and whether it shows: an outline or a box shadow that is not "none".
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), type: e.type || "", name: e.name || "", value: e.value || "",
    text: e.textContent.trim(), selected: e.tagName === "SELECT" ? e.selectedIndex : -1,
    options: e.tagName === "SELECT" ? [...e.options].map(o => o.value) : [],
    group: e.type === "radio" ?
      [...e.form.querySelectorAll(`input[name="${e.name}"]`)].map(r => r.value) : [],
    visible: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
             || (s.boxShadow !== "none" && s.boxShadow !== ""),
    html: e.outerHTML.slice(0, 120),
  };
}"""


def _focused(page: Page) -> dict[str, Any]:
    """What has focus now; fail unless the focus is visible."""
    focused = page.evaluate(FOCUSED)
    if focused["tag"] != "body":
        assert focused["visible"], f"focus is not visible on {focused['html']}"
    return focused


def _press(page: Page, key: str, times: int = 1) -> dict[str, Any]:
    """Press ``key`` ``times`` times, checking the focus shows after each; return what has it."""
    focused = _focused(page) if times == 0 else {}
    for _ in range(times):
        page.keyboard.press(key)
        focused = _focused(page)
    return focused


def _tab_to_button(page: Page, name: str, limit: int = 40) -> None:
    for _ in range(limit):
        focused = _press(page, "Tab")
        if focused["tag"] == "button" and focused["text"] == name:
            return
    pytest.fail(f"Tab never reached the “{name}” button")


def _answer_by_keyboard(page: Page, answers: dict[str, set[str] | str], submit: str) -> None:
    """Tab through the form from where the focus is, answering as ``answers`` says with the
    keyboard alone, until the focus reaches the ``submit`` button."""
    done: set[str] = set()
    for _ in range(120):
        focused = _press(page, "Tab")
        name, kind = focused["name"], focused["type"]
        if focused["tag"] == "button" and focused["text"] == submit:
            break
        if name not in answers:
            continue
        wanted = answers[name]
        if kind == "radio" and name not in done:
            # Space checks the radio Tab landed on; each arrow moves to the next and checks it.
            assert isinstance(wanted, set)
            group, target = focused["group"], next(iter(wanted))
            steps = (group.index(target) - group.index(focused["value"])) % len(group)
            _press(page, "Space")
            focused = _press(page, "ArrowDown", steps)
            assert (focused["name"], focused["value"]) == (name, target), focused
        elif kind == "checkbox" and isinstance(wanted, set) and focused["value"] in wanted:
            _press(page, "Space")
        elif kind == "text" and isinstance(wanted, str):
            page.keyboard.type(wanted)
        elif focused["tag"] == "select" and isinstance(wanted, set):
            # A closed select takes the arrow keys directly (Windows and Linux behaviour).
            steps = focused["options"].index(next(iter(wanted))) - focused["selected"]
            assert steps > 0, focused
            _press(page, "ArrowDown", steps)
        done.add(name)
    else:
        pytest.fail(f"Tab never reached the “{submit}” button")
    missing = set(answers) - done
    assert not missing, f"Tab never reached {sorted(missing)}"
    for name, wanted in answers.items():
        control = page.locator(f"form.quiz [name='{name}']")
        if isinstance(wanted, str):
            assert control.input_value() == wanted
        elif control.first.evaluate("e => e.tagName") == "SELECT":
            assert {control.input_value()} == wanted, name
        else:
            checked = control.evaluate_all("cs => cs.filter(c => c.checked).map(c => c.value)")
            assert set(checked) == wanted, name


def _keyboard_check(page: Page, slug: str, submit_key: str) -> None:
    """Start a knowledge check, answer all of it rightly and submit it, by keyboard alone."""
    from playwright.sync_api import expect

    _goto(page, f"{QUIZ}/{slug}")
    _tab_to_button(page, "Start")
    page.keyboard.press("Enter")
    page.wait_for_url(_url(f"{QUIZ}/{slug}/attempts/1"))
    page.get_by_role("group", name=f"Question 1 of {_count(slug)}").wait_for()
    _answer_by_keyboard(page, _right_answers(_shown(page, slug)), submit="Submit answers")
    page.keyboard.press(submit_key)
    page.wait_for_url(_url(f"{QUIZ}/{slug}/attempts/1/review"))
    expect(page.get_by_role("status")).to_contain_text("Your score: 100%")
    expect(page.get_by_role("status")).to_contain_text("You passed")
    expect(page.locator(".badge-correct")).to_have_count(_count(slug))


def test_keyboard_only_through_two_knowledge_checks(page: Page, learner: Learner) -> None:
    # Radios (Space and arrows) and a text input; submit with Enter.
    _keyboard_check(page, CHECK_TEXT, submit_key="Enter")
    # Radios and checkboxes (Space on each one to tick); submit with Space.
    _keyboard_check(page, CHECK_BOXES, submit_key="Space")


def test_keyboard_only_selects_in_the_final_assessment_then_its_review(
    new_context: Callable[..., BrowserContext],
) -> None:
    """Matching and ordering questions (selects) are only in the final assessment's pools, so
    each try is a fresh learner whose draw may lack them (about 1 in 11): try again if so.
    Save by keyboard; then submit, and check the review (with its tables of matches)."""
    from playwright.sync_api import expect

    for _ in range(8):
        ctx = new_context()
        register_via_http(ctx, new_learner_details())
        page = ctx.new_page()
        _start(page, "final")
        if page.locator("form.quiz select").count():
            break
        ctx.close()
    else:
        pytest.fail("8 draws of the final assessment in a row had no matching or ordering")

    shown = _shown(page, "final")
    selects = {c["name"] for item in shown for c in item.controls if c["tag"] == "select"}
    answers = {name: a for name, a in _right_answers(shown).items() if name in selects}
    # Tab from the top of the page through every question, choosing in the selects only.
    _answer_by_keyboard(page, answers, submit="Save and continue later")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your answers are saved.")
    for name, wanted in answers.items():
        expect(page.locator(f"select[name='{name}']")).to_have_value(next(iter(wanted)))

    # Only the selects are answered, so submitting asks to confirm. Tables of matches on the
    # review must scroll on their own at 320px, not the page.
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("button", name="Submit now").click()
    page.wait_for_url(_url(f"{QUIZ}/final/attempts/1/review"))
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Your score: \d"))
    assert_accessible(page, "the final assessment's review at desktop width")
    _assert_reflows(page, "the final assessment's review")


# --------------------------------------------------------------------------- without JavaScript


def test_a_knowledge_check_works_without_javascript(
    new_context: Callable[..., BrowserContext],
) -> None:
    from playwright.sync_api import expect

    ctx = new_context(java_script_enabled=False)
    register_via_http(ctx, new_learner_details())
    page = ctx.new_page()
    _start(page, CHECK_BOXES, by_click=True)

    answers = _right_answers(_shown(page, CHECK_BOXES))
    last = list(answers)[-1]
    _answer_by_clicking(page, {k: v for k, v in answers.items() if k != last})
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("alert")).to_contain_text("1 question has no answer")
    # The answers so far are still chosen; answer the last one too, then "Submit now".
    _answer_by_clicking(page, {last: answers[last]})
    page.get_by_role("button", name="Submit now").click()
    page.wait_for_url(_url(f"{QUIZ}/{CHECK_BOXES}/attempts/1/review"))
    expect(page.get_by_role("status")).to_contain_text("Your score: 100%")
    expect(page.get_by_role("heading", name="Explanation")).to_have_count(_count(CHECK_BOXES))


# --------------------------------------------------------------------------- no answer leaks


def _telling_parts(text: str) -> list[str]:
    """The text and each of its sentences: those long enough to be telling (not "Correct.")."""
    plain = _plain(text)
    parts = [plain, *re.split(r"(?<=[.!?:;])\s+", plain)]
    return [part for part in dict.fromkeys(parts) if len(part) >= 25]


def test_the_take_page_gives_no_answer_away(page: Page, learner: Learner) -> None:
    import html

    for slug in QUIZZES:
        _start(page, slug)
        shown = _shown(page, slug)
        # The whole document but the site's header and footer (whose support text, "In an
        # emergency, call 911.", an explanation may repeat): as HTML, attribute values and
        # all, and as text with the tags taken out.
        source = page.evaluate(
            """() => { const copy = document.documentElement.cloneNode(true);
                       copy.querySelectorAll(".site-header, .site-footer").forEach(e => e.remove());
                       return copy.outerHTML; }"""
        )
        haystacks = (
            _plain(html.unescape(source)),
            _plain(html.unescape(re.sub("<[^>]+>", " ", source))),
        )
        for item in shown:
            q = item.question
            secrets = [q.feedback]
            secrets += [c.feedback for c in q.choices]
            secrets += [a.feedback for a in (*q.answers, *q.numbers)]
            for secret in filter(None, secrets):
                for needle in _telling_parts(secret):
                    for haystack in haystacks:
                        assert needle not in haystack, f"{slug}, {q.id}: {needle!r} is in the page"
            for control in item.controls:
                if control["type"] in ("radio", "checkbox"):
                    assert re.fullmatch(r"\d{1,2}", control["value"]), control
                elif control["tag"] == "select":
                    values = [o["value"] for o in control["options"]]
                    assert values[0] == "" and all(re.fullmatch(r"\d{1,2}", v) for v in values[1:])
                else:
                    assert control["value"] == "", control
        data = page.evaluate(
            """() => [...document.querySelectorAll("form.quiz, form.quiz *")].flatMap(
                 e => [...e.attributes].map(a => a.name).filter(n => n.startsWith("data-")))"""
        )
        assert data == [], f"{slug}: data attributes in the quiz form: {data}"
        hidden = page.locator("form.quiz input[type=hidden]")
        assert hidden.evaluate_all("hs => hs.map(h => h.name)") == ["csrf_token"]
        assert len(shown) == _count(slug)


# --------------------------------------------------------------------------- save and resume


def test_save_then_continue_the_attempt_from_the_overview(page: Page, learner: Learner) -> None:
    from playwright.sync_api import expect

    _start(page, CHECK_TEXT)
    answers = _right_answers(_shown(page, CHECK_TEXT))
    text_name = next(n for n, a in answers.items() if isinstance(a, str))
    radio_name = next(n for n, a in answers.items() if not isinstance(a, str))
    radio_value, typed = next(iter(answers[radio_name])), str(answers[text_name])
    page.locator(f"[name='{radio_name}'][value='{radio_value}']").check()
    page.locator(f"[name='{text_name}']").fill(typed)
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers are saved.")

    # Away to the catalogue, then back through the course page and the quiz's overview.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My courses").click()
    page.wait_for_url(_url("/courses"))
    _goto(page, FOUNDATIONS)
    title = _quiz(CHECK_TEXT).title
    quizzes = page.get_by_role("region", name="Assessments")
    expect(quizzes.locator(".quiz-item").filter(has_text=title)).to_contain_text("In progress")
    quizzes.get_by_role("link", name=title, exact=True).click()
    page.wait_for_url(_url(f"{QUIZ}/{CHECK_TEXT}"))
    expect(page.get_by_role("region", name="Your attempts")).to_contain_text("In progress")
    page.get_by_role("link", name="Continue attempt 1").click()
    page.wait_for_url(_url(f"{QUIZ}/{CHECK_TEXT}/attempts/1"))

    expect(page.locator(f"[name='{radio_name}'][value='{radio_value}']")).to_be_checked()
    checked = page.locator(f"[name='{radio_name}']:checked")
    expect(checked).to_have_count(1)
    expect(page.locator(f"[name='{text_name}']")).to_have_value(typed)
    others = page.locator(f"form.quiz input[type=radio]:not([name='{radio_name}']):checked")
    expect(others).to_have_count(0)
