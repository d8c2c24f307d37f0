"""Actions of the planning app: plan runs, accepting a plan, moving and pinning sessions.

Each service is keyword-only and atomic, and writes an audit entry per student record it
touches (ids only).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.concurrency import EditConflict, version_claim
from pushin.district.models import ActivityBlock, District, Provider
from pushin.leases import lease_expired, solver_lease
from pushin.planning.losses import Loss, losses_audit, run_losses
from pushin.planning.models import (
    PlanRun,
    RunDecision,
    RunKind,
    RunStatus,
    ScheduledSession,
    ScheduledSessionStudent,
    StandingSchedule,
)
from pushin.planning.move_offers import best_focus
from pushin.planning.scenario_build import IdMap, scenario_build
from pushin.planning.standing import schedule_as_plan, schedule_sessions
from pushin.planning.validation import Problem, check_plan, schedule_problems
from pushin.planning.week import WeekChange, WeekChanged, week_apply, week_scenario
from pushin.scheduling.bounded import (
    WALL_FACTOR,
    WALL_MARGIN_SECONDS,
    SizeLimits,
    TooLarge,
    check_size,
)
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.plan import Plan, PlannedSession
from pushin.scheduling.scenario import Scenario, parse_scenario, scenario_to_dict
from pushin.sessions.calendar import calendar_sync, school_days
from pushin.timespans import minutes_of, monday_of, time_of
from pushin.vocabulary import MissReason


class PlanInputError(Exception):
    """The week cannot be described to the engine (e.g. a missing travel time)."""

    def __init__(self, messages: list[str], *, id_map: IdMap, scenario: dict[str, Any]) -> None:
        super().__init__(f"{len(messages)} input problems")
        self.messages = messages
        self.id_map = id_map
        self.scenario = scenario


class SamePlanQueued(Exception):
    """The same plan (same kind, providers, week, time limit and inputs) is already waiting
    for a worker or being solved: a double click, or two people at once. Nothing new is
    stored; `run` is the one to follow."""

    def __init__(self, run: PlanRun) -> None:
        super().__init__(f"the same plan is already queued (run {run.pk})")
        self.run = run


class PlanRefused(Exception):
    """A plan or a change breaks the engine's rules; nothing was written."""

    def __init__(
        self, problems: list[Problem], *, id_map: IdMap, scenario: Scenario | None = None
    ) -> None:
        super().__init__(f"{len(problems)} rules broken")
        self.problems = problems
        self.id_map = id_map
        self.scenario = scenario


class AcceptRefused(ValueError):
    """An accept that cannot go ahead as asked (a date in the past, losses not confirmed)."""


ACCEPTED_MEANWHILE = "someone accepted another plan a moment ago"
# What changed under a stale move or pin form (pushin/concurrency.py).
WEEKLY_SESSION = "This weekly session"


class AcceptedMeanwhile(AcceptRefused):
    """Another plan was accepted for one of the run's providers after the run read their
    schedule: accepting this one would silently undo it. Nothing was written."""

    def __init__(self) -> None:
        super().__init__(ACCEPTED_MEANWHILE)


class WeekChangedSinceRun(AcceptRefused):
    """A one-week re-plan no longer fits its week (a session of it was logged or has
    started, or a time it chose has gone by): the week must be re-planned. Nothing was
    written and the run stays undecided."""


class LossesNotConfirmed(AcceptRefused):
    """The plan leaves students with fewer minutes; the provider must confirm it."""

    def __init__(self, losses: Sequence[Loss]) -> None:
        super().__init__(
            "this plan leaves students with fewer minutes: read the warning and confirm it"
        )
        self.losses = list(losses)


def next_school_day(district: District, after: dt.date) -> dt.date:
    """The first school day after `after` (the day after it when the year is over)."""
    days = school_days(district, after + dt.timedelta(days=1), district.school_year_end)
    return days[0] if days else after + dt.timedelta(days=1)


