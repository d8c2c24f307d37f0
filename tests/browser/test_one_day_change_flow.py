"""A one-day change stays one day, on a phone (issue 9).

The teacher reports a test for next Thursday during the provider's session. The provider
finds the notification, re-plans that week only and applies it. That Thursday's session
moves (or, when no other time fits, is called off after the provider confirms the named
loss); the following week, this week and last week keep exactly the rows they had.

The clock stands on Monday 2026-12-07 07:30; the provider's standing schedule has been in
force since 2026-11-02 and the calendar stored the sessions ahead on Monday 2026-11-30, so
last week's sessions are past and unlogged.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from pushin.district.models import ActivityBlock, ExceptionKind, Provider, TimetableException
from pushin.district.services import timetable_exception_create
from pushin.planning.models import RunKind
from pushin.planning.selectors import schedule_flags_for
from pushin.planning.services import plan_run_create, week_plan_accept
from pushin.sessions.models import DatedSession
from pushin.sessions.selectors import session_flags
from pushin.vocabulary import Activity, MissReason, Weekday
from tests.browser.fixtures import assert_fits, planning_world, sign_in
from tests.factories import World
from tests.sessions.factories import (
    SCHOOL_TZ,
    standing_schedule,
    standing_session,
    stored_ahead,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLOCK = dt.datetime(2026, 12, 7, 7, 30, tzinfo=SCHOOL_TZ)  # a Monday morning
LAST_WEEK = dt.date(2026, 11, 30)
THIS_WEEK = dt.date(2026, 12, 7)
NEXT_WEEK = dt.date(2026, 12, 14)
TEST_DAY = dt.date(2026, 12, 17)  # next week's Thursday
FOLLOWING_WEEK = dt.date(2026, 12, 21)
SHOTS = Path(tempfile.gettempdir()) / "shots"  # outside the repository

Row = tuple[object, ...]


def _shot(page: Page, name: str) -> Path:
    """A full-page screenshot outside the repository, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"one-day-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _story_world(time_machine, settings, *, afternoon_block: bool) -> World:
    world = planning_world(settings)
    if afternoon_block:
        # Another fitting time on Thursdays: writing after lunch.
        ActivityBlock.objects.create(
            classroom=world.classroom,
            day=Weekday.THU,
            start=dt.time(13),
            end=dt.time(13, 45),
            activity=Activity.WRITING,
        )
    schedule = standing_schedule(world.provider, effective_from=dt.date(2026, 11, 2))
    for day, start in (("mon", dt.time(9)), ("thu", dt.time(10))):
        standing_session(
            schedule,
            classroom=world.classroom,
            day=day,
            start=start,
            end=dt.time(start.hour, 30),
            students=[world.student],
        )
    stored_ahead(world.provider, before=LAST_WEEK)
    time_machine.move_to(CLOCK, tick=True)
    return world


@pytest.fixture
def movable_world(transactional_db: None, settings, time_machine) -> World:
    return _story_world(time_machine, settings, afternoon_block=True)


@pytest.fixture
def stuck_world(transactional_db: None, settings, time_machine) -> World:
    return _story_world(time_machine, settings, afternoon_block=False)


def _rows(provider: Provider) -> dict[int, Row]:
    """Every dated session of the provider as the record keeps it."""
    return {
        s.pk: (
            s.date,
            s.start,
            s.end,
            s.classroom_id,
            s.status,
            s.is_override,
            s.cancel_reason,
            tuple(sorted((m.student_id, m.attendance) for m in s.members.all())),
        )
        for s in DatedSession.objects.filter(provider=provider).prefetch_related("members")
    }


def _teacher_reports_the_test(page: Page, world: World) -> None:
    sign_in(page, world.teacher)
    page.locator(".mainnav a", has_text="My classroom").click()
    expect(page.locator("form.dated-change")).to_be_visible()
    assert_fits(page, page.url, width=375)
    _shot(page, "1-teacher-portal")

    form = page.locator("form.dated-change")
    form.locator("input[name=date]").fill(TEST_DAY.isoformat())
    form.locator("input[name=start]").fill("10:00")
    form.locator("input[name=end]").fill("10:45")
    form.locator("select[name=kind]").select_option("activity")
    form.locator("select[name=activity]").select_option("test")
    form.locator("input[name=note]").fill("Unit 4 math test")
    form.get_by_role("button", name="Report this change").click()
    expect(page.locator(".messages")).to_contain_text("1 provider was notified")
    exception = TimetableException.objects.get(classroom=world.classroom)
    assert (exception.date, exception.start, exception.end) == (
        TEST_DAY,
        dt.time(10),
        dt.time(10, 45),
    )
    assert_fits(page, page.url, width=375)
    _shot(page, "2-teacher-reported")


