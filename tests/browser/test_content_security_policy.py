"""The Content-Security-Policy in a real browser: Today and the session page load with no
violation reported, htmx still swaps fragments, and the static duration timer still runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from pushin.caseload.models import Goal, Method
from pushin.sessions.models import DataPoint, SessionStudent
from tests.browser.fixtures import sign_in
from tests.factories import make_world
from tests.sessions.factories import MONDAY, add_student, dated_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page sees, from its first script on (an init script runs before any
# of the page's own and is not itself subject to the page's policy).
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(page: Page) -> tuple[Page, list[str]]:
    console: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            console.append(message.text)

    page.on("console", keep)
    page.add_init_script(WATCH_VIOLATIONS)
    return page, console


def _violations(page: Page, console: list[str]) -> list[str]:
    seen = list(page.evaluate("window.__cspViolations"))
    seen += [text for text in console if "Content Security Policy" in text]
    return seen


def test_today_and_the_session_page_run_under_the_policy(
    watched: tuple[Page, list[str]], transactional_db: None
) -> None:
    page, console = watched
    world = make_world()
    timed = add_student(world, method=Method.DURATION)
    session = dated_session(world, [world.student, timed])
    Goal.objects.filter(iep__student=world.student).update(method=Method.PERCENT_TRIALS)
    sign_in(page, world.provider.user)

    response = page.goto(f"/sessions/?date={MONDAY:%Y-%m-%d}")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".session-card")).to_have_count(1)
    assert page.evaluate("typeof window.htmx") == "object"
    assert _violations(page, console) == []

    page.get_by_role("link", name="Open session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("09:00")
    record = SessionStudent.objects.get(session=session, student=world.student)
    card = page.locator(f"#record-{record.pk}")

    # htmx: one tap posts and swaps the student's card in place.
    card.get_by_role("button", name="✓ correct").click()
    expect(card.locator(".tally")).to_have_text("1/1 = 100%")
    assert DataPoint.objects.filter(record=record).count() == 1
    expect(page.locator("#session-status")).to_have_text("Logged")  # an out-of-band swap

    # The duration timer is a static script now: it still starts, stops and posts.
    timed_record = SessionStudent.objects.get(session=session, student=timed)
    timer = page.locator(f"#record-{timed_record.pk} [data-timer]")
    timer.click()
    expect(timer).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(1100)
    timer.click()
    expect(page.locator(f"#record-{timed_record.pk} .tally")).to_contain_text("Last: ")
    assert DataPoint.objects.filter(record=timed_record, kind="duration").count() == 1

    assert _violations(page, console) == []


def test_an_inline_script_would_be_refused(
    watched: tuple[Page, list[str]], transactional_db: None
) -> None:
    """The watch above sees violations: an injected inline script is blocked and reported."""
    page, console = watched
    world = make_world()
    sign_in(page, world.provider.user)
    page.goto("/sessions/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__injected = true;";
          document.body.appendChild(script);
        }"""
    )
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src" in v for v in _violations(page, console))
