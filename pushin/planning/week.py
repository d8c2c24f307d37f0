"""One week re-planned on its own: a one-day change stays one day.

A dated change in a classroom (a test on Thursday, an assembly, a cancelled block) is
answered by re-planning that week only. The result is applied to that week's dated
sessions as one-day overrides (moved, or called off with a reason the provider confirms)
and every other week keeps the standing schedule as it was.

The week's scenario is the provider's usual scenario with that week's dated changes
applied, and with what is already decided left out:
- days of the week that are over are left out like closure days, and so is the morning
  of today up to now (busy time): nothing is placed in the past;
- sessions that have started, were logged or called off, and makeups, keep their time
  (busy time) and their students' minutes are taken off what the week still needs. A
  session called off or missed counts too: its minutes are recorded as missed, and owed
  ones are made up through makeups under the district's policy; a re-plan that put them
  back that week (perhaps into the very day of a student's trip) would not clear them;
- every other dated session of the week is the previous plan, with plan ids "d<pk>", so
  the engine keeps what it can and moves as few as it can. A pinned one stays pinned
  unless that week's changes break it (then it is free to move, as in an every-week
  re-plan). One whose students all have their week's minutes already is busy time.

Accepting applies the plan only while everything it moves or adds is still ahead, and
names every student who would lose minutes, whether or not the scenario knew them (a
student whose week was already full, or who is no longer on the caseload, can still sit
in a session the plan moves or calls off: see `week_previous_sessions`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.district.models import Provider
from pushin.planning.models import PlanRun, ScheduledSession
from pushin.planning.scenario_build import IdMap, scenario_build
from pushin.planning.standing import block_id_for, plan_of_sessions, student_key
from pushin.planning.validation import schedule_problems
from pushin.scheduling.plan import Plan, PlannedSession, plan_from_dict
from pushin.scheduling.scenario import Interval, Scenario
from pushin.scheduling.timeutil import DAY_INDEX
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from pushin.timespans import minutes_of, time_of
from pushin.vocabulary import WEEKDAY_BY_ISO, MissReason

PLAN_ID_PREFIX = "d"


class WeekChanged(ValueError):
    """The week's sessions changed after the re-plan was made: it must be made again."""


def week_dates(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=offset) for offset in range(5)]


def plan_id(session: DatedSession) -> str:
    return f"{PLAN_ID_PREFIX}{session.pk}"


def week_session_pk(ident: str) -> int | None:
    """The dated session's pk of a one-week plan id ("d<pk>")."""
    if ident.startswith(PLAN_ID_PREFIX) and ident[1:].isdigit():
        return int(ident[1:])
    return None


def is_replannable(session: DatedSession, now: dt.datetime) -> bool:
    """A regular session of the week that a re-plan may still move or call off (a
    whole-class lesson is not one: it stays where it was placed, as busy time)."""
    return (
        session.status == SessionStatus.PLANNED
        and not (session.is_makeup or session.is_imported or session.cancel_reason)
        and not session.has_started(now)
        and not hasattr(session, "class_lesson")
    )


def _week_sessions(provider: Provider, monday: dt.date) -> list[DatedSession]:
    return list(
        DatedSession.objects.filter(
            provider=provider, date__gte=monday, date__lte=monday + dt.timedelta(days=4)
        )
        .select_related("standing", "class_lesson")
        .prefetch_related("members")
        .order_by("date", "start", "pk")
    )


def _carrier(session: DatedSession) -> ScheduledSession:
    """The dated session in the shape `block_id_for` reads (never saved)."""
    return ScheduledSession(
        pk=session.pk,
        classroom_id=session.classroom_id,
        # A one-day override no longer sits in its weekly session's block.
        block_id=session.standing.block_id
        if session.standing and not session.is_override
        else None,
        day=WEEKDAY_BY_ISO[session.date.isoweekday()],
        start=session.start,
        end=session.end,
        delivery=session.delivery,
    )


