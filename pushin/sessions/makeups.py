"""Makeup sessions: proposed by the scheduler in the provider's free time, accepted as
dated sessions linked to the misses they make up.

"Schedule makeups" for a provider:
1. what is owed: the provider's students' owed misses (`ledger`) that no planned makeup
   covers yet, oldest first;
2. the next N school days (default 10, from tomorrow), week by week: the week's scenario
   from `planning.scenario_build` (dated timetable exceptions and closures applied), with
   - the provider's working windows kept only on the days of the window,
   - the provider's sessions already planned on those dates as busy time (dated
     sessions, and weekly sessions of the standing schedule not expanded yet), each
     padded by the longest travel from its school, because the engine cannot see
     where the provider is during a busy time,
   - the student's sessions with other providers on those dates as unavailable time,
   - only owed students, each asking for one session per owed miss (a miss of 20
     minutes asks for one session of the mandated length: `makeup_for` links one
     session to one miss), capped at one session a day;
3. `pushin.scheduling.solve` with a small time limit; the plan's sessions become dated
   proposals, each student's slot linked to their oldest owed miss; what the first week
   could not place is asked of the next.

The solver runs on the task queue, never in the web request: `makeup_run_create` stores a
`MakeupRun` and enqueues `sessions.tasks.makeup_run_execute`, which calls `makeup_propose`
and stores `makeup_result(plan)` (tokens and ids only); the run's page rebuilds the plan
with `makeup_plan_from_result` and today's owed misses.

Accepting proposals (`makeup_accept`) creates a DatedSession (is_makeup) per proposal
with a SessionStudent per student whose `makeup_for` is the missed record, after checking
again that the miss is still owed, the date is still ahead (a proposal dated before today
is refused) and the provider is free then. A makeup is logged like any dated session:
nothing is delivered, taken or signed before it starts (`services.not_started_message`).
A makeup that is itself missed leaves the miss owed (the ledger counts only delivered
makeup minutes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.caseload.models import Goal, Student
from pushin.district.models import Classroom, Provider, TravelTime
from pushin.planning.scenario_build import (
    DAYS,
    EXCLUDED_WORDS,
    IdMap,
    scenario_build,
)
from pushin.planning.words import REASON_WORDS as SHORTFALL_WORDS
from pushin.scheduling.bounded import SizeLimits, check_size, solve_bounded
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.plan import Plan, plan_from_dict
from pushin.scheduling.scenario import Interval, Scenario, parse_scenario, scenario_to_dict
from pushin.sessions.compliance import standings
from pushin.sessions.ledger import MissLine, SchoolCalendar, load_ledgers
from pushin.sessions.models import DatedSession, MakeupRun, SessionStudent
from pushin.timespans import minutes_of, monday_of, time_of
from pushin.vocabulary import activity_label

DEFAULT_DAYS = 10
MAX_DAYS = 20
DEFAULT_TIME_LIMIT = 3.0
PROPOSAL_SALT = "pushin.makeup-proposal"
__all__ = ["EXCLUDED_WORDS", "SHORTFALL_WORDS"]  # re-exported for the makeup page
TOKEN_MAX_AGE = 24 * 60 * 60


def default_time_limit() -> float:
    """Seconds of solver time per week of proposals (setting PUSHIN_MAKEUP_TIME_LIMIT)."""
    return float(getattr(settings, "PUSHIN_MAKEUP_TIME_LIMIT", DEFAULT_TIME_LIMIT))


class MakeupDaysForm(forms.Form):
    days = forms.IntegerField(
        label="School days ahead",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"From tomorrow; at most {MAX_DAYS}.",
    )


@dataclass(frozen=True)
class ProposalMember:
    student_id: int
    record_id: int  # the missed SessionStudent this makes up
    goal_id: int | None


@dataclass(frozen=True)
class Proposal:
    provider_id: int
    date: dt.date
    start: dt.time
    end: dt.time
    classroom_id: int
    activity: str
    delivery: str
    members: tuple[ProposalMember, ...]

    @property
    def minutes(self) -> int:
        return minutes_of(self.end) - minutes_of(self.start)

    def token(self) -> str:
        """The proposal, signed, for the accept form (tampering is refused on accept)."""
        return signing.dumps(
            {
                "p": self.provider_id,
                "d": self.date.isoformat(),
                "s": f"{self.start:%H:%M}",
                "e": f"{self.end:%H:%M}",
                "c": self.classroom_id,
                "a": self.activity,
                "v": self.delivery,
                "m": [[m.student_id, m.record_id, m.goal_id] for m in self.members],
            },
            salt=PROPOSAL_SALT,
            compress=True,
        )

    @classmethod
    def from_token(cls, token: str) -> Proposal:
        """Raises ValidationError for a token that is not ours, altered or stale."""
        try:
            data: dict[str, Any] = signing.loads(token, salt=PROPOSAL_SALT, max_age=TOKEN_MAX_AGE)
            return cls(
                provider_id=int(data["p"]),
                date=dt.date.fromisoformat(data["d"]),
                start=dt.time.fromisoformat(data["s"]),
                end=dt.time.fromisoformat(data["e"]),
                classroom_id=int(data["c"]),
                activity=str(data["a"]),
                delivery=str(data["v"]),
                members=tuple(
                    ProposalMember(int(s), int(r), int(g) if g is not None else None)
                    for s, r, g in data["m"]
                ),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
            raise ValidationError(
                "This proposal has expired or was changed: ask for new proposals."
            ) from error


@dataclass
class Unplaced:
    student_id: int
    minutes: int
    reasons: tuple[str, ...] = ()


@dataclass
class MakeupPlan:
    days: list[dt.date]
    owed: dict[int, list[MissLine]]
    proposals: list[Proposal] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    not_plannable: dict[int, str] = field(default_factory=dict)  # student -> excluded code
    errors: list[str] = field(default_factory=list)
    stale: int = 0  # stored proposals dropped on rebuilding: expired, or no longer needed

    @property
    def owed_minutes(self) -> int:
        return sum(line.to_plan for lines in self.owed.values() for line in lines)


def makeup_owed(
    *, provider: Provider, today: dt.date
) -> tuple[dict[int, list[MissLine]], SchoolCalendar]:
    """Student pk -> owed misses of the provider's service line no planned makeup covers
    yet (oldest first), and the district's calendar."""
    students = list(Student.objects.filter(providers=provider, active=True).order_by("pk"))
    book = load_ledgers(district=provider.district, students=[s.pk for s in students], today=today)
    owed: dict[int, list[MissLine]] = {}
    for standing in standings(book, students, discipline=provider.discipline):
        lines = sorted(
            (line for line in standing.ledger.owed_lines if line.to_plan > 0),
            key=lambda line: (line.record.date, line.record.start, line.record.pk or 0),
        )
        if lines:
            owed.setdefault(standing.student.pk, []).extend(lines)
    return owed, book.calendar


