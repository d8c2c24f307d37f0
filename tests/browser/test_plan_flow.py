"""Plan a week in a real browser: run the solver, see the grid, accept, move a session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.district.models import ActivityBlock
from pushin.planning.models import ScheduledSession, StandingSchedule
from pushin.vocabulary import Activity, Weekday
from tests.browser.fixtures import screenshot, sign_in
from tests.factories import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_accept_and_move_a_session(page: Page, plan_world: World) -> None:
    world = plan_world
    sign_in(page, world.provider.user)
    page.goto(reverse("planning:provider", args=[world.provider.pk]))
    page.get_by_role("button", name="Plan the week").click()
    expect(page.get_by_role("heading", name="Totals")).to_be_visible(timeout=20_000)
    grid = page.locator(".week").first
    expect(grid).to_contain_text(world.student.initials)
    screenshot(page, "plan-result")

    page.get_by_role("button", name="Accept as the standing schedule").click()
    schedule = StandingSchedule.objects.get(provider=world.provider, active=True)
    monday = ScheduledSession.objects.get(schedule=schedule, day="mon")
    assert dt.time(9) <= monday.start, "inside Monday's writing block"
    assert monday.end <= dt.time(9, 45), "inside Monday's writing block"

    # A move that breaks a rule (a second session on Thursday for the same student) is
    # refused. The form offers only free blocks that fit the goal: Thursday's math (added
    # after the plan was accepted) is one.
    ActivityBlock.objects.create(
        classroom=world.classroom,
        day=Weekday.THU,
        start=dt.time(13),
        end=dt.time(13, 45),
        activity=Activity.MATH,
    )
    page.goto(reverse("planning:session_move", args=[monday.pk]))
    thursday_block = page.locator("select[name=block] option", has_text="Thursday")
    page.select_option("select[name=block]", value=thursday_block.get_attribute("value"))
    page.fill("input[name=start]", "13:00")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_role("alert")).to_contain_text("Not moved")
    screenshot(page, "plan-move-refused")
    monday.refresh_from_db()
    assert monday.day == "mon"

    # A move to another start inside the writing block is checked and saved.
    target = dt.time(9, 15) if monday.start == dt.time(9) else dt.time(9)
    writing_block = page.locator("select[name=block] option", has_text="Monday")
    page.select_option("select[name=block]", value=writing_block.get_attribute("value"))
    page.fill("input[name=start]", target.strftime("%H:%M"))
    page.get_by_role("button", name="Move").click()
    expect(page.locator("body")).to_contain_text(target.strftime("%H:%M"))
    monday.refresh_from_db()
    assert (monday.day, monday.start) == ("mon", target)
    assert monday.end == dt.time(target.hour, target.minute + 30)
    screenshot(page, "plan-standing-schedule")
