"""Who loses minutes when a re-plan is accepted.

A re-plan may keep a student's session, move it, or leave it out to make room. Leaving a
student with fewer minutes that week than before is never silent: the run page names
each such student with the minutes lost, and accepting needs an explicit confirmation.
The comparison is between plans (pushin-plan/1 session dicts), so it is the same for a
one-week re-plan and a weekly re-plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pushin.scheduling.timeutil import parse_hhmm

if TYPE_CHECKING:
    from pushin.accounts.models import User
    from pushin.planning.models import PlanRun


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
    before = minutes_per_student(previous)
    after = minutes_per_student(current)
    losses = [
        Loss(student=key, before=minutes, after=after.get(key, 0))
        for key, minutes in before.items()
        if after.get(key, 0) < minutes
    ]
    return sorted(losses, key=lambda loss: (loss.after > 0, -loss.minutes, loss.student))


def run_losses(scenario: Mapping[str, Any], plan: Mapping[str, Any] | None) -> list[Loss]:
    """The losses of a re-plan run (none for a run without a previous plan)."""
    previous = scenario.get("previous_plan")
    if not previous or not plan:
        return []
    return plan_losses(previous.get("sessions", []), plan.get("sessions", []))


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


def named_losses(run: PlanRun, *, user: User) -> list[LossView]:
    """The run's losses with the students' names as `user` may see them."""
    from pushin.planning.scenario_build import IdMap
    from pushin.planning.words import name_book

    losses = run_losses(run.scenario, run.plan_data)
    if not losses:
        return []
    book = name_book(user=user, id_map=IdMap.from_json(run.id_map), scenario=run.scenario)
    return [LossView(book.name(loss.student), loss.before, loss.after) for loss in losses]
