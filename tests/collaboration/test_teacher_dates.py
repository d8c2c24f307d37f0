"""The teacher's change pages and the para's log speak of real school days: the weekly
block page names the block, the dated change form starts on a school day and refuses a
day that has passed, and a carryover use is logged on a school day only.

The clock is frozen on Wednesday Dec 2, 2026 (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse

from pushin.collaboration.models import Notification, Strategy, StrategyUse, StudentStrategy
from pushin.district.models import ActivityBlock, Closure, TimetableException
from pushin.vocabulary import Weekday
from tests.caseload.personas import HTMX
from tests.factories import World

NEW_YORK = ZoneInfo("America/New_York")
SATURDAY = dt.datetime(2026, 12, 5, 10, 0, tzinfo=NEW_YORK)


def portal_url(world: World) -> str:
    return reverse("collaboration:portal", args=[world.classroom.pk])


def report_url(world: World) -> str:
    return reverse("collaboration:report_dated", args=[world.classroom.pk])


def strategy_for_the_para(world: World) -> StudentStrategy:
    strategy = Strategy.objects.create(
        district=world.district, name="Wiggle cushion (test)", how_to="Sit on it."
    )
    return StudentStrategy.objects.create(
        student=world.student, strategy=strategy, carryover=True, added_by=world.provider.user
    )


def test_the_weekly_change_page_names_the_block(world: World, login) -> None:
    centers = ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.THU)
    url = reverse("collaboration:block_change", args=[world.classroom.pk, centers.pk])
    page = login(world.teacher).get(url).content.decode()
    assert "<h1>Change Thursday 10:00-10:45 Literacy centers</h1>" in page
    assert "Block Node" not in page


def test_on_a_weekend_the_change_form_starts_on_monday(world: World, login, time_machine) -> None:
    time_machine.move_to(SATURDAY, tick=False)
    page = login(world.teacher).get(portal_url(world)).content.decode()
    assert 'name="date" value="2026-12-07"' in page  # Monday, not Saturday Dec 5


def test_after_a_holiday_the_change_form_starts_on_the_next_school_day(world: World, login) -> None:
    Closure.objects.create(
        district=world.district,
        name="Snow days",
        start=dt.date(2026, 12, 2),
        end=dt.date(2026, 12, 3),
    )
    page = login(world.teacher).get(portal_url(world)).content.decode()
    assert 'name="date" value="2026-12-04"' in page  # Friday


def test_a_school_day_today_is_the_default(world: World, login) -> None:
    page = login(world.teacher).get(portal_url(world)).content.decode()
    assert 'name="date" value="2026-12-02"' in page


def test_a_past_date_is_refused_recorded_nowhere_and_told_to_nobody(world: World, login) -> None:
    response = login(world.teacher).post(
        report_url(world),
        {
            "date": "2026-11-30",  # Monday of this week: over
            "start": "09:00",
            "end": "09:45",
            "kind": "activity",
            "activity": "test",
        },
    )
    assert response.status_code == 400
    assert (
        "Mon Nov 30 has passed: report a change for today or a school day ahead."
        in response.content.decode()
    )
    assert not TimetableException.objects.exists()
    assert not Notification.objects.exists()


def test_today_is_still_accepted(world: World, login) -> None:
    response = login(world.teacher).post(
        report_url(world),
        {"date": "2026-12-02", "start": "13:00", "end": "13:30", "kind": "cancelled"},
    )
    assert response.status_code == 302
    assert TimetableException.objects.get().date == dt.date(2026, 12, 2)


def test_a_para_cannot_log_a_use_on_a_saturday(world: World, login, time_machine) -> None:
    link = strategy_for_the_para(world)
    time_machine.move_to(SATURDAY, tick=False)
    response = login(world.para).post(
        reverse("collaboration:strategy_use", args=[link.pk]), {"outcome": "worked"}, **HTMX
    )
    assert response.status_code == 200
    assert (
        "Uses are logged on school days. That is a weekend: pick a school day (Monday to "
        "Friday)." in response.content.decode()
    )
    assert not StrategyUse.objects.exists()


def test_a_para_cannot_log_a_use_on_a_closure_day(world: World, login) -> None:
    link = strategy_for_the_para(world)
    Closure.objects.create(
        district=world.district,
        name="Snow day",
        start=dt.date(2026, 12, 2),
        end=dt.date(2026, 12, 2),
    )
    response = login(world.para).post(
        reverse("collaboration:strategy_use", args=[link.pk]), {"outcome": "worked"}, **HTMX
    )
    assert "There is no school that day: Snow day" in response.content.decode()
    assert not StrategyUse.objects.exists()


def test_a_para_cannot_log_a_use_after_the_school_year(world: World, login, time_machine) -> None:
    link = strategy_for_the_para(world)
    time_machine.move_to(dt.datetime(2027, 6, 23, 10, 0, tzinfo=NEW_YORK), tick=False)
    response = login(world.para).post(
        reverse("collaboration:strategy_use", args=[link.pk]), {"outcome": "worked"}, **HTMX
    )
    assert "That date is outside the school year" in response.content.decode()
    assert not StrategyUse.objects.exists()


def test_a_para_logs_a_use_on_a_school_day(world: World, login) -> None:
    link = strategy_for_the_para(world)
    login(world.para).post(
        reverse("collaboration:strategy_use", args=[link.pk]), {"outcome": "worked"}, **HTMX
    )
    assert StrategyUse.objects.get().used_on == dt.date(2026, 12, 2)
