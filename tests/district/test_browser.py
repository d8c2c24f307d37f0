"""The district pages in real headless Chromium: htmx swaps and the 375px phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.district.models import ActivityBlock, TravelTime
from tests.browser.fixtures import page_width, screenshot, sign_in
from tests.factories import World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    return make_world()


def test_teacher_edits_a_block_from_the_grid(
    page: Page,
    browser_world: World,
) -> None:
    world = browser_world
    sign_in(page, world.teacher)
    page.goto(f"{reverse('district:timetable', args=[world.classroom.pk])}?week=2026-11-16")
    page.locator(".week a.item", has_text="Writing").click()
    editor = page.locator("#block-editor form").first
    expect(editor).to_be_visible()
    editor.locator("input[name=end]").fill("10:15")  # runs into nothing: fine
    editor.locator("select[name=teacher_preference]").select_option("good")
    editor.get_by_role("button", name="Save").click()
    expect(page.locator("#timetable-body .notice")).to_contain_text("Saved Monday 09:00-10:15")
    expect(page.locator(".week .act-writing.pref-good")).to_be_visible()
    block = ActivityBlock.objects.get(classroom=world.classroom, day="mon")
    assert (block.end, block.teacher_preference) == (dt.time(10, 15), "good")
    # An overlap is refused in place, naming the clashing block.
    page.locator(".week a.item", has_text="Writing").click()
    editor = page.locator("#block-editor form").first
    editor.locator("select[name=day]").select_option("thu")
    editor.get_by_role("button", name="Save").click()
    expect(page.locator("#block-editor")).to_contain_text("Thursday 10:00-10:45 Literacy centers")
    screenshot(page, "district-timetable-overlap")


def test_admin_edits_a_travel_time_and_the_mirror_cell_follows(
    page: Page,
    browser_world: World,
) -> None:
    world = browser_world
    sign_in(page, world.admin)
    page.goto("/district/schools/")
    a, b = world.school.pk, world.other_school.pk
    cell = page.locator(f"#cell-{b}-{a} input[name=minutes]")
    cell.fill("22")
    cell.dispatch_event("change")
    expect(page.locator(f"#cell-{b}-{a}")).to_contain_text("saved")
    expect(page.locator(f"#cell-{a}-{b} input[name=minutes]")).to_have_value("22")
    assert TravelTime.objects.get().minutes == 22
    screenshot(page, "district-schools")


def test_district_pages_fit_a_phone(
    phone_page: Page,
    browser_world: World,
) -> None:
    world = browser_world
    sign_in(phone_page, world.provider.user)
    phone_page.goto(f"{reverse('district:timetable', args=[world.classroom.pk])}?week=2026-11-16")
    expect(phone_page.locator(".week")).to_be_visible()
    scrolls = phone_page.evaluate(
        "(() => { const w = document.querySelector('.week-wrap');"
        " return w.scrollWidth > w.clientWidth; })()"
    )
    assert scrolls, "the week grid should scroll inside its wrapper on a phone"
    widths = {"timetable": page_width(phone_page)}
    screenshot(phone_page, "district-timetable-phone")
    phone_page.goto(reverse("district:availability", args=[world.provider.pk]))
    form = phone_page.locator("form", has=phone_page.locator("input[value=window_add]"))
    form.locator("select[name=day]").select_option("tue")
    form.locator("input[name=start]").fill("08:00")
    form.locator("input[name=end]").fill("12:00")
    form.get_by_role("button", name="Add window").click()
    expect(phone_page.locator("#availability-body .notice")).to_contain_text("Tuesday 08:00-12:00")
    expect(phone_page.locator(".week .avail")).to_have_count(1)
    screenshot(phone_page, "district-availability-phone")
    widths["availability"] = page_width(phone_page)
    phone_page.context.clear_cookies()
    sign_in(phone_page, world.admin)
    for name, path in (("settings", "/district/settings/"), ("dashboard", "/district/")):
        phone_page.goto(path)
        widths[name] = page_width(phone_page)
        screenshot(phone_page, f"district-{name}-phone")
    # The page itself never scrolls sideways at 375px; only the week grid does.
    assert all(width <= 376 for width in widths.values()), widths
