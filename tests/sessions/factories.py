"""Standing schedules for session tests, built directly (no solver), and handy dated sessions.

    schedule = standing_schedule(world.provider)
    standing_session(schedule, classroom=world.classroom, day="mon", start=dt.time(9),
                     end=dt.time(9, 30), students=[world.student])
    sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)

Every name here is made up. The ledger, makeup and export tests may reuse this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pushin.caseload.models import Goal, Method, Student
from pushin.district.models import ActivityBlock, Classroom, Provider
from pushin.planning.models import ScheduledSession, ScheduledSessionStudent, StandingSchedule
from pushin.sessions.calendar import sessions_materialize
from pushin.sessions.models import DatedSession
from tests.factories import World, make_student

# A week inside the test world's school year (2026-08-31 .. 2027-06-18).
MONDAY = dt.date(2026, 11, 30)
THURSDAY = dt.date(2026, 12, 3)


def standing_schedule(provider: Provider, *, active: bool = True) -> StandingSchedule:
    """A new standing schedule for `provider`; an active one retires the current one."""
    if active:
        StandingSchedule.objects.filter(provider=provider, active=True).update(active=False)
    return StandingSchedule.objects.create(provider=provider, active=active)


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
    """Monday's occurrence of `monday_writing`, materialized: one SessionStudent per student."""
    monday_writing(world, students)
    (session,) = sessions_materialize(provider=world.provider, start=MONDAY, end=MONDAY)
    return session