def default_effective_from(run: PlanRun) -> dt.date:
    """When an accepted plan starts by default: the next school day, or the Monday of the
    week that was planned when that is later."""
    district = run.district
    start = next_school_day(district, timezone.localdate())
    if run.week_of is not None and run.week_of > start:
        return run.week_of
    return start


def default_time_limit() -> float:
    return float(getattr(settings, "PUSHIN_PLAN_TIME_LIMIT", 10.0))


def size_limits() -> SizeLimits:
    return SizeLimits(
        students=settings.PUSHIN_PLAN_MAX_STUDENTS,
        candidates=settings.PUSHIN_PLAN_MAX_CANDIDATES,
    )


def solver_limits(time_limit: float) -> tuple[int, float]:
    """(memory in MB, wall-clock seconds) for one solve in its child process."""
    return (
        settings.PUSHIN_SOLVER_MEMORY_MB,
        time_limit * WALL_FACTOR + WALL_MARGIN_SECONDS,
    )


def schedule_revisions(providers: Sequence[Provider]) -> dict[str, int]:
    """Each provider's schedule revision now, as a run stores it (JSON keys are text)."""
    rows = Provider.objects.filter(pk__in=[p.pk for p in providers])
    return {str(pk): rev for pk, rev in rows.values_list("pk", "schedule_revision")}


def _schedules_claim(run: PlanRun | None, providers: Sequence[Provider]) -> None:
    """Lock the providers' rows (in pk order, so two accepts never deadlock) and move their
    schedule revisions on. Refuses (AcceptedMeanwhile) when another accept moved one since
    `run` read it: both would otherwise show "accepted" and the first would be lost."""
    pks = sorted(p.pk for p in providers)
    locked = Provider.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    now = dict(locked.values_list("pk", "schedule_revision"))
    base = run.base_revisions if run is not None else {}
    # A run made before runs kept their base (no entry) is not checked.
    if any(str(pk) in base and base[str(pk)] != now.get(pk) for pk in pks):
        raise AcceptedMeanwhile()
    Provider.objects.filter(pk__in=pks).update(schedule_revision=F("schedule_revision") + 1)


def active_schedule(provider: Provider) -> StandingSchedule | None:
    return StandingSchedule.objects.filter(provider=provider, active=True).first()


@dataclasses.dataclass(frozen=True)
class ReplanInputs:
    previous: Plan
    pinned: tuple[str, ...]
    unpinned: tuple[str, ...]  # pinned sessions that can no longer happen as they are


def replan_inputs(
    *, provider: Provider, schedule: StandingSchedule, scenario: Scenario, id_map: IdMap
) -> ReplanInputs:
    """The standing schedule as the previous plan; its pinned sessions stay pinned unless
    the current timetable breaks them (a pin the engine cannot keep would stop the run)."""
    sessions = schedule_sessions(schedule)
    as_plan = schedule_as_plan(
        provider_pk=provider.pk,
        sessions=sessions,
        scenario=scenario,
        id_map=id_map,
        skip_days=id_map.closed_days,
    )
    broken = {
        sid for problem in schedule_problems(scenario, as_plan.plan) for sid in problem.sessions
    }
    pinned = tuple(
        s.plan_session_id for s in sessions if s.pinned and s.plan_session_id not in broken
    )
    unpinned = tuple(
        s.plan_session_id for s in sessions if s.pinned and s.plan_session_id in broken
    )
    # Sessions on closure days do not happen that week: they are left out of the previous
    # plan, so they count neither as kept nor as moved.
    return ReplanInputs(previous=as_plan.plan, pinned=pinned, unpinned=unpinned)