# --- Proposing -----------------------------------------------------------------------------


def _busy_on(
    provider: Provider, dates: Sequence[dt.date]
) -> dict[dt.date, list[tuple[int, int, int]]]:
    """date -> (start, end, school pk) of the provider's sessions that day: every dated
    session (the calendar stores the schedules in force ahead of time), makeups too, but
    not the ones called off in advance."""
    result: dict[dt.date, list[tuple[int, int, int]]] = defaultdict(list)
    if not dates:
        return result
    dated = DatedSession.objects.filter(
        provider=provider, date__in=list(dates), cancel_reason=""
    ).values_list("date", "start", "end", "classroom__school_id")
    for date, start, end, school in dated:
        result[date].append((minutes_of(start), minutes_of(end), school))
    return result


def _student_busy(
    student_ids: Sequence[int], provider: Provider, dates: Sequence[dt.date]
) -> dict[tuple[int, dt.date], list[tuple[int, int]]]:
    """(student, date) -> times of the student's sessions with other providers."""
    rows = (
        SessionStudent.objects.filter(
            student_id__in=list(student_ids), session__date__in=list(dates)
        )
        .exclude(session__provider=provider)
        .values_list("student_id", "session__date", "session__start", "session__end")
    )
    result: dict[tuple[int, dt.date], list[tuple[int, int]]] = defaultdict(list)
    for student_id, date, start, end in rows:
        result[(student_id, date)].append((minutes_of(start), minutes_of(end)))
    return result


