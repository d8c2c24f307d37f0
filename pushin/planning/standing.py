"""A standing schedule seen as an engine plan, so the engine's checker can judge it.

The conversion goes through the `IdMap` of a freshly built scenario, so the same stored
schedule can be checked against the usual week or against one week's dated changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pushin.planning.models import ScheduledSession, StandingSchedule
from pushin.planning.scenario_build import IdMap
from pushin.scheduling.plan import Plan, PlannedSession, Reason, Shortfall, Stats
from pushin.scheduling.scenario import Scenario
from pushin.scheduling.timeutil import DAY_INDEX
from pushin.timespans import minutes_of

NOT_IN_SCHEDULE = Reason("capacity", "Not in the standing schedule.")


def schedule_sessions(
    schedule: StandingSchedule, *, with_fit: bool = False
) -> list[ScheduledSession]:
    """The sessions of a schedule, Monday first, with everything a page or a check reads,
    in a fixed number of queries; `with_fit`: the focus goals' own fit overrides too (one
    query more), for pages that show each student's fit."""
    goals = "members__focus_goal__fit_overrides" if with_fit else "members__focus_goal"
    rows = schedule.sessions.select_related("classroom__school", "block").prefetch_related(
        "members__student", goals
    )
    return sorted(rows, key=lambda s: (DAY_INDEX.get(s.day, 9), s.start, s.pk))


def block_id_for(session: ScheduledSession, scenario: Scenario, id_map: IdMap) -> str:
    """The scenario block the session sits in, so that the checker judges the class
    activity actually happening then.

    A dated exception can split a block into pieces ("b40", "b40.2") or replace it for the
    day ("x7": a test in its time, or the same block with another activity). The session
    belongs to the piece of its own block that holds it; else to the exception's block
    that holds it (that day's activity is what the checker judges); else to a piece of its
    own block or an exception's block it overlaps (it straddles the change); else to its
    own block elsewhere (the teacher moved it: "not inside block ..."). A session whose
    block was deleted is "none-<pk>" unless another block of its room holds it; one whose
    block that week's changes removed (cancelled) is "cancelled-<pk>" (see `planning.words`).
    """
    room = scenario.classroom_by_id.get(f"c{session.classroom_id}")
    start, end = minutes_of(session.start), minutes_of(session.end)
    if room is None:
        return f"b{session.block_id}" if session.block_id else f"none-{session.pk}"
    same_day = [b for b in room.blocks if b.day == session.day]
    holding = [b for b in same_day if b.start <= start and end <= b.end]
    if session.block_id is None:
        return holding[0].id if holding else f"none-{session.pk}"
    mine = [b for b in room.blocks if id_map.blocks.get(b.id) == session.block_id]
    one_off = [b for b in same_day if id_map.blocks.get(b.id) is None]
    for candidates in (
        [b for b in holding if b in mine],
        [b for b in holding if b in one_off],
        [b for b in same_day if b in mine and b.start < end and start < b.end],
        [b for b in one_off if b.start < end and start < b.end],
        mine,
    ):
        if candidates:
            return candidates[0].id
    return f"cancelled-{session.pk}"


def student_key(id_map: IdMap, student_pk: int, provider_pk: int) -> str:
    """The student's scenario id; "st<pk>" even when the student is no longer in it."""
    return id_map.student_key(student_pk, provider_pk) or f"st{student_pk}"


def planned_session(
    session: ScheduledSession, provider_pk: int, scenario: Scenario, id_map: IdMap
) -> PlannedSession:
    students = []
    focus = {}
    for member in session.members.all():
        key = student_key(id_map, member.student_id, provider_pk)
        students.append(key)
        focus[key] = f"g{member.focus_goal_id}" if member.focus_goal_id else ""
    return PlannedSession(
        id=session.plan_session_id,
        provider=f"p{provider_pk}",
        classroom=f"c{session.classroom_id}",
        block=block_id_for(session, scenario, id_map),
        day=session.day,
        start=minutes_of(session.start),
        end=minutes_of(session.end),
        delivery=session.delivery,
        students=tuple(students),
        focus=focus,
    )


@dataclass(frozen=True)
class ScheduleAsPlan:
    plan: Plan
    # plan session id -> stored session
    sessions: dict[str, ScheduledSession]


def schedule_as_plan(
    *,
    provider_pk: int,
    sessions: Sequence[ScheduledSession],
    scenario: Scenario,
    id_map: IdMap,
    skip_days: Iterable[str] = (),
) -> ScheduleAsPlan:
    """The stored sessions as a pushin-plan/1 with exact shortfalls (rule 6).

    `skip_days` leaves out days without school (closures): their sessions do not happen.
    """
    skipped = set(skip_days)
    kept = [s for s in sessions if s.day not in skipped]
    planned = [planned_session(s, provider_pk, scenario, id_map) for s in kept]
    return ScheduleAsPlan(
        plan=plan_of_sessions(planned, scenario), sessions={s.plan_session_id: s for s in kept}
    )


def plan_of_sessions(planned: Sequence[PlannedSession], scenario: Scenario) -> Plan:
    """Sessions as a pushin-plan/1 with exact shortfalls (rule 6) and totals."""
    minutes: dict[str, int] = {}
    for session in planned:
        for key in session.students:
            minutes[key] = minutes.get(key, 0) + session.minutes
    shortfalls = tuple(
        Shortfall(student.id, missing, (NOT_IN_SCHEDULE,))
        for student in scenario.students
        if (missing := student.minutes_per_week - minutes.get(student.id, 0)) > 0
    )
    scheduled = sum(s.minutes * len(s.students) for s in planned)
    mandated = sum(s.minutes_per_week for s in scenario.students)
    return Plan(
        status="feasible",
        sessions=tuple(planned),
        shortfalls=shortfalls,
        stats=Stats(
            mandated_minutes=mandated,
            scheduled_minutes=scheduled,
            shortfall_minutes=sum(s.minutes for s in shortfalls),
            sessions=len(planned),
        ),
    )
