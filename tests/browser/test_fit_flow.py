"""Fit visible everywhere (issue 11), in a real browser: the plan page names the goal each
placement serves and its fit, a move to a poorer fit warns, and Today and the teacher's
visits name the goal; on a desktop and on a 375 px phone (no sideways scrolling)."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pushin.district.models import ActivityBlock
from pushin.planning.models import ScheduledSession, StandingSchedule
from pushin.planning.services import plan_run_create
from pushin.vocabulary import Activity, Weekday
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fit_world(plan_world: World) -> World:
    world = plan_world
    # Tuesday's math fits the handwriting goal at 0.5 only: still a legal move.
    ActivityBlock.objects.create(
        classroom=world.classroom,
        day=Weekday.TUE,
        start=dt.time(13),
        end=dt.time(14),
        activity=Activity.MATH,
    )
    return world


def _no_sideways_scroll(page: Page, width: int) -> None:
    with suppress(PlaywrightTimeoutError):
        page.wait_for_function(f"document.documentElement.scrollWidth <= {width + 1}", timeout=3000)
    assert_fits(page, width=width)


def _flow(page: Page, world: World, label: str, width: int) -> None:
    run = plan_run_create(
        user=world.provider.user, district=world.district, providers=[world.provider]
    )
    sign_in(page, world.provider.user)

    # The plan page: a fit summary, and each placement with its goal and fit.
    page.goto(reverse("planning:run", args=[run.pk]))
    expect(page.locator("[data-fit-summary]")).to_contain_text("fit 1.0: 30 min")
    placements = page.locator(".placements-table")
    expect(placements).to_contain_text("Writing")
    expect(placements).to_contain_text("Handwriting, fit 1.0")
    expect(placements).to_contain_text("Handwriting, fit 0.6")  # Thursday's literacy centers
    expect(page.locator(".week").first).to_contain_text("Handwriting 1.0")
    _no_sideways_scroll(page, width)
    screenshot(page, f"fit-plan-{label}")

    page.get_by_role("button", name="Accept as the standing schedule").click()
    expect(page.locator("body")).to_contain_text("Handwriting, fit 1.0")
    schedule = StandingSchedule.objects.get(provider=world.provider, active=True)
    monday = ScheduledSession.objects.get(schedule=schedule, day="mon")

    # The move form lists the free blocks that fit, best first, with fit and travel.
    page.goto(reverse("planning:session_move", args=[monday.pk]))
    options = page.locator("select[name=block] option")
    expect(options.first).to_contain_text("fit 1.0")
    expect(options.last).to_contain_text("Math · fit 0.5 (Handwriting)")
    expect(page.locator("select[name=block]")).not_to_contain_text("Lunch")
    _no_sideways_scroll(page, width)
    screenshot(page, f"fit-move-form-{label}")

    # A move to a poorer fit is made, with a warning naming the goal and both fits.
    page.select_option("select[name=block]", value=options.last.get_attribute("value"))
    page.fill("input[name=start]", "13:00")
    page.get_by_role("button", name="Move").click()
    expect(page.locator("body")).to_contain_text(
        "Handwriting fits Math at 0.5; it fits Writing at 1.0."
    )
    expect(page.locator("body")).to_contain_text("Handwriting, fit 0.5")
    _no_sideways_scroll(page, width)
    screenshot(page, f"fit-move-warned-{label}")

    # Today (the provider's day: Thursday's session is stored ahead).
    page.goto(f"{reverse('sessions:today')}?date=2026-12-03")
    expect(page.locator(".serve").first).to_contain_text("Handwriting, fit 0.6")
    _no_sideways_scroll(page, width)
    screenshot(page, f"fit-today-{label}")

    # The teacher's visits: their own student, with the goal's domain (no fit, no text).
    page.context.clear_cookies()
    sign_in(page, world.teacher)
    page.goto(
        f"{reverse('collaboration:portal', args=[world.classroom.pk])}?week=2026-11-30#visits"
    )
    expect(page.locator("table.visits")).to_contain_text(f"{world.student.full_name}: Handwriting")
    _no_sideways_scroll(page, width)
    screenshot(page, f"fit-teacher-visits-{label}")


def test_fit_on_a_desktop(page: Page, fit_world: World) -> None:
    _flow(page, fit_world, "desktop", 1280)


def test_fit_on_a_phone(phone_page: Page, fit_world: World) -> None:
    _flow(phone_page, fit_world, "phone", 375)