def _travel_pad(district_id: int) -> dict[int, int]:
    """School pk -> the longest travel from it to another school of the district."""
    pad: dict[int, int] = defaultdict(int)
    for a, b, minutes in TravelTime.objects.filter(
        from_school__district_id=district_id
    ).values_list("from_school_id", "to_school_id", "minutes"):
        pad[a] = max(pad[a], minutes)
        pad[b] = max(pad[b], minutes)
    return pad


def _week_scenario(
    scenario: Scenario,
    id_map: IdMap,
    *,
    monday: dt.date,
    dates: Sequence[dt.date],
    wanted: dict[str, int],
    busy: dict[dt.date, list[tuple[int, int, int]]],
    student_busy: dict[tuple[int, dt.date], list[tuple[int, int]]],
    pad: dict[int, int],
) -> Scenario:
    """The week's scenario cut down to the makeup question."""
    days = {DAYS[(date - monday).days]: date for date in dates}
    providers = []
    for provider in scenario.providers:
        extra = [
            Interval(
                day, max(0, start - pad.get(school, 0)), min(24 * 60, end + pad.get(school, 0))
            )
            for day, date in days.items()
            for start, end, school in busy.get(date, [])
        ]
        providers.append(
            dataclasses.replace(
                provider,
                available=tuple(w for w in provider.available if w.day in days),
                busy=(*provider.busy, *extra),
            )
        )
    students = []
    for student in scenario.students:
        minutes = wanted.get(student.id, 0)
        if minutes <= 0:
            continue
        pk = id_map.students[student.id]
        elsewhere = [
            Interval(day, start, end)
            for day, date in days.items()
            for start, end in student_busy.get((pk, date), [])
        ]
        students.append(
            dataclasses.replace(
                student,
                minutes_per_week=minutes,
                unavailable=(*student.unavailable, *elsewhere),
            )
        )
    return dataclasses.replace(
        scenario,
        providers=tuple(providers),
        students=tuple(students),
        pinned=(),
        previous_plan=None,
    )