def week_scenario(*, provider: Provider, monday: dt.date) -> tuple[Scenario, IdMap, list[int]]:
    """The scenario of a one-week re-plan, with the week's open sessions as the previous
    plan (see the module docstring), and the pks of every session still open that week
    (the run keeps them, to refuse an accept once the week has changed)."""
    now = timezone.localtime()
    today = now.date()
    days_done = [WEEKDAY_BY_ISO[day.isoweekday()] for day in week_dates(monday) if day < today]
    scenario, id_map = scenario_build(
        district=provider.district, providers=[provider], week_of=monday, days_done=days_done
    )
    sessions = _week_sessions(provider, monday)
    open_sessions = [s for s in sessions if is_replannable(s, now)]
    decided = [s for s in sessions if not is_replannable(s, now)]

    used: dict[str, int] = defaultdict(int)
    busy: list[Interval] = []
    for session in decided:
        if not session.is_makeup:
            for member in session.members.all():
                key = id_map.student_key(member.student_id, provider.pk)
                if key is not None:
                    used[key] += session.minutes
        if session.date >= today and not session.cancel_reason:
            busy.append(_interval(session))
    if monday <= today <= monday + dt.timedelta(days=4):
        slot = scenario.slot_minutes
        up_to_now = math.ceil((minutes_of(now.time()) + 1) / slot) * slot
        busy.append(Interval(WEEKDAY_BY_ISO[today.isoweekday()], 0, min(up_to_now, 24 * 60)))

    students = []
    for student in scenario.students:
        left = student.minutes_per_week - used.get(student.id, 0)
        left -= left % student.session_minutes if left > 0 else 0
        if left > 0:
            students.append(dataclasses.replace(student, minutes_per_week=left))
    present = {s.id for s in students}

    # The engine re-plans the open sessions with a student who still needs minutes; one
    # whose students all have their week's minutes already stays where it is (busy time).
    members = {
        s.pk: [
            (key, m)
            for m in s.members.all()
            if (key := id_map.student_key(m.student_id, provider.pk)) in present
        ]
        for s in open_sessions
    }
    replanned = [s for s in open_sessions if members[s.pk]]
    busy += [_interval(s) for s in open_sessions if not members[s.pk]]
    providers = tuple(
        dataclasses.replace(p, busy=(*p.busy, *busy)) if p.id == f"p{provider.pk}" else p
        for p in scenario.providers
    )
    scenario = dataclasses.replace(scenario, students=tuple(students), providers=providers)

    planned = [
        PlannedSession(
            id=plan_id(session),
            provider=f"p{provider.pk}",
            classroom=f"c{session.classroom_id}",
            block=block_id_for(_carrier(session), scenario, id_map),
            day=WEEKDAY_BY_ISO[session.date.isoweekday()],
            start=minutes_of(session.start),
            end=minutes_of(session.end),
            delivery=session.delivery,
            students=tuple(key for key, _ in members[session.pk]),
            focus={
                key: f"g{m.focus_goal_id}" if m.focus_goal_id else ""
                for key, m in members[session.pk]
            },
        )
        for session in replanned
    ]
    previous = plan_of_sessions(planned, scenario)
    pinned = _pins_kept(
        scenario,
        previous,
        {plan_id(s) for s in replanned if s.standing is not None and s.standing.pinned},
    )
    scenario = dataclasses.replace(scenario, previous_plan=previous, pinned=pinned)
    return scenario, id_map, [s.pk for s in open_sessions]


def _interval(session: DatedSession) -> Interval:
    day = WEEKDAY_BY_ISO[session.date.isoweekday()]
    return Interval(day, minutes_of(session.start), minutes_of(session.end))


def _pins_kept(scenario: Scenario, previous: Plan, pinned: set[str]) -> tuple[str, ...]:
    """The pins the week can keep. A pin the engine cannot keep would stop the run, so, as
    in an every-week re-plan, one the week's changes break is let go: a session the checker
    names (its block changed that day, say), or one with a student whose pinned sessions
    alone give more minutes than the week still needs."""
    broken = {sid for problem in schedule_problems(scenario, previous) for sid in problem.sessions}
    minutes: dict[str, int] = defaultdict(int)
    for session in previous.sessions:
        if session.id in pinned:
            for key in session.students:
                minutes[key] += session.minutes
    over = {
        key
        for key, got in minutes.items()
        if key in scenario.student_by_id and got > scenario.student_by_id[key].minutes_per_week
    }
    broken |= {s.id for s in previous.sessions if over & set(s.students)}
    return tuple(s.id for s in previous.sessions if s.id in pinned and s.id not in broken)