@transaction.atomic
def plan_run_create(
    *,
    user: User | None,
    district: District,
    providers: Sequence[Provider],
    kind: str = RunKind.STANDING,
    week_of: dt.date | None = None,
    time_limit: float | None = None,
) -> PlanRun:
    """Build the scenario, store it on a new PlanRun and queue the solve.

    Raises PlanInputError when the engine would refuse the scenario, SamePlanQueued when
    the same plan is already queued or running (in both cases nothing is stored).
    """
    from pushin.planning.tasks import plan_run_execute

    providers = sorted(providers, key=lambda p: p.pk)
    # Read before the scenario: an accept from here on makes this run out of date.
    base_revisions = schedule_revisions(providers)
    week_sessions: list[int] = []
    if kind == RunKind.WEEK:
        if len(providers) != 1 or week_of is None:
            raise ValueError("a one-week re-plan is for one provider and one week")
        week_of = monday_of(week_of)
        scenario, id_map, week_sessions = week_scenario(provider=providers[0], monday=week_of)
    else:
        scenario, id_map = scenario_build(district=district, providers=providers, week_of=week_of)
    progress = "Waiting for a worker"
    if kind == RunKind.REPLAN:
        if len(providers) != 1:
            raise ValueError("a re-plan is for one provider")
        schedule = active_schedule(providers[0])
        if schedule is None:
            raise PlanInputError(
                ["There is no standing schedule to re-plan yet: plan the week first."],
                id_map=id_map,
                scenario=scenario_to_dict(scenario),
            )
        inputs = replan_inputs(
            provider=providers[0], schedule=schedule, scenario=scenario, id_map=id_map
        )
        scenario = dataclasses.replace(
            scenario, previous_plan=inputs.previous, pinned=inputs.pinned
        )
        if inputs.unpinned:
            progress += (
                f" ({len(inputs.unpinned)} pinned sessions no longer fit and are free to move)"
            )
    data = scenario_to_dict(scenario)
    try:
        parse_scenario(data)
    except ScenarioError as error:
        raise PlanInputError(
            [str(issue) for issue in error.errors], id_map=id_map, scenario=data
        ) from error
    try:
        check_size(scenario, size_limits())
    except TooLarge as error:
        raise PlanInputError(
            [f"This plan is too large to run: {error}"], id_map=id_map, scenario=data
        ) from error
    limit = time_limit if time_limit is not None else default_time_limit()
    same = _same_plan_queued(
        providers=providers, kind=kind, week_of=id_map.week_of, time_limit=limit, scenario=data
    )
    if same is not None:
        raise SamePlanQueued(same)
    run = PlanRun.objects.create(
        district=district,
        requested_by=user,
        kind=kind,
        week_of=id_map.week_of,
        status=RunStatus.QUEUED,
        progress=progress,
        time_limit=limit,
        scenario=data,
        id_map=id_map.to_json(),
        week_sessions=week_sessions,
        base_revisions=base_revisions,
    )
    run.providers.set(providers)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=run,
        detail={"providers": [p.pk for p in providers], "students": len(scenario.students)},
    )
    plan_run_execute.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _same_plan_queued(
    *,
    providers: Sequence[Provider],
    kind: str,
    week_of: dt.date | None,
    time_limit: float,
    scenario: dict[str, Any],
) -> PlanRun | None:
    """A run of exactly this plan waiting for a worker or being solved, if any (a run
    silent past its lease is not: its worker is gone, pushin/leases.py). The providers'
    rows are locked first (in pk order, as an accept does), so of two requests at once the
    second waits for the first to commit and then finds its run."""
    pks = sorted(p.pk for p in providers)
    list(Provider.objects.select_for_update().filter(pk__in=pks).order_by("pk").values("pk"))
    stored = json.loads(json.dumps(scenario))  # as the JSON field gives it back
    waiting = (
        PlanRun.objects.filter(
            kind=kind,
            week_of=week_of,
            time_limit=time_limit,
            status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
            providers__in=pks,
        )
        .distinct()
        .order_by("pk")
    )
    for run in waiting:
        if run.status == RunStatus.RUNNING and lease_expired(
            run.heartbeat_at, lease=solver_lease()
        ):
            continue
        if sorted(run.providers.values_list("pk", flat=True)) == pks and run.scenario == stored:
            return run
    return None