def makeup_propose(
    *,
    provider: Provider,
    today: dt.date,
    days: int = DEFAULT_DAYS,
    time_limit: float = DEFAULT_TIME_LIMIT,
    should_stop: Callable[[], bool] = lambda: False,
) -> MakeupPlan:
    """Dated makeup proposals for the provider's owed minutes in the next `days` school days.

    `should_stop` is polled while each week solves (the worker's heartbeat and cancel);
    True stops the solve with `Cancelled`."""
    owed, calendar = makeup_owed(provider=provider, today=today)
    window = calendar.after(today, max(1, min(days, MAX_DAYS)))
    plan = MakeupPlan(days=window, owed=owed)
    if not owed or not window:
        return plan
    # Per student, the owed minutes still to place, per miss (oldest first).
    remaining: dict[int, list[list[Any]]] = {
        student: [[line.record.pk, line.to_plan] for line in lines]
        for student, lines in owed.items()
    }
    busy = _busy_on(provider, window)
    student_busy = _student_busy(list(owed), provider, window)
    pad = _travel_pad(provider.district_id)
    weeks: dict[dt.date, list[dt.date]] = defaultdict(list)
    for date in window:
        weeks[monday_of(date)].append(date)
    reasons: dict[int, set[str]] = defaultdict(set)
    for monday, dates in sorted(weeks.items()):
        # The IEPs in force on the week's first day of proposals (never a day before
        # today: a student whose IEP began this week is not "without an IEP").
        scenario, id_map = scenario_build(
            district=provider.district, providers=[provider], week_of=monday, on=dates[0]
        )
        for student_pk, _provider_pk, code in id_map.excluded:
            if student_pk in owed:
                plan.not_plannable[student_pk] = code
        session_minutes: dict[str, int] = {}
        wanted: dict[str, int] = {}
        for student in scenario.students:
            pk = id_map.students[student.id]
            slots = sum(
                -(-minutes // student.session_minutes)
                for _, minutes in remaining.get(pk, [])
                if minutes > 0
            )
            if slots:
                session_minutes[student.id] = student.session_minutes
                wanted[student.id] = min(slots, len(dates)) * student.session_minutes
        if not wanted:
            continue
        question = _week_scenario(
            scenario,
            id_map,
            monday=monday,
            dates=dates,
            wanted=wanted,
            busy=busy,
            student_busy=student_busy,
            pad=pad,
        )
        try:
            checked = parse_scenario(scenario_to_dict(question))
        except ScenarioError as error:
            plan.errors += [str(issue) for issue in error.errors]
            continue
        # Bounded like every solver run: size checked, then a child process with memory
        # and wall-clock limits (pushin/scheduling/bounded.py).
        check_size(
            checked,
            SizeLimits(
                students=settings.PUSHIN_PLAN_MAX_STUDENTS,
                candidates=settings.PUSHIN_PLAN_MAX_CANDIDATES,
            ),
        )
        result = plan_from_dict(
            solve_bounded(
                scenario_to_dict(checked),
                time_limit=time_limit,
                memory_mb=settings.PUSHIN_SOLVER_MEMORY_MB,
                should_stop=should_stop,
            )
        )
        plan.proposals += _proposals(
            result, checked, id_map, provider=provider, monday=monday, remaining=remaining,
            session_minutes=session_minutes,
        )  # fmt: skip
        for shortfall in result.shortfalls:
            reasons[id_map.students[shortfall.student]].update(r.code for r in shortfall.reasons)
    for student_pk, misses in remaining.items():
        left = sum(minutes for _, minutes in misses if minutes > 0)
        if left > 0:
            why = tuple(sorted(reasons.get(student_pk, set())))
            plan.unplaced.append(Unplaced(student_pk, left, why))
    # Only say why a student was left out of a week when something is still unplaced.
    unplaced = {item.student_id for item in plan.unplaced}
    plan.not_plannable = {k: v for k, v in plan.not_plannable.items() if k in unplaced}
    plan.proposals.sort(key=lambda p: (p.date, p.start, p.classroom_id))
    return plan


def _proposals(
    result: Plan,
    scenario: Scenario,
    id_map: IdMap,
    *,
    provider: Provider,
    monday: dt.date,
    remaining: dict[int, list[list[Any]]],
    session_minutes: dict[str, int],
) -> list[Proposal]:
    proposals = []
    for session in sorted(result.sessions, key=lambda s: (DAYS.index(s.day), s.start)):
        members = []
        for key in session.students:
            pk = id_map.students[key]
            record_id = None
            for miss in remaining.get(pk, []):
                if miss[1] > 0:
                    record_id = miss[0]
                    miss[1] -= session_minutes.get(key, session.minutes)
                    break
            if record_id is None:
                continue
            goal = session.focus.get(key)
            members.append(ProposalMember(pk, record_id, id_map.goals.get(goal) if goal else None))
        if not members:
            continue
        block = scenario.block_by_id.get(session.block)
        proposals.append(
            Proposal(
                provider_id=provider.pk,
                date=monday + dt.timedelta(days=DAYS.index(session.day)),
                start=time_of(session.start),
                end=time_of(session.end),
                classroom_id=id_map.classrooms[session.classroom],
                activity=block.activity if block is not None else "",
                delivery=session.delivery,
                members=tuple(members),
            )
        )
    return proposals


# --- Proposing on the task queue -----------------------------------------------------------


@transaction.atomic
def makeup_run_create(
    *, actor: User, provider: Provider, days: int, today: dt.date | None = None
) -> MakeupRun:
    """Store a queued MakeupRun and enqueue its solve once the run is committed.

    `today` is the day the proposals start after (default: the local date); it is stored,
    so a worker that picks the run up later still answers the question that was asked.
    """
    from pushin.sessions.tasks import makeup_run_execute

    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"Choose between 1 and {MAX_DAYS} school days.")
    run = MakeupRun.objects.create(
        provider=provider,
        requested_by=actor,
        asked_on=today if today is not None else timezone.localdate(),
        days=days,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=run, detail={"days": days})
    # After the commit: a worker must never pick up a run it cannot read yet.
    transaction.on_commit(functools.partial(makeup_run_execute.enqueue, run.pk))
    return run


