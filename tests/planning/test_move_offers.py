"""The move form offers only blocks where the provider is free and the activity fits the
students' goals, best fit first, each with its fit and the travel it adds; a move to a
poorer fit is made, with a warning naming the goal and both fits (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pushin.district.models import ActivityBlock, BusyTime
from pushin.planning.models import ScheduledSession
from pushin.planning.move_offers import fit_warnings, move_offers
from pushin.vocabulary import Activity, Weekday
from tests.factories import World
from tests.sessions.factories import standing_schedule, standing_session


def block(world: World, day: str, start: tuple[int, int], end: tuple[int, int], activity: str):
    return ActivityBlock.objects.create(
        classroom=world.classroom,
        day=day,
        start=dt.time(*start),
        end=dt.time(*end),
        activity=activity,
    )


@pytest.fixture
def week(pworld: World) -> dict[str, object]:
    """The handwriting student's Mon 09:00 writing (fit 1.0) and Thu 10:00 centers (0.6)
    sessions, and a week of other blocks in Room 2A: some fit, some do not, one falls in the
    provider's busy time. The provider also sees a student at Cedar on Tuesdays 08:00."""
    world = pworld
    schedule = standing_schedule(world.provider)
    monday = standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.student],
    )
    thursday = standing_session(
        schedule,
        classroom=world.classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[world.student],
    )
    standing_session(
        schedule,
        classroom=world.other_classroom,
        day="tue",
        start=dt.time(8),
        end=dt.time(8, 30),
        students=[],
    )
    blocks = {
        "math": block(world, Weekday.TUE, (9, 0), (10, 0), Activity.MATH),  # 0.5, +15 travel
        "independent": block(world, Weekday.FRI, (13, 0), (13, 45), Activity.INDEPENDENT_WORK),
        "lunch": block(world, Weekday.WED, (11, 30), (12, 15), Activity.LUNCH_SNACK),
        "arrival": block(world, Weekday.WED, (8, 0), (8, 45), Activity.ARRIVAL_DISMISSAL),
        "test": block(world, Weekday.TUE, (13, 0), (14, 0), Activity.TEST),
        "busy writing": block(world, Weekday.WED, (10, 0), (10, 45), Activity.WRITING),
    }
    BusyTime.objects.create(
        provider=world.provider, day=Weekday.WED, start=dt.time(10), end=dt.time(11)
    )
    return {"world": world, "monday": monday, "thursday": thursday, **blocks}


def offered(session: ScheduledSession) -> list[tuple[str, str, float | None, int]]:
    return [
        (o.block.day, o.block.activity, o.fit, o.travel_added) for o in move_offers(session).offers
    ]


def test_only_free_fitting_blocks_are_offered_best_fit_first(week) -> None:
    assert offered(week["thursday"]) == [
        ("fri", "independent_work", 0.7, 0),
        ("thu", "centers", 0.6, 0),  # where it is now
        ("tue", "math", 0.5, 15),  # the drive from Cedar after Tuesday's 08:00 session
    ]
    # Left out: Monday's writing (the provider's Monday session fills it), Wednesday's
    # writing (busy), and lunch, arrival and the test, which fit no handwriting goal.


def test_the_form_lists_the_offers_with_fit_and_travel(week, login) -> None:
    thursday = week["thursday"]
    page = (
        login(week["world"].provider.user)
        .get(reverse("planning:session_move", args=[thursday.pk]))
        .content.decode()
    )
    options = page[page.index('name="block"') : page.index("</select>")]
    assert options.count("<option") == 3
    first, second, third = options.split("<option")[1:]
    assert "Friday 13:00-13:45 Independent work · fit 0.7 (Handwriting) · no added travel" in first
    assert "(where it is now)" in second
    assert "Tuesday 09:00-10:00 Math · fit 0.5 (Handwriting) · +15 min travel" in third
    for absent in ("Lunch", "Arrival", "Test / assessment", "Monday"):
        assert absent not in options
    assert "Handwriting, fit 0.6" in page  # the goal the time serves where it is now


def test_a_block_not_offered_is_refused_by_the_form(week, login) -> None:
    thursday = week["thursday"]
    response = login(week["world"].provider.user).post(
        reverse("planning:session_move", args=[thursday.pk]),
        {"block": week["lunch"].pk, "start": "11:30", "version": thursday.version},
    )
    assert response.status_code == 400
    assert "not free or its activity fits none of the goals" in response.content.decode()
    thursday.refresh_from_db()
    assert (thursday.day, thursday.start) == ("thu", dt.time(10))


def test_a_move_to_a_poorer_fit_is_made_with_a_warning(week, login) -> None:
    monday = week["monday"]
    # Monday's writing (1.0) is where the session is; Tuesday's math fits at 0.5.
    assert fit_warnings(move_offers(monday), week["math"].pk) == [
        "Handwriting fits Math at 0.5; it fits Writing at 1.0."
    ]
    response = login(week["world"].provider.user).post(
        reverse("planning:session_move", args=[monday.pk]),
        {"block": week["math"].pk, "start": "09:15", "version": monday.version},
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "poorer fit" in message
    assert "Handwriting fits Math at 0.5; it fits Writing at 1.0." in message
    # The move applies from today on: a copy of the schedule holds it (the past keeps its own).
    moved = ScheduledSession.objects.get(
        schedule__provider=week["world"].provider,
        schedule__active=True,
        plan_session_id=monday.plan_session_id,
    )
    assert (moved.day, moved.start) == ("tue", dt.time(9, 15))
    assert moved.members.get().focus_goal == week["world"].student.ieps.get().goals.get()


def test_a_move_to_an_equal_or_better_fit_says_nothing_of_fit(week, login) -> None:
    thursday = week["thursday"]
    assert fit_warnings(move_offers(thursday), week["independent"].pk) == []
    response = login(week["world"].provider.user).post(
        reverse("planning:session_move", args=[thursday.pk]),
        {"block": week["independent"].pk, "start": "13:00", "version": thursday.version},
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Moved. The schedule still passes every rule."