def _check_effective_from(district: District, effective_from: dt.date) -> None:
    today = timezone.localdate()
    if effective_from < today:
        raise AcceptRefused(
            f"a schedule cannot start in the past ({effective_from:%a %b %-d}); "
            f"choose today ({today:%a %b %-d}) or later"
        )
    if effective_from > district.school_year_end:
        raise AcceptRefused(
            f"{effective_from:%a %b %-d, %Y} is after the school year ends "
            f"({district.school_year_end:%b %-d, %Y})"
        )


def _new_schedule(
    *,
    provider: Provider,
    effective_from: dt.date,
    user: User | None,
    source_run: PlanRun | None,
) -> StandingSchedule:
    """A new schedule in force from `effective_from`: every schedule of the provider still
    in force then ends the day before (one that had not begun yet never begins)."""
    # One acceptance at a time per provider: the row lock orders concurrent accepts.
    Provider.objects.select_for_update().filter(pk=provider.pk).first()
    _check_effective_from(provider.district, effective_from)
    day_before = effective_from - dt.timedelta(days=1)
    for older in StandingSchedule.objects.filter(provider=provider).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)
    ):
        older.effective_to = max(day_before, older.effective_from - dt.timedelta(days=1))
        older.active = False
        older.save(update_fields=["effective_to", "active"])
    StandingSchedule.objects.filter(provider=provider, active=True).update(active=False)
    return StandingSchedule.objects.create(
        provider=provider,
        accepted_by=user,
        source_run=source_run,
        active=True,
        effective_from=effective_from,
    )


def _store_schedule(
    *,
    provider: Provider,
    sessions: Sequence[PlannedSession],
    id_map: IdMap,
    user: User | None,
    source_run: PlanRun | None,
    keep_pins: set[str],
    effective_from: dt.date,
) -> StandingSchedule:
    schedule = _new_schedule(
        provider=provider, effective_from=effective_from, user=user, source_run=source_run
    )
    block_pks = {pk for pk in id_map.blocks.values() if pk is not None}
    existing = set(ActivityBlock.objects.filter(pk__in=block_pks).values_list("pk", flat=True))
    rows = []
    for session in sessions:
        block_pk = id_map.blocks.get(session.block)
        rows.append(
            ScheduledSession(
                schedule=schedule,
                plan_session_id=session.id,
                classroom_id=id_map.classrooms[session.classroom],
                block_id=block_pk if block_pk in existing else None,
                day=session.day,
                start=time_of(session.start),
                end=time_of(session.end),
                delivery=session.delivery,
                pinned=session.id in keep_pins,
            )
        )
    created = ScheduledSession.objects.bulk_create(rows)
    members = []
    touched: dict[int, list[str]] = {}
    for row, session in zip(created, sessions, strict=True):
        for key in session.students:
            student_pk = id_map.students[key]
            goal = session.focus.get(key, "")
            members.append(
                ScheduledSessionStudent(
                    session=row, student_id=student_pk, focus_goal_id=id_map.goals.get(goal)
                )
            )
            touched.setdefault(student_pk, []).append(session.id)
    ScheduledSessionStudent.objects.bulk_create(members)
    for student_pk, session_ids in touched.items():
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            obj=schedule,
            student_id=student_pk,
            detail={"sessions": session_ids, "from": str(effective_from)},
        )
    calendar_sync(provider=provider, actor=user)
    return schedule


def _decidable(run: PlanRun) -> PlanRun:
    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DONE or not run.plan:
        raise AcceptRefused("only a finished plan can be accepted")
    if run.decision == RunDecision.ACCEPTED:
        raise AcceptRefused("this plan is already accepted")
    if run.decision == RunDecision.REJECTED:
        raise AcceptRefused("this plan was rejected")
    return run