def week_previous_sessions(run: PlanRun) -> list[dict[str, Any]]:
    """A one-week run's previous plan (session dicts) with every student who is in each of
    its dated sessions now, the ones the scenario left out included (their week's minutes
    were already given, or they are no longer on the caseload): moving or calling off the
    session takes them out too, so their loss must be named like any other."""
    previous = list((run.scenario.get("previous_plan") or {}).get("sessions", []))
    pks = {pk for s in previous if (pk := week_session_pk(s["id"])) is not None}
    members: dict[int, list[int]] = defaultdict(list)
    for session_pk, student_pk in SessionStudent.objects.filter(session_id__in=pks).values_list(
        "session_id", "student_id"
    ):
        members[session_pk].append(student_pk)
    id_map = IdMap.from_json(run.id_map)
    provider_pk = run.providers.get().pk
    result = []
    for session in previous:
        keys = list(session["students"])
        for student_pk in members.get(week_session_pk(session["id"]) or 0, []):
            key = student_key(id_map, student_pk, provider_pk)
            if key not in keys:
                keys.append(key)
        result.append({**session, "students": keys})
    return result


@dataclasses.dataclass(frozen=True)
class WeekChange:
    moved: int
    added: int
    called_off: int


def _match(
    previous: Sequence[PlannedSession], current: Sequence[PlannedSession]
) -> tuple[list[tuple[PlannedSession, PlannedSession]], list[PlannedSession], list[PlannedSession]]:
    """(old, new) pairs that are the same session moved, old ones dropped, new ones added.
    Unchanged sessions keep their id and are left out."""
    kept = {s.id for s in current} & {s.id for s in previous}
    old = [s for s in previous if s.id not in kept]
    new = [s for s in current if s.id not in kept]
    pairs = []
    dropped = []
    for session in old:
        students = set(session.students)
        match = next((s for s in new if set(s.students) == students), None)
        if match is None:
            match = next((s for s in new if students & set(s.students)), None)
        if match is None:
            dropped.append(session)
        else:
            new.remove(match)
            pairs.append((session, match))
    return pairs, dropped, new


def _day_of(monday: dt.date, day: str) -> dt.date:
    return monday + dt.timedelta(days=DAY_INDEX[day])


def _starts_at(monday: dt.date, session: PlannedSession) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(_day_of(monday, session.day), time_of(session.start))
    )


def _activity(scenario: Mapping[str, Any], block: str) -> str:
    for room in scenario.get("classrooms", []):
        for item in room.get("blocks", []):
            if item["id"] == block:
                return str(item["activity"])
    return ""


@transaction.atomic
def week_apply(
    *,
    run: PlanRun,
    user: User,
    reason: str = MissReason.PROVIDER_CONFLICT,
) -> WeekChange:
    """Apply a one-week re-plan to that week's dated sessions: move what moved (a one-day
    override), add what was added, call off what was left out (with `reason` as each
    student's miss reason). Raises WeekChanged when the week changed since the run."""
    if run.week_of is None:
        raise ValueError("a one-week re-plan names its week")
    monday = run.week_of
    now = timezone.localtime()
    id_map = IdMap.from_json(run.id_map)
    previous = plan_from_dict(run.scenario.get("previous_plan") or {"sessions": []})
    plan: Plan = plan_from_dict(run.plan_data)
    provider = run.providers.get()
    Provider.objects.select_for_update().filter(pk=provider.pk).first()

    pks = {pk for s in previous.sessions if (pk := week_session_pk(s.id)) is not None}
    dated = {
        s.pk: s
        for s in DatedSession.objects.filter(pk__in=pks, provider=provider)
        .select_related("class_lesson")
        .prefetch_related("members")
    }
    if any(pk not in dated or not is_replannable(dated[pk], now) for pk in pks):
        raise WeekChanged(
            "The week changed since this plan was made (a session was logged, moved or "
            "has started): re-plan the week again."
        )
    open_now = {
        s.pk for s in _week_sessions(provider, monday) if is_replannable(s, now) and s.members.all()
    }
    if open_now - set(run.week_sessions):
        raise WeekChanged(
            "The week has new sessions since this plan was made: re-plan the week again."
        )

    pairs, dropped, added = _match(previous.sessions, plan.sessions)
    # The plan was made earlier: a time it chose may have gone by since (a run accepted
    # on Wednesday that adds a session on Tuesday). Nothing is placed in the past.
    gone_by = sorted(
        (at, new.day)
        for new in [*(new for _, new in pairs), *added]
        if (at := _starts_at(monday, new)) <= now
    )
    if gone_by:
        at, _ = gone_by[0]
        raise WeekChanged(
            f"This plan places a session at a time that has gone by ({at:%a %b %-d %H:%M}): "
            "re-plan the week again."
        )
    for old, new in pairs:
        session = dated[week_session_pk(old.id) or 0]
        _move(session, new, monday=monday, scenario=run.scenario, id_map=id_map, user=user)
    for old in dropped:
        _call_off(dated[week_session_pk(old.id) or 0], reason=reason, user=user)
    for new in added:
        _add(new, provider=provider, monday=monday, scenario=run.scenario, id_map=id_map, user=user)
    return WeekChange(moved=len(pairs), added=len(added), called_off=len(dropped))


