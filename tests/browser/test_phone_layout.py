"""The app on a 390x844 phone: every page of the main menu is reachable (Notifications
included, the rest behind "More"), and the plan run page does not scroll sideways."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.fixtures import page_width, screenshot, sign_in
from tests.collaboration.portal_helpers import MONDAY, week_of_visits
from tests.collaboration.strategy_helpers import chosen
from tests.factories import World, make_student, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone_390(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE_390,
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _no_sideways_scroll(page: Page) -> None:
    scroll, width = page_width(page), page.evaluate("window.innerWidth")
    assert scroll <= width, f"the page scrolls sideways: {scroll}px in {width}px"


def _on_screen(page: Page, selector: str) -> None:
    """Visible and inside the viewport's width (not scrolled out of a sideways strip)."""
    target = page.locator(selector)
    expect(target).to_be_visible()
    box = target.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= PHONE_390["width"], box


def test_the_provider_menu_reaches_every_page_on_a_phone(phone_390: Page) -> None:
    world = make_world()
    page = phone_390
    sign_in(page, world.provider.user)
    page.goto(reverse("sessions:today"))
    _on_screen(page, ".mainnav .nav-notifications")
    _no_sideways_scroll(page)
    screenshot(page, "nav-phone-390")

    # The rest of the menu opens in place, without scrolling sideways.
    page.locator(".nav-more > summary").tap()
    _on_screen(page, ".nav-more a:has-text('Import past minutes')")
    _no_sideways_scroll(page)
    screenshot(page, "nav-phone-390-more")
    page.locator(".nav-more a", has_text="Strategies").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strateg")

    page.locator(".mainnav .nav-notifications").tap()
    expect(page).to_have_url(re.compile(re.escape(reverse("collaboration:notifications")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notifications")


def test_the_plan_run_page_fits_a_phone(phone_390: Page, plan_world: World) -> None:
    world, page = plan_world, phone_390
    # More students than the room's blocks hold: the page lists shortfalls and their reasons.
    for number in range(3, 13):
        make_student(ref=f"S-{number:04d}", classroom=world.classroom, provider=world.provider)
    sign_in(page, world.provider.user)
    page.goto(reverse("planning:provider", args=[world.provider.pk]))
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Plan the week").tap()
    expect(page.get_by_role("heading", name="Totals")).to_be_visible(timeout=20_000)
    expect(page.locator(".week").first).to_contain_text(world.student.initials)
    screenshot(page, "plan-result-phone-390")
    expect(page.locator(".shortfalls > li").first).to_be_visible()
    _no_sideways_scroll(page)
    _on_screen(page, "button:has-text('Accept as the standing schedule')")


def _every_menu_link_on_screen(page: Page, width: int) -> int:
    """Opens "More" if there is one; every link of the menu is then visible and inside the
    screen's width. Returns how many links the menu has."""
    more = page.locator(".nav-more > summary")
    if more.count():
        expect(more).to_be_visible()
        more.tap()
    links = page.locator(".mainnav a")
    for index in range(links.count()):
        link = links.nth(index)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0, (link.inner_text(), box)
        assert box["x"] + box["width"] <= width, (link.inner_text(), box)
        assert box["height"] >= 20, (link.inner_text(), box)  # a target a finger can hit
    _no_sideways_scroll(page)
    return links.count()


@pytest.mark.parametrize("who", ["provider", "admin"])
def test_every_menu_link_is_on_screen_at_375(phone_page: Page, who: str) -> None:
    world = make_world()
    page = phone_page
    sign_in(page, world.provider.user if who == "provider" else world.admin)
    count = _every_menu_link_on_screen(page, 375)
    screenshot(page, f"nav-phone-375-{who}-more")
    assert count >= (14 if who == "provider" else 15), count


def test_the_teacher_portal_sections_are_reached_from_the_top_on_a_phone(
    phone_page: Page,
) -> None:
    world = make_world()
    week_of_visits(world)
    chosen(world, "Raised-line paper", notes="Use for journal writing")
    chosen(world, "Wiggle cushion")
    make_student(ref="S-0009", classroom=world.classroom, provider=world.provider)
    page = phone_page
    sign_in(page, world.teacher)
    page.goto(
        f"{reverse('collaboration:portal', args=[world.classroom.pk])}?week={MONDAY:%Y-%m-%d}"
    )
    bar = page.get_by_role("navigation", name="Sections of this page")
    expect(bar.get_by_role("link")).to_have_text(
        ["Visits", "Strategies", "Follow-ups", "Lessons", "Watch list", "Report a change"]
    )
    _no_sideways_scroll(page)
    screenshot(page, "teacher-portal-phone-375")

    # Each section from the bar, which stays on screen while the page scrolls.
    for name, heading in (("Report a change", "Report a change"), ("Visits", "Visits")):
        bar.get_by_role("link", name=name).tap()
        expect(page.get_by_role("heading", level=2, name=re.compile(heading))).to_be_in_viewport()
        box = bar.bounding_box()
        assert box is not None
        assert 0 <= box["y"] < 5, box

    # Each student folds: the names are the list, a tap shows that student's strategies.
    bar.get_by_role("link", name="Strategies").tap()
    student = page.locator(f"#student-{world.student.pk}")
    expect(student.get_by_text("Raised-line paper", exact=True)).to_be_hidden()
    student.locator("summary").tap()
    expect(student.get_by_text("Raised-line paper", exact=True)).to_be_visible()
    expect(student.locator("summary")).to_contain_text("2 strategies")
    _no_sideways_scroll(page)
    screenshot(page, "teacher-portal-phone-375-student")


def test_the_week_grid_says_it_scrolls_only_where_it_does(phone_page: Page, page: Page) -> None:
    world = make_world()
    url = reverse("district:availability", args=[world.provider.pk])
    for screen, hint_shown in ((phone_page, True), (page, False)):
        sign_in(screen, world.provider.user)
        screen.goto(url)
        hint = screen.locator(".scroll-hint")
        grid = screen.locator(".week-wrap")
        scrolls = grid.evaluate("e => e.scrollWidth > e.clientWidth")
        assert scrolls is hint_shown
        if hint_shown:
            expect(hint).to_be_visible()
            _no_sideways_scroll(screen)
        else:
            expect(hint).to_be_hidden()
    screenshot(phone_page, "availability-phone-375")


def test_the_caseload_is_a_card_a_student_on_a_phone(phone_page: Page, page: Page) -> None:
    world = make_world()
    make_student(ref="S-0009", classroom=world.classroom, provider=world.provider)
    for screen, row_display in ((phone_page, "block"), (page, "table-row")):
        sign_in(screen, world.provider.user)
        screen.goto(reverse("caseload:list"))
        row = screen.locator("table.caseload tbody tr").first
        expect(row).to_contain_text(world.student.full_name)
        assert row.evaluate("e => getComputedStyle(e).display") == row_display
        grade = row.locator("td[data-label='Grade']")
        label = grade.evaluate("e => getComputedStyle(e, '::before').content")
        assert label == ('"Grade: "' if row_display == "block" else "none"), label
    _no_sideways_scroll(phone_page)
    screenshot(phone_page, "caseload-phone-375")
