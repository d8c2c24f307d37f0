"""Standing schedules for session tests, built directly (no solver), and handy dated sessions.

    schedule = standing_schedule(world.provider)
    standing_session(schedule, classroom=world.classroom, day="mon", start=dt.time(9),
                     end=dt.time(9, 30), students=[world.student])
    stored_ahead(world.provider, before=MONDAY)   # the calendar ran before that Monday

Every name here is made up. The ledger, makeup and export tests may reuse this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import time_machine

from pushin.caseload.models import Goal, Method, Student
from pushin.district.models import ActivityBlock, Classroom, Provider
from pushin.planning.models import ScheduledSession, ScheduledSessionStudent, StandingSchedule
from pushin.sessions.calendar import calendar_sync
from pushin.sessions.models import DatedSession
from tests.factories import World, make_student

# A week inside the test world's school year (2026-08-31 .. 2027-06-18); the frozen clock
# (tests/conftest.py) stands on that week's Wednesday at noon.
MONDAY = dt.date(2026, 11, 30)
THURSDAY = dt.date(2026, 12, 3)
SCHOOL_TZ = ZoneInfo("America/New_York")


def standing_schedule(
    provider: Provider, *, active: bool = True, effective_from: dt.date | None = None
) -> StandingSchedule:
    """A new standing schedule for `provider`, in force from `effective_from` (default: the
    school year's first day); an active one ends the current one the day before."""
    start = effective_from or provider.district.school_year_start
    if active:
        for older in StandingSchedule.objects.filter(provider=provider, active=True):
            older.active = False
            older.effective_to = max(start, older.effective_from) - dt.timedelta(days=1)
            older.save(update_fields=["active", "effective_to"])
    return StandingSchedule.objects.create(provider=provider, active=active, effective_from=start)


def stored_ahead(provider: Provider, *, before: dt.date) -> None:
    """Store the provider's dated sessions as the calendar did early on the school day
    `before` (07:00): from that day on, as the schedules in force say."""
    moment = dt.datetime.combine(before, dt.time(7), tzinfo=SCHOOL_TZ)
    with time_machine.travel(moment, tick=False):
        calendar_sync(provider=provider, actor=None)


def standing_session(
    schedule: StandingSchedule,
    *,
    classroom: Classroom,
    day: str,
    start: dt.time,
    end: dt.time,
    students: Sequence[Student],
    block: ActivityBlock | None = None,
    focus: dict[int, Goal | None] | None = None,
    delivery: str = "push_in",
) -> ScheduledSession:
    """One weekly session with its students; the focus goal defaults to each student's first."""
    if block is None:
        block = ActivityBlock.objects.filter(
            classroom=classroom, day=day, start__lte=start, end__gte=end
        ).first()
    count = schedule.sessions.count()
    session = ScheduledSession.objects.create(
        schedule=schedule,
        plan_session_id=f"sess-{count + 1}",
        classroom=classroom,
        block=block,
        day=day,
        start=start,
        end=end,
        delivery=delivery,
    )
    for student in students:
        goal = (focus or {}).get(student.pk, first_goal(student))
        ScheduledSessionStudent.objects.create(session=session, student=student, focus_goal=goal)
    return session


def first_goal(student: Student) -> Goal | None:
    return Goal.objects.filter(iep__student=student).order_by("pk").first()


def add_student(
    world: World,
    *,
    ref: str = "S-0003",
    first_name: str = "Casey",
    last_name: str = "Sample",
    method: str = Method.PERCENT_TRIALS,
) -> Student:
    """Another student of `world.provider` in `world.classroom`, whose goal uses `method`."""
    student = make_student(
        ref=ref,
        classroom=world.classroom,
        provider=world.provider,
        first_name=first_name,
        last_name=last_name,
    )
    Goal.objects.filter(iep__student=student).update(method=method)
    return student


def monday_writing(world: World, students: Sequence[Student] | None = None) -> ScheduledSession:
    """The provider's active schedule: Monday 09:00-09:30, writing in Room 2A."""
    schedule = standing_schedule(world.provider)
    return standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=list(students) if students is not None else [world.student],
    )


def dated_session(world: World, students: Sequence[Student] | None = None) -> DatedSession:
    """Monday's occurrence of `monday_writing`, stored by the calendar before that Monday:
    one SessionStudent per student. Under the frozen clock it has already happened."""
    monday_writing(world, students)
    stored_ahead(world.provider, before=MONDAY)
    return DatedSession.objects.get(provider=world.provider, date=MONDAY)
