"""Shared steps of the planning tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pushin.planning.models import PlanRun, StandingSchedule
from pushin.planning.services import plan_accept, plan_run_create
from pushin.sessions.models import DatedSession, SessionStudent
from tests.factories import World
from tests.sessions.factories import standing_schedule, standing_session, stored_ahead

# An upper bound only: these tiny weeks are proven optimal in well under a second.
TINY_LIMIT = 5.0
NOV_2 = dt.date(2026, 11, 2)  # a Monday a month before the frozen "now"


def solved_run(world: World, *, providers=None) -> PlanRun:
    """A finished run for the provider (inline task backend)."""
    return plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=providers or [world.provider],
        time_limit=TINY_LIMIT,
    )


def standing(world: World) -> StandingSchedule:
    """The provider's standing schedule, planned and accepted."""
    run = solved_run(world)
    return plan_accept(run=run, user=world.provider.user)[0]


def september_schedule(world: World) -> StandingSchedule:
    """Mon 09:00-09:30 writing and Thu 10:00-10:30 centers (Room 2A), in force since the
    school year began and stored by the calendar since Monday Nov 2: the weeks before the
    frozen "now" (Wed Dec 2, noon) hold sessions nobody logged."""
    schedule = standing_schedule(world.provider)
    for day, start, end in (
        ("mon", dt.time(9), dt.time(9, 30)),
        ("thu", dt.time(10), dt.time(10, 30)),
    ):
        standing_session(
            schedule,
            classroom=world.classroom,
            day=day,
            start=start,
            end=end,
            students=[world.student],
        )
    stored_ahead(world.provider, before=NOV_2)
    return schedule


def session_rows(**where: Any) -> list[tuple[Any, ...]]:
    """The dated sessions matching `where`, every field, with their students' records."""
    sessions = DatedSession.objects.filter(**where).order_by("pk")
    members = {
        pk: sorted(
            (m["student_id"], m["attendance"], m["minutes_delivered"], m["focus_goal_id"])
            for m in SessionStudent.objects.filter(session_id=pk).values()
        )
        for pk in sessions.values_list("pk", flat=True)
    }
    return [(tuple(row.items()), tuple(members[row["id"]])) for row in sessions.values()]
