"""Who loses minutes when a re-plan is accepted.

A re-plan may keep a student's session, move it, or leave it out to make room. Leaving a
student with fewer minutes than before is never silent: the run page names each such
student with the minutes lost, accepting needs an explicit confirmation, and the
confirmation is audited per student (`losses_audit`).

"Before" is what the accept would actually replace, read when it is asked:
- an every-week re-plan: the schedules in force from the chosen date (the one in force
  that day and any accepted to begin later, which never begin then), not the schedule the
  run was made from, which may have been replaced since;
- a one-week re-plan: that week's open sessions with every student in them now, the ones
  the run's scenario left out included (`planning.week.week_previous_sessions`).
The comparison itself is between plans (pushin-plan/1 session dicts).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pushin.scheduling.timeutil import parse_hhmm

if TYPE_CHECKING:
    from pushin.accounts.models import User
    from pushin.planning.models import PlanRun

_STUDENT_KEY = re.compile(r"st(\d+)(?:-p\d+)?")  # a scenario's student id (scenario_build)


@dataclass(frozen=True)
class Loss:
    student: str  # the scenario's student id ("st12")
    before: int
    after: int

    @property
    def minutes(self) -> int:
        return self.before - self.after

    @property
    def loses_every_session(self) -> bool:
        return self.after == 0


def minutes_per_student(sessions: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    minutes: dict[str, int] = defaultdict(int)
    for session in sessions:
        length = (parse_hhmm(session["end"]) or 0) - (parse_hhmm(session["start"]) or 0)
        for student in session["students"]:
            minutes[student] += length
    return dict(minutes)


def plan_losses(
    previous: Iterable[Mapping[str, Any]], current: Iterable[Mapping[str, Any]]
) -> list[Loss]:
    """Students with fewer planned minutes in `current` than in `previous`, the ones left
    with none first."""
    return minutes_losses(minutes_per_student(previous), minutes_per_student(current))


def minutes_losses(before: Mapping[str, int], after: Mapping[str, int]) -> list[Loss]:
    losses = [
        Loss(student=key, before=minutes, after=after.get(key, 0))
        for key, minutes in before.items()
        if after.get(key, 0) < minutes
    ]
    return sorted(losses, key=lambda loss: (loss.after > 0, -loss.minutes, loss.student))


def run_losses(run: PlanRun, *, effective_from: dt.date | None = None) -> list[Loss]:
    """The losses of accepting `run` now (from `effective_from`, for an every-week re-plan:
    default, the date the accept form offers). None for a first plan, which replaces no
    schedule."""
    from pushin.planning.models import RunKind
    from pushin.planning.week import week_previous_sessions

    if not run.plan_data:
        return []
    current = minutes_per_student(run.plan_data.get("sessions", []))
    if run.kind == RunKind.WEEK:
        return minutes_losses(minutes_per_student(week_previous_sessions(run)), current)
    # A fresh plan ("Plan the week") over a schedule in force replaces it as a re-plan
    # does: a student it gives fewer minutes is named too.
    return minutes_losses(_replaced_minutes(run, effective_from), current)


def _replaced_minutes(run: PlanRun, effective_from: dt.date | None) -> dict[str, int]:
    """Each student's weekly minutes in the schedules an accept from `effective_from` would
    end: the most any of them gives (days the run's week is closed left out, as in the
    run's own previous plan)."""
    from pushin.planning.scenario_build import IdMap
    from pushin.planning.services import default_effective_from
    from pushin.planning.standing import student_key
    from pushin.sessions.calendar import schedules_in_force

    start = effective_from if effective_from is not None else default_effective_from(run)
    id_map = IdMap.from_json(run.id_map)
    closed = set(id_map.closed_days)
    most: dict[str, int] = defaultdict(int)
    for provider in run.providers.all():
        for schedule in schedules_in_force(provider.pk, start):
            minutes: dict[str, int] = defaultdict(int)
            for weekly in schedule.sessions.all():
                if weekly.day in closed:
                    continue
                for member in weekly.members.all():
                    minutes[student_key(id_map, member.student_id, provider.pk)] += weekly.minutes
            for key, got in minutes.items():
                most[key] = max(most[key], got)
    return dict(most)


def student_pk(key: str, run: PlanRun) -> int | None:
    """The student's pk of a scenario key of `run` (also for one no longer in it)."""
    pk = run.id_map.get("students", {}).get(key)
    if pk is not None:
        return int(pk)
    match = _STUDENT_KEY.fullmatch(key)
    return int(match.group(1)) if match else None


def losses_audit(*, run: PlanRun, losses: Sequence[Loss], user: User) -> None:
    """The provider confirmed that these students lose minutes: one entry per student
    (ids and minutes only), naming the run."""
    from pushin.accounts.audit import audit_record
    from pushin.accounts.models import AuditAction

    for loss in losses:
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=run,
            student_id=student_pk(loss.student, run),
            detail={
                "losses_confirmed": True,
                "minutes_before": loss.before,
                "minutes_after": loss.after,
            },
        )


@dataclass(frozen=True)
class LossView:
    name: str
    before: int
    after: int

    @property
    def minutes(self) -> int:
        return self.before - self.after

    @property
    def sentence(self) -> str:
        if self.after == 0:
            return f"{self.name} is left with no session ({self.minutes} minutes lost)."
        return f"{self.name} loses {self.minutes} of {self.before} minutes."


def named_losses(
    run: PlanRun,
    *,
    user: User,
    effective_from: dt.date | None = None,
    losses: Sequence[Loss] | None = None,
) -> list[LossView]:
    """The run's losses (`losses`, or those of accepting it from `effective_from`) with
    the students' names as `user` may see them."""
    from pushin.planning.scenario_build import IdMap
    from pushin.planning.words import name_book

    if losses is None:
        losses = run_losses(run, effective_from=effective_from)
    if not losses:
        return []
    # Students the run's scenario does not know are named through their keys ("st<pk>").
    named = {"previous_plan": {"sessions": [{"students": [loss.student for loss in losses]}]}}
    book = name_book(user=user, id_map=IdMap.from_json(run.id_map), scenario=named)
    return [LossView(book.name(loss.student), loss.before, loss.after) for loss in losses]