def makeup_result(plan: MakeupPlan) -> dict[str, Any]:
    """What the run's page needs from a plan, as JSON: signed proposal tokens and ids."""
    return {
        "days": [day.isoformat() for day in plan.days],
        "proposals": [proposal.token() for proposal in plan.proposals],
        "unplaced": [[u.student_id, u.minutes, list(u.reasons)] for u in plan.unplaced],
        "not_plannable": [[pk, code] for pk, code in plan.not_plannable.items()],
        "errors": list(plan.errors),
    }


def makeup_plan_from_result(
    result: dict[str, Any], *, owed: dict[int, list[MissLine]]
) -> MakeupPlan:
    """The stored plan again, against what is owed now: proposals whose token expired or
    whose misses are no longer waiting for a makeup are dropped (counted in `stale`)."""
    waiting = {line.record.pk for lines in owed.values() for line in lines}
    plan = MakeupPlan(
        days=[dt.date.fromisoformat(day) for day in result.get("days", [])],
        owed=owed,
        unplaced=[
            Unplaced(int(pk), int(minutes), tuple(reasons))
            for pk, minutes, reasons in result.get("unplaced", [])
        ],
        not_plannable={int(pk): str(code) for pk, code in result.get("not_plannable", [])},
        errors=[str(error) for error in result.get("errors", [])],
    )
    for token in result.get("proposals", []):
        try:
            proposal = Proposal.from_token(token)
        except ValidationError:
            plan.stale += 1
            continue
        if all(member.record_id in waiting for member in proposal.members):
            plan.proposals.append(proposal)
        else:
            plan.stale += 1
    return plan


# --- Accepting -----------------------------------------------------------------------------


@transaction.atomic
def makeup_accept(
    *, actor: User, provider: Provider, proposals: Sequence[Proposal], today: dt.date
) -> list[DatedSession]:
    """Create the accepted proposals as makeup sessions; refuses the whole batch (nothing
    written) if any proposal no longer holds."""
    if not proposals:
        raise ValidationError("Choose at least one proposed makeup session.")
    locked = Provider.objects.select_for_update().select_related("district").get(pk=provider.pk)
    owed, calendar = makeup_owed(provider=locked, today=today)
    to_plan = {line.record.pk: line.to_plan for lines in owed.values() for line in lines}
    busy = _busy_on(locked, sorted({p.date for p in proposals}))
    rooms = {
        room.pk: room
        for room in Classroom.objects.filter(
            pk__in={p.classroom_id for p in proposals}, school__district=locked.district
        )
    }
    goals = {
        goal.pk: goal.iep.student_id
        for goal in Goal.objects.filter(
            pk__in={m.goal_id for p in proposals for m in p.members if m.goal_id}
        ).select_related("iep")
    }
    created: list[tuple[DatedSession, Proposal]] = []
    taken: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for proposal in proposals:
        _check(proposal, locked, calendar, today, rooms, to_plan, goals)
        start, end = minutes_of(proposal.start), minutes_of(proposal.end)
        clashes = [(s, e) for s, e, _ in busy.get(proposal.date, [])] + taken[proposal.date]
        if any(s < end and start < e for s, e in clashes):
            raise ValidationError(
                f"You already have a session on {proposal.date:%a %b %d} overlapping "
                f"{proposal.start:%H:%M}-{proposal.end:%H:%M}: ask for new proposals."
            )
        taken[proposal.date].append((start, end))
        for member in proposal.members:
            to_plan[member.record_id] -= proposal.minutes
        session = DatedSession.objects.create(
            provider=locked,
            classroom_id=proposal.classroom_id,
            date=proposal.date,
            start=proposal.start,
            end=proposal.end,
            activity=proposal.activity,
            delivery=proposal.delivery,
            is_makeup=True,
        )
        created.append((session, proposal))
    for session, proposal in created:
        for member in proposal.members:
            record = SessionStudent.objects.create(
                session=session,
                student_id=member.student_id,
                focus_goal_id=member.goal_id,
                makeup_for_id=member.record_id,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=record,
                student_id=member.student_id,
                detail={"session": session.pk, "makeup_for": member.record_id},
            )
    return [session for session, _ in created]


