"""Lists of weekdays read Monday first everywhere, never alphabetically (Fri, Mon, Thu, ...):
a provider's availability and busy times, the teacher's weekly blocks, a student's weekly
times elsewhere, the class blocks a session can move to, a classroom's timetable."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from pushin.caseload.models import StudentUnavailability
from pushin.district.models import ActivityBlock, Availability, BusyTime
from pushin.planning.forms import MoveForm
from pushin.planning.models import ScheduledSession, StandingSchedule
from pushin.planning.move_offers import move_offers
from pushin.vocabulary import in_week_order, weekday_index
from tests.conftest import TODAY
from tests.factories import World

SHUFFLED = ["fri", "mon", "thu", "tue", "wed"]  # alphabetical order, the wrong one
WEEK_ORDER = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def days_in(text: str) -> list[str]:
    return re.findall(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday)\b", text)


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def test_the_helpers_put_monday_first(world: World) -> None:
    assert sorted(SHUFFLED, key=weekday_index) == ["mon", "tue", "wed", "thu", "fri"]
    for day in SHUFFLED:
        Availability.objects.create(
            provider=world.provider, day=day, start=dt.time(8), end=dt.time(9)
        )
    rows = in_week_order(Availability.objects.filter(provider=world.provider))
    assert [row.day for row in rows] == ["mon", "tue", "wed", "thu", "fri"]


def test_availability_and_busy_lists_are_in_week_order(world: World, login) -> None:
    for day in SHUFFLED:
        Availability.objects.create(
            provider=world.provider, day=day, start=dt.time(8), end=dt.time(15)
        )
        BusyTime.objects.create(
            provider=world.provider, day=day, start=dt.time(12), end=dt.time(12, 30), label="Lunch"
        )
    page = (
        login(world.provider.user)
        .get(reverse("district:availability", args=[world.provider.pk]))
        .content.decode()
    )
    first_words = r"<li>\s*(Monday|Tuesday|Wednesday|Thursday|Friday) "
    available = section(page, "<h2>Available</h2>", "</ul>")
    busy = section(page, "<h2>Busy</h2>", "</ul>")
    assert re.findall(first_words, available) == WEEK_ORDER
    assert re.findall(first_words, busy) == WEEK_ORDER


def test_the_teachers_weekly_blocks_are_in_week_order(world: World, login) -> None:
    for day in ("fri", "tue", "wed"):
        ActivityBlock.objects.create(
            classroom=world.classroom,
            day=day,
            start=dt.time(13),
            end=dt.time(13, 45),
            activity="math",
        )
    page = (
        login(world.teacher).get(reverse("collaboration:portal", args=[world.classroom.pk])).content
    )
    rows = re.findall(r'<tr id="block-\d+">\s*<td>(\w{3}) ', page.decode())
    assert rows == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_a_students_weekly_times_elsewhere_are_in_week_order(world: World, login) -> None:
    for day in SHUFFLED:
        StudentUnavailability.objects.create(
            student=world.student, day=day, start=dt.time(13), end=dt.time(13, 30), reason="Speech"
        )
    page = (
        login(world.provider.user).get(reverse("caseload:student", args=[world.student.pk])).content
    )
    listed = section(page.decode(), "Weekly times the student is elsewhere", "</ul>")
    assert days_in(listed) == WEEK_ORDER


def test_the_blocks_a_session_can_move_to_are_in_week_order(world: World) -> None:
    for day in ("fri", "tue"):
        ActivityBlock.objects.create(
            classroom=world.classroom,
            day=day,
            start=dt.time(13),
            end=dt.time(13, 45),
            activity="math",
        )
    schedule = StandingSchedule.objects.create(provider=world.provider, effective_from=TODAY)
    session = ScheduledSession.objects.create(
        schedule=schedule,
        plan_session_id="sess-1",
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
    )
    for day in ("mon", "tue", "wed", "thu", "fri"):
        Availability.objects.create(
            provider=world.provider, day=day, start=dt.time(8), end=dt.time(15)
        )
    # No student in the session: every free block fits as well as another, so they are
    # listed in week order (best fit first otherwise: tests/planning/test_move_offers.py).
    select = str(MoveForm(session=session, offers=move_offers(session))["block"])
    assert days_in(select) == ["Monday", "Tuesday", "Thursday", "Friday"]


def test_the_timetable_lists_blocks_in_week_order(world: World, login) -> None:
    for day in ("fri", "tue"):
        ActivityBlock.objects.create(
            classroom=world.classroom,
            day=day,
            start=dt.time(13),
            end=dt.time(13, 45),
            activity="math",
        )
    response = login(world.admin).get(reverse("district:timetable", args=[world.classroom.pk]))
    blocks = response.context["week"].blocks
    assert [block.day for block in blocks] == ["mon", "tue", "thu", "fri"]