@transaction.atomic
def plan_accept(
    *,
    run: PlanRun,
    user: User,
    effective_from: dt.date | None = None,
    losses_confirmed: bool = False,
) -> list[StandingSchedule]:
    """Make a finished run's plan the standing schedule of each of its providers, in force
    from `effective_from` (default: `default_effective_from`). A plan that leaves students
    with fewer minutes than the schedule it replaces needs `losses_confirmed`."""
    run = _decidable(run)
    if run.kind == RunKind.WEEK:
        raise AcceptRefused("a one-week re-plan changes its week only: use week_plan_accept")
    providers = list(run.providers.order_by("pk"))
    _schedules_claim(run, providers)
    start = effective_from if effective_from is not None else default_effective_from(run)
    # Against what the accept replaces from `start`, which may not be what the run began
    # from (a schedule accepted since, or one set to begin later).
    losses = run_losses(run, effective_from=start)
    if losses and not losses_confirmed:
        raise LossesNotConfirmed(losses)
    id_map = IdMap.from_json(run.id_map)
    plan_data = run.plan_data
    from pushin.scheduling.plan import plan_from_dict

    plan = plan_from_dict(plan_data)
    keep_pins: set[str] = set()
    if run.kind == RunKind.REPLAN:
        pinned = run.scenario.get("pinned", [])
        kept_ids = {s.id for s in plan.sessions}
        keep_pins = {sid for sid in pinned if sid in kept_ids}
    schedules = []
    for provider in providers:
        own = [s for s in plan.sessions if s.provider == f"p{provider.pk}"]
        schedules.append(
            _store_schedule(
                provider=provider,
                sessions=own,
                id_map=id_map,
                user=user,
                source_run=run,
                keep_pins=keep_pins,
                effective_from=start,
            )
        )
    run.decision = RunDecision.ACCEPTED
    run.save(update_fields=["decision"])
    if losses:
        losses_audit(run=run, losses=losses, user=user)
    return schedules


