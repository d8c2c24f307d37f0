"""Steps the "logging follows time" tests share: a session ahead of the frozen clock.

The clock stands at Wednesday 2026-12-02 12:00 (tests/conftest.py). Thursday's session at
10:00 has not started; `at(time_machine, ...)` moves the clock to a moment of the test.
Every name here is made up.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pushin.caseload.models import Goal, Student
from pushin.sessions.models import DatedSession
from tests.factories import World
from tests.sessions.ledger_world import session_with

ZONE = ZoneInfo("America/New_York")
THURSDAY = dt.date(2026, 12, 3)
AHEAD = (
    "This session starts Thu Dec 3 at 10:00: delivered minutes, data and signing open when "
    "it starts."
)
AHEAD_MAKEUP = (
    "This makeup session starts Thu Dec 3 at 10:00: delivered minutes, data and signing "
    "open when it starts."
)
AHEAD_MISS = (
    "This session starts Thu Dec 3 at 10:00: to record a miss ahead, call the session off "
    "in advance with a reason."
)
HAS_STARTED = "This session has started: record what happened for each student instead."
NEEDS_REASON = "Say why the session is called off (for example: provider out sick, class trip)."


def at(time_machine, day: dt.date, hour: int, minute: int = 0) -> None:
    """Stop the clock at that local moment."""
    time_machine.move_to(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE), tick=False)


def upcoming(
    world: World,
    *,
    date: dt.date = THURSDAY,
    start: dt.time = dt.time(10),
    end: dt.time = dt.time(10, 30),
    students: list[Student] | None = None,
    makeup: bool = False,
) -> DatedSession:
    """A planned session of `world.provider` (not logged), each record with a focus goal."""
    records = session_with(
        provider=world.provider,
        students=students or [world.student],
        date=date,
        start=start,
        end=end,
        attendance="",
    )
    for record in records:
        record.focus_goal = Goal.objects.filter(iep__student=record.student).first()
        record.save(update_fields=["focus_goal"])
    session = records[0].session
    if makeup:
        session.is_makeup = True
        session.save(update_fields=["is_makeup"])
    return DatedSession.objects.get(pk=session.pk)
