"""The teacher and para in a real browser: the teacher reports Thursday's test in the portal
and the provider then finds the flagged session; the para logs a strategy in two taps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from pushin.collaboration.models import Notification, StrategyUse
from pushin.district.models import TimetableException
from pushin.vocabulary import Comfort
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.collaboration.portal_helpers import MONDAY, THURSDAY, week_of_visits
from tests.collaboration.strategy_helpers import chosen
from tests.factories import World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def class_world(transactional_db: None) -> World:
    world = make_world()
    week_of_visits(world)
    chosen(world, "Raised-line paper", notes="Use for journal writing")
    chosen(world, "Wiggle cushion")
    world.student.comfort = Comfort.SMALL_GROUP
    world.student.save()
    return world


def test_teacher_reports_a_test_and_the_provider_sees_the_flag(
    page: Page, class_world: World
) -> None:
    world = class_world
    sign_in(page, world.teacher)
    expect(page.locator(".mainnav a").first).to_have_text("My classroom")
    page.locator(".mainnav a").first.click()
    page.goto(
        f"{reverse('collaboration:portal', args=[world.classroom.pk])}?week={MONDAY:%Y-%m-%d}"
    )
    expect(page.locator("table.visits")).to_contain_text("Thu Dec 3")
    expect(page.locator("#students")).to_be_visible()
    expect(page.locator("body")).to_contain_text("support as small-group help")

    form = page.locator("form.dated-change")
    form.locator("input[name=date]").fill(THURSDAY.isoformat())
    form.locator("input[name=start]").fill("10:00")
    form.locator("input[name=end]").fill("10:45")
    form.locator("select[name=kind]").select_option("activity")
    form.locator("select[name=activity]").select_option("test")
    form.locator("input[name=note]").fill("Unit 3 math test")
    form.get_by_role("button", name="Report this change").click()
    expect(page.locator(".messages")).to_contain_text("1 provider was notified")
    expect(page.locator("table.visits tr.changed")).to_contain_text("Test / assessment")
    exception = TimetableException.objects.get(classroom=world.classroom)
    assert (exception.date, exception.start, exception.activity) == (THURSDAY, dt.time(10), "test")
    screenshot(page, "teacher-portal-desktop")

    # The provider: a badge, the notification, then the flagged session on Thursday.
    page.context.clear_cookies()
    sign_in(page, world.provider.user)
    expect(page.locator(".nav-badge")).to_have_text("1")
    page.locator(".nav-notifications").click()
    note = page.locator(".notification").first
    expect(note).to_contain_text("Room 2A, Maple Elementary: Thu Dec 3 10:00-10:45 is Test")
    expect(note).not_to_contain_text(world.student.first_name)
    note.get_by_role("button", name="Open").click()
    expect(page.locator(".flag-list")).to_contain_text("Thu")
    assert Notification.objects.get().read_at is not None

    page.goto(f"/sessions/?date={THURSDAY:%Y-%m-%d}")
    flags = page.locator(".session-flags")
    expect(flags).to_have_count(1)
    expect(flags).to_contain_text("test")
    expect(flags).to_contain_text("Unit 3 math test")
    screenshot(page, "provider-today-flagged-desktop")
    page.goto(f"/sessions/?date={MONDAY:%Y-%m-%d}")
    expect(page.locator(".session-card")).to_have_count(1)
    expect(page.locator(".session-flags")).to_have_count(0)

    # The student's strategies on the student page, where the provider logs a use.
    page.goto(f"{reverse('caseload:student', args=[world.student.pk])}#carryover")
    panel = page.locator("#carryover")
    expect(panel).to_contain_text("Raised-line paper")
    panel.locator(".log-use summary").first.click()
    panel.locator("input[name=outcome][value=partly]").first.check()
    panel.get_by_role("button", name="Log").first.click()
    expect(page.locator("#carryover")).to_contain_text("Logged a use of Raised-line paper")
    expect(page.locator("#carryover table.uses").first).to_contain_text("Partly")
    screenshot(page, "provider-student-strategies-desktop")


def test_teacher_portal_and_para_two_taps_on_a_phone(phone_page: Page, class_world: World) -> None:
    world, page = class_world, phone_page
    sign_in(page, world.teacher)
    page.goto(
        f"{reverse('collaboration:portal', args=[world.classroom.pk])}?week={MONDAY:%Y-%m-%d}"
    )
    expect(page.locator(".portal-student")).to_contain_text("Raised-line paper")
    assert_fits(page, width=375)
    screenshot(page, "teacher-portal-phone")

    page.context.clear_cookies()
    sign_in(page, world.para)
    expect(page.locator(".mainnav a").first).to_have_text("Carryover")
    page.goto("/collaboration/carryover/")
    card = page.locator(".carryover-card", has_text="Wiggle cushion")
    card.get_by_text("Used today").tap()  # tap 1
    card.get_by_role("button", name="Worked").tap()  # tap 2
    expect(page.locator(".carryover-card", has_text="Wiggle cushion")).to_contain_text(
        "Logged today: Worked"
    )
    use = StrategyUse.objects.get()
    assert (use.used_by, use.outcome, use.used_on) == (world.para, "worked", timezone.localdate())
    assert_fits(page, width=375)
    screenshot(page, "para-carryover-phone")
