"""A week with visits to the teacher's room, for the portal and change-report tests."""

from __future__ import annotations

import datetime as dt

from pushin.district.models import Availability
from pushin.planning.models import ScheduledSession
from pushin.vocabulary import Weekday
from tests.factories import World
from tests.sessions.factories import (
    MONDAY,
    THURSDAY,
    standing_schedule,
    standing_session,
    stored_ahead,
)

__all__ = ["MONDAY", "THURSDAY", "Week", "week_of_visits"]


def give_availability(world: World) -> None:
    for provider in (world.provider, world.other_provider):
        Availability.objects.bulk_create(
            Availability(provider=provider, day=day, start=dt.time(8), end=dt.time(15))
            for day in Weekday.values
        )


class Week:
    def __init__(
        self, monday: ScheduledSession, thursday: ScheduledSession, elsewhere: ScheduledSession
    ) -> None:
        self.monday = monday  # provider, Room 2A, Mon 09:00-09:30 (writing)
        self.thursday = thursday  # provider, Room 2A, Thu 10:00-10:30 (centers)
        self.elsewhere = elsewhere  # other provider, Room K1, Thu 10:00-10:30


def week_of_visits(world: World) -> Week:
    """Weekly sessions the planning checker accepts as they are (both providers work
    08:00-15:00 every day), so any flag afterwards comes from the change under test."""
    give_availability(world)
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
    other = standing_schedule(world.other_provider)
    elsewhere = standing_session(
        other,
        classroom=world.other_classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[world.other_student],
    )
    for provider in (world.provider, world.other_provider):
        stored_ahead(provider, before=MONDAY)  # the calendar stored the weeks ahead
    return Week(monday, thursday, elsewhere)