@transaction.atomic
def week_plan_accept(
    *,
    run: PlanRun,
    user: User,
    losses_confirmed: bool = False,
    reason: str = MissReason.PROVIDER_CONFLICT,
) -> WeekChange:
    """Apply a one-week re-plan to that week's dated sessions only (see planning/week.py).
    Sessions it leaves out are called off with `reason`; students left with fewer minutes
    that week need `losses_confirmed`."""
    run = _decidable(run)
    if run.kind != RunKind.WEEK:
        raise AcceptRefused("only a one-week re-plan changes a single week")
    # A weekly accept since the run changes that week's sessions too, and the other way
    # round: one revision per provider orders both kinds.
    _schedules_claim(run, list(run.providers.all()))
    losses = run_losses(run)
    if losses and not losses_confirmed:
        raise LossesNotConfirmed(losses)
    try:
        change = week_apply(run=run, user=user, reason=reason)
    except WeekChanged as error:
        raise WeekChangedSinceRun(str(error)) from error
    run.decision = RunDecision.ACCEPTED
    run.save(update_fields=["decision"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=run,
        detail={
            "decision": "accepted",
            "week_of": str(run.week_of),
            "moved": change.moved,
            "added": change.added,
            "called_off": change.called_off,
        },
    )
    if losses:
        losses_audit(run=run, losses=losses, user=user)
    return change


@transaction.atomic
def plan_run_cancel(*, run: PlanRun, user: User) -> PlanRun:
    """Stop a queued or running plan: the worker sees it within a second and stops the
    solver; nothing is accepted."""
    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if run.is_finished:
        raise AcceptRefused("this plan has already finished")
    run.status = RunStatus.CANCELLED
    run.finished_at = timezone.now()
    run.progress = "Cancelled"
    run.save(update_fields=["status", "finished_at", "progress"])
    audit_record(actor=user, action=AuditAction.UPDATE, obj=run, detail={"status": "cancelled"})
    return run


@transaction.atomic
def plan_reject(*, run: PlanRun, user: User) -> None:
    """Keep the standing schedule as it is; the run stays in the history as rejected."""
    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if run.decision == RunDecision.ACCEPTED:
        raise AcceptRefused("this plan is already accepted")
    run.decision = RunDecision.REJECTED
    run.save(update_fields=["decision"])
    audit_record(actor=user, action=AuditAction.UPDATE, obj=run, detail={"decision": "rejected"})


@transaction.atomic
def plan_import(
    *,
    provider: Provider,
    plan: Plan,
    user: User | None = None,
    effective_from: dt.date | None = None,
) -> StandingSchedule:
    """Store a plan made outside the web app (the CLI) as the provider's standing schedule
    from `effective_from` (default: the next school day), after the engine's checker
    passed it against the provider's usual week.

    Raises PlanRefused listing every broken rule; nothing is written then.
    """
    scenario, id_map = scenario_build(district=provider.district, providers=[provider])
    own = f"p{provider.pk}"
    problems = [
        Problem(rule=3, message=f"session {s.id} belongs to provider {s.provider}, not {own}")
        for s in plan.sessions
        if s.provider != own
    ]
    problems += [p for p in check_plan(scenario, plan) if p.rule != 8]
    if problems:
        raise PlanRefused(problems, id_map=id_map, scenario=scenario)
    _schedules_claim(None, [provider])
    schedule = _store_schedule(
        provider=provider,
        sessions=plan.sessions,
        id_map=id_map,
        user=user,
        source_run=None,
        keep_pins=set(),
        effective_from=effective_from or next_school_day(provider.district, timezone.localdate()),
    )
    audit_record(
        actor=user,
        action=AuditAction.IMPORT,
        obj=schedule,
        detail={"sessions": len(plan.sessions)},
    )
    return schedule


def _weekly_claim(session: ScheduledSession, version: int | None) -> None:
    """Claim the weekly session at `version`; one of a schedule replaced since (another
    move copied it from today, a plan was accepted) is not the schedule moves edit."""
    version_claim(ScheduledSession.objects, pk=session.pk, expected=version, what=WEEKLY_SESSION)
    if not StandingSchedule.objects.filter(pk=session.schedule_id, active=True).exists():
        raise EditConflict(WEEKLY_SESSION)


@transaction.atomic
def session_move(
    *,
    session: ScheduledSession,
    user: User,
    block: ActivityBlock,
    start: dt.time,
    pin: bool | None = None,
    version: int | None = None,
) -> ScheduledSession:
    """Move a standing session to another block and start time of its classroom.

    The whole schedule with the move is judged by the engine's checker against the
    current timetable. A move that breaks a rule which was not already broken is refused
    (PlanRefused, nothing written); problems the schedule had before are not the move's.
    A session moved or pinned since its form was drawn at `version` is refused too
    (EditConflict).
    """
    _weekly_claim(session, version)
    schedule = session.schedule
    provider = schedule.provider
    scenario, id_map = scenario_build(district=provider.district, providers=[provider])
    if block.classroom_id != session.classroom_id:
        raise PlanRefused(
            [Problem(rule=3, message="A session stays in its students' classroom.")],
            id_map=id_map,
        )
    sessions = schedule_sessions(schedule)
    before = schedule_as_plan(
        provider_pk=provider.pk, sessions=sessions, scenario=scenario, id_map=id_map
    )
    known = {p.key for p in schedule_problems(scenario, before.plan)}
    target = next(s for s in sessions if s.pk == session.pk)
    length = target.minutes
    target.day = block.day
    target.start = start
    target.end = time_of(min(minutes_of(start) + length, 24 * 60 - 1))
    target.block = block
    refocus: list[tuple[ScheduledSessionStudent, str]] = []
    for member in target.members.all():
        key = id_map.student_key(member.student_id, provider.pk) or f"st{member.student_id}"
        current = f"g{member.focus_goal_id}" if member.focus_goal_id else ""
        chosen = best_focus(scenario, key, current, block.activity)
        if chosen != current and chosen in id_map.goals:
            member.focus_goal_id = id_map.goals[chosen]
            refocus.append((member, chosen))
    after = schedule_as_plan(
        provider_pk=provider.pk, sessions=sessions, scenario=scenario, id_map=id_map
    )
    new_problems = [p for p in schedule_problems(scenario, after.plan) if p.key not in known]
    if new_problems:
        raise PlanRefused(new_problems, id_map=id_map, scenario=scenario)
    if pin is not None:
        target.pinned = pin
    editable = schedule_edition(schedule=schedule, user=user)
    if editable.pk != schedule.pk:
        target = editable.sessions.get(plan_session_id=target.plan_session_id)
        refocus = [
            (target.members.get(student_id=member.student_id), goal) for member, goal in refocus
        ]
        for member, goal in refocus:
            member.focus_goal_id = id_map.goals[goal]
        target.day, target.start, target.end, target.block = (
            block.day,
            start,
            time_of(min(minutes_of(start) + length, 24 * 60 - 1)),
            block,
        )
        if pin is not None:
            target.pinned = pin
    target.save(update_fields=["day", "start", "end", "block", "pinned"])
    for member, _ in refocus:
        member.save(update_fields=["focus_goal"])
    for member in target.members.all():
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=target,
            student_id=member.student_id,
            detail={"moved_to": f"{block.day} {start:%H:%M}", "block": block.pk},
        )
    calendar_sync(provider=provider, actor=user)
    return target