def _provider_replans_the_week(page: Page, world: World) -> None:
    page.context.clear_cookies()
    sign_in(page, world.provider.user)
    expect(page.locator(".nav-badge")).to_have_text("1")
    page.locator(".nav-notifications").click()
    note = page.locator(".notification").first
    expect(note).to_contain_text("Thu Dec 17 10:00-10:45 is Test")
    expect(note).not_to_contain_text(world.student.first_name)
    assert_fits(page, page.url, width=375)
    _shot(page, "3-provider-notification")

    note.get_by_role("button", name="Open").click()
    expect(page.locator(".flag-list")).to_contain_text("Thu")
    replan = page.get_by_role("button", name="Re-plan the week of Dec 14 only")
    expect(replan).to_be_visible()
    assert_fits(page, page.url, width=375)
    _shot(page, "4-provider-flags")

    replan.click()
    expect(page.get_by_role("heading", name="Totals")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="What changes")).to_be_visible()


def _week_view(page: Page, monday: dt.date, name: str) -> None:
    page.goto(f"{reverse('sessions:week')}?date={monday.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Week of {monday:%b} {monday.day}"
    )
    assert_fits(page, page.url, width=375)
    _shot(page, name)


def _day(page: Page, day: dt.date) -> Locator:
    return page.locator("section.week-day", has_text=f"{day:%A %b} {day.day}")


def _planning_week_passes(page: Page, world: World, name: str) -> None:
    """The planning page no longer flags the re-planned week."""
    url = reverse("planning:provider", args=[world.provider.pk])
    page.goto(f"{url}?week={NEXT_WEEK.isoformat()}")
    expect(page.locator(".ok-line")).to_contain_text("passes every rule")
    expect(page.locator(".flag-list")).to_have_count(0)
    assert_fits(page, page.url, width=375)
    _shot(page, name)


def _usual_week_shows(page: Page, monday: dt.date, name: str) -> None:
    """The week view shows the standing schedule's two sessions, where they always are."""
    _week_view(page, monday, name)
    expect(_day(page, monday).locator(".week-session")).to_have_count(1)
    expect(_day(page, monday)).to_contain_text("09:00\u201309:30")
    thursday = monday + dt.timedelta(days=3)
    expect(_day(page, thursday).locator(".week-session")).to_have_count(1)
    expect(_day(page, thursday)).to_contain_text("10:00\u201310:30")
    expect(page.locator(".week-session")).to_have_count(2)


def test_a_one_day_test_moves_that_days_session_only(
    phone_page: Page, movable_world: World
) -> None:
    world, page = movable_world, phone_page
    before = _rows(world.provider)
    thursday = DatedSession.objects.get(provider=world.provider, date=TEST_DAY)
    next_week = (NEXT_WEEK, NEXT_WEEK + dt.timedelta(days=4))
    assert DatedSession.objects.filter(provider=world.provider, date__range=next_week).count() == 2

    _teacher_reports_the_test(page, world)
    _provider_replans_the_week(page, world)
    expect(page.locator("#losses")).to_have_count(0)
    expect(page.locator("table.diff")).to_contain_text("Moved")
    assert_fits(page, page.url, width=375)
    _shot(page, "5-run-moved")

    page.get_by_role("button", name="Apply to the week of Dec 14 only").click()
    expect(page.locator(".messages")).to_contain_text(
        "Applied to the week of December 14 only: 1 moved, 0 added, 0 called off."
    )
    # The provider lands on that week: Thursday's session is after lunch, Monday's as usual.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week of Dec 14")
    expect(_day(page, TEST_DAY)).to_contain_text("13:")
    expect(_day(page, TEST_DAY)).not_to_contain_text("10:00\u201310:30")
    expect(_day(page, NEXT_WEEK)).to_contain_text("09:00\u201309:30")
    assert_fits(page, page.url, width=375)
    _shot(page, "6-week-applied")

    _usual_week_shows(page, FOLLOWING_WEEK, "7-following-week")
    _usual_week_shows(page, THIS_WEEK, "8-this-week")
    _usual_week_shows(page, LAST_WEEK, "9-last-week")

    # The record: that one session moved within its day, as a one-day override, out of the
    # test; every other row (last week, this week, the following weeks) is as it was.
    after = _rows(world.provider)
    assert set(after) == set(before), "no session was added or deleted"
    thursday.refresh_from_db()
    assert thursday.is_override
    assert thursday.date == TEST_DAY
    assert dt.time(13) <= thursday.start
    assert thursday.end <= dt.time(13, 45)
    assert thursday.cancel_reason == ""
    assert [m.student_id for m in thursday.members.all()] == [world.student.pk]
    del before[thursday.pk], after[thursday.pk]
    assert after == before

    # The teacher's visits follow: after lunch that Thursday, the usual time the week after.
    page.context.clear_cookies()
    sign_in(page, world.teacher)
    portal = reverse("collaboration:portal", args=[world.classroom.pk])
    page.goto(f"{portal}?week={NEXT_WEEK.isoformat()}")
    visit = page.locator("table.visits tr", has_text="Dec 17")
    expect(visit).to_have_count(1)
    expect(visit).to_contain_text(f"{thursday.start:%H:%M}")
    assert_fits(page, page.url, width=375)
    _shot(page, "10-teacher-visits-moved")
    page.goto(f"{portal}?week={FOLLOWING_WEEK.isoformat()}")
    expect(page.locator("table.visits tr", has_text="Dec 24")).to_contain_text("10:00")