def _check(
    proposal: Proposal,
    provider: Provider,
    calendar: SchoolCalendar,
    today: dt.date,
    rooms: dict[int, Classroom],
    to_plan: dict[int | None, int],
    goals: dict[int, int],
) -> None:
    if proposal.provider_id != provider.pk:
        raise ValidationError("This proposal is for another provider.")
    if proposal.date < today:
        raise ValidationError(
            f"This makeup was proposed for {proposal.date:%a %b} {proposal.date.day}, which "
            "has passed: ask for new proposals."
        )
    if proposal.date <= today or not calendar.is_school_day(proposal.date):
        raise ValidationError(f"{proposal.date:%a %b %d} is not an upcoming school day.")
    if proposal.end <= proposal.start:
        raise ValidationError("A makeup session must end after it starts.")
    if proposal.classroom_id not in rooms:
        raise ValidationError("That classroom is not in your district.")
    if not proposal.members:
        raise ValidationError("A makeup session needs a student.")
    for member in proposal.members:
        if to_plan.get(member.record_id, 0) <= 0:
            raise ValidationError(
                "A proposed makeup is no longer needed (the miss was made up or planned "
                "already): ask for new proposals."
            )
        if member.goal_id is not None and goals.get(member.goal_id) != member.student_id:
            raise ValidationError("A proposal names a goal of another student.")


# --- What the makeup page shows ------------------------------------------------------------


def page_rows(owed: dict[int, list[MissLine]], plan: MakeupPlan | None) -> dict[str, Any]:
    """Names and words for the makeup page, in a fixed number of queries."""
    student_ids = set(owed)
    if plan is not None:
        student_ids |= {m.student_id for p in plan.proposals for m in p.members}
    students = {s.pk: s for s in Student.objects.filter(pk__in=student_ids)}
    rows: dict[str, Any] = {
        "owed_rows": [
            {"student": students[pk], "lines": lines, "minutes": sum(x.to_plan for x in lines)}
            for pk, lines in sorted(owed.items(), key=lambda item: item[1][0].record.date)
            if pk in students
        ],
        "proposal_rows": [],
        "unplaced_rows": [],
        "not_plannable_rows": [],
    }
    if plan is None:
        return rows
    rooms = {
        room.pk: room
        for room in Classroom.objects.filter(
            pk__in={p.classroom_id for p in plan.proposals}
        ).select_related("school")
    }
    missed_on = {line.record.pk: line.record.date for lines in owed.values() for line in lines}
    rows["proposal_rows"] = [
        {
            "token": proposal.token(),
            "proposal": proposal,
            "room": rooms.get(proposal.classroom_id),
            "activity": activity_label(proposal.activity),
            "members": [
                (students.get(m.student_id), missed_on.get(m.record_id)) for m in proposal.members
            ],
        }
        for proposal in plan.proposals
    ]
    rows["unplaced_rows"] = [
        {
            "student": students.get(item.student_id),
            "minutes": item.minutes,
            "reasons": [SHORTFALL_WORDS.get(code, code) for code in item.reasons],
        }
        for item in plan.unplaced
    ]
    rows["not_plannable_rows"] = [
        {"student": students.get(pk), "why": EXCLUDED_WORDS.get(code, code)}
        for pk, code in plan.not_plannable.items()
    ]
    return rows