def schedule_edition(*, schedule: StandingSchedule, user: User) -> StandingSchedule:
    """The schedule a change from today on may edit: `schedule` itself while it has not
    been in force before today, else a copy in force from today (the original ends
    yesterday), so the schedule of past weeks stays what it was."""
    today = timezone.localdate()
    if schedule.effective_from >= today:
        return schedule
    copy = _new_schedule(
        provider=schedule.provider,
        effective_from=today,
        user=user,
        source_run=schedule.source_run,
    )
    for weekly in schedule_sessions(schedule):
        members = list(weekly.members.all())
        weekly.pk = None
        weekly.schedule = copy
        weekly.save(force_insert=True)
        ScheduledSessionStudent.objects.bulk_create(
            ScheduledSessionStudent(
                session=weekly, student_id=m.student_id, focus_goal_id=m.focus_goal_id
            )
            for m in members
        )
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=copy,
        detail={"copy_of": schedule.pk, "from": str(today)},
    )
    return copy


@transaction.atomic
def session_pin_set(
    *, session: ScheduledSession, user: User, pinned: bool, version: int | None = None
) -> ScheduledSession:
    """Pin a session (a re-plan keeps it unchanged) or let it move again; refused
    (EditConflict) when it was moved or pinned since its form was drawn at `version`."""
    _weekly_claim(session, version)
    session.pinned = pinned
    session.save(update_fields=["pinned"])
    for member in session.members.all():
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=session,
            student_id=member.student_id,
            detail={"pinned": pinned},
        )
    return session


@transaction.atomic
def calendar_token_regenerate(*, provider: Provider, user: User) -> str:
    """A new secret calendar address; the old one stops working at once."""
    provider.calendar_token = secrets.token_urlsafe(32)
    provider.save(update_fields=["calendar_token"])
    audit_record(
        actor=user, action=AuditAction.UPDATE, obj=provider, detail={"field": "calendar_token"}
    )
    return provider.calendar_token


@transaction.atomic
def calendar_token_revoke(*, provider: Provider, user: User) -> None:
    """Turn the calendar feed off."""
    provider.calendar_token = ""
    provider.save(update_fields=["calendar_token"])
    audit_record(
        actor=user, action=AuditAction.UPDATE, obj=provider, detail={"field": "calendar_token"}
    )