def test_a_one_day_test_with_no_other_time_is_called_off_after_a_named_warning(
    phone_page: Page, stuck_world: World
) -> None:
    world, page = stuck_world, phone_page
    before = _rows(world.provider)
    thursday = DatedSession.objects.get(provider=world.provider, date=TEST_DAY)

    _teacher_reports_the_test(page, world)
    _provider_replans_the_week(page, world)
    warning = page.locator("#losses")
    expect(warning).to_contain_text("This plan leaves 1 student with fewer minutes that week")
    expect(warning).to_contain_text(
        f"{world.student.first_name} {world.student.last_name} loses 30 of 60 minutes."
    )
    assert_fits(page, page.url, width=375)
    _shot(page, "11-run-losses")

    # Applying without the confirmation is refused and changes nothing.
    apply = page.get_by_role("button", name="Apply to the week of Dec 14 only")
    apply.click()
    expect(page.locator(".errorlist[role=alert]")).to_contain_text("Not accepted")
    assert _rows(world.provider) == before
    assert_fits(page, page.url, width=375)
    _shot(page, "12-run-refused")

    page.get_by_label("I have read the warning").check()
    page.get_by_role("button", name="Apply to the week of Dec 14 only").click()
    expect(page.locator(".messages")).to_contain_text(
        "Applied to the week of December 14 only: 0 moved, 0 added, 1 called off."
    )
    expect(_day(page, NEXT_WEEK)).to_contain_text("09:00\u201309:30")
    assert_fits(page, page.url, width=375)
    _shot(page, "13-week-called-off")

    # The called-off session tells why on its own page.
    _day(page, TEST_DAY).get_by_role("link", name="10:00\u201310:30").click()
    expect(page.locator("body")).to_contain_text("Called off in advance")
    assert_fits(page, page.url, width=375)
    _shot(page, "14-session-called-off")

    _planning_week_passes(page, world, "15-planning-clear")
    _usual_week_shows(page, FOLLOWING_WEEK, "16-following-week")
    _usual_week_shows(page, LAST_WEEK, "17-last-week")

    after = _rows(world.provider)
    assert set(after) == set(before), "no session was added or deleted"
    thursday.refresh_from_db()
    assert (thursday.date, thursday.start, thursday.end) == (TEST_DAY, dt.time(10), dt.time(10, 30))
    assert thursday.is_override
    assert thursday.cancel_reason
    assert [m.attendance for m in thursday.members.all()] == [MissReason.PROVIDER_CONFLICT]
    del before[thursday.pk], after[thursday.pk]
    assert after == before


# --- Left for the lead: what the phone walk showed, pinned at the record -----------------


def _replan_next_week(world: World) -> DatedSession:
    """The same story through the services: the test reported, that week re-planned and
    applied (losses confirmed). Returns that Thursday's session."""
    timetable_exception_create(
        actor=world.teacher,
        classroom=world.classroom,
        date=TEST_DAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.TEST,
    )
    run = plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        kind=RunKind.WEEK,
        week_of=NEXT_WEEK,
    )
    run.refresh_from_db()
    week_plan_accept(run=run, user=world.provider.user, losses_confirmed=True)
    return DatedSession.objects.get(provider=world.provider, date=TEST_DAY)


def test_a_session_moved_for_one_day_is_not_flagged_again(movable_world: World) -> None:
    thursday = _replan_next_week(movable_world)
    assert thursday.is_override
    flags = schedule_flags_for(movable_world.provider, NEXT_WEEK)
    assert [flag.message for flag in flags.flags] == []


def test_a_session_called_off_for_one_day_is_not_flagged_again(stuck_world: World) -> None:
    thursday = _replan_next_week(stuck_world)
    assert thursday.cancel_reason
    assert session_flags([thursday]) == {}