def _set_members(
    session: DatedSession, planned: PlannedSession, *, monday: dt.date, id_map: IdMap, user: User
) -> None:
    """The moved session's students are the plan's. One it takes out (named among the
    run's losses, `week_previous_sessions`) loses that record, with an audit entry."""
    wanted = {id_map.students[key]: planned.focus.get(key, "") for key in planned.students}
    current = {m.student_id: m for m in session.members.all()}
    gone = [m for pk, m in current.items() if pk not in wanted]
    if gone:
        SessionStudent.objects.filter(pk__in=[m.pk for m in gone]).delete()
        for member in gone:
            audit_record(
                actor=user,
                action=AuditAction.DELETE,
                obj=session,
                student_id=member.student_id,
                detail={"left_out_for_week_of": str(monday)},
            )
    for student_pk, goal in wanted.items():
        if student_pk not in current:
            SessionStudent.objects.create(
                session=session, student_id=student_pk, focus_goal_id=id_map.goals.get(goal)
            )


def _move(
    session: DatedSession,
    planned: PlannedSession,
    *,
    monday: dt.date,
    scenario: Mapping[str, Any],
    id_map: IdMap,
    user: User,
) -> None:
    before = f"{session.date} {session.start:%H:%M}"
    session.date = _day_of(monday, planned.day)
    session.start = time_of(planned.start)
    session.end = time_of(planned.end)
    session.classroom_id = id_map.classrooms[planned.classroom]
    session.activity = _activity(scenario, planned.block)
    session.is_override = True
    session.save(update_fields=["date", "start", "end", "classroom", "activity", "is_override"])
    _set_members(session, planned, monday=monday, id_map=id_map, user=user)
    for student_pk in {id_map.students[key] for key in planned.students}:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=session,
            student_id=student_pk,
            detail={"moved_from": before, "moved_to": f"{session.date} {session.start:%H:%M}"},
        )


def _call_off(session: DatedSession, *, reason: str, user: User) -> None:
    session.cancel_reason = "Left out by a one-week re-plan (a dated timetable change)."
    session.is_override = True
    session.status = SessionStatus.LOGGED
    session.save(update_fields=["cancel_reason", "is_override", "status"])
    for member in session.members.all():
        member.attendance = reason
        member.save(update_fields=["attendance"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=session,
            student_id=member.student_id,
            detail={"called_off": reason},
        )


def _add(
    planned: PlannedSession,
    *,
    provider: Provider,
    monday: dt.date,
    scenario: Mapping[str, Any],
    id_map: IdMap,
    user: User,
) -> None:
    session = DatedSession.objects.create(
        provider=provider,
        classroom_id=id_map.classrooms[planned.classroom],
        date=_day_of(monday, planned.day),
        start=time_of(planned.start),
        end=time_of(planned.end),
        activity=_activity(scenario, planned.block),
        delivery=planned.delivery,
        is_override=True,
    )
    for key in planned.students:
        SessionStudent.objects.create(
            session=session,
            student_id=id_map.students[key],
            focus_goal_id=id_map.goals.get(planned.focus.get(key, "")),
        )
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=session,
            student_id=id_map.students[key],
            detail={"added_for_week_of": str(monday)},
        )
