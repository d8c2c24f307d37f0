"""Capacity what-if: the same week with another caseload, and what a plan of it shows.

A provider arguing for a reasonable caseload needs to say what a change would do: "at 72
students, 14 cannot be seen in class; at 55, all can". These transforms take a scenario
(the provider's real week, as the web app builds it) and return another one, which the
scheduler then solves like any other:

- `caseload_of(scenario, size, seed=...)`: the caseload made `size` students, with
  `add_students` (synthetic students drawn from the caseload's own mix) or
  `remove_students` (a seeded random choice of students leaves);
- `remove_school(scenario, school)`: a school leaves the caseload with its students;
- `groups_to_individual(scenario)`: every group mandate becomes individual push-in.

`outcome(scenario, plan)` measures a plan the way the what-if reports it.

A synthetic student takes, each from a student of the caseload drawn at random (so in the
caseload's own proportions): their mandate (minutes a week, session length, delivery,
grouping, group size) and comfort from one, their goals' domains from another, their
classroom from a third (so classrooms and schools fill in proportion to the students they
already have). They have no unavailable times. Drawing is seeded: the same scenario and
seed give the same students, and the students added for N are the first N of those added
for any larger number, so the points of a range differ only by the students added.

Every transform plans from scratch: a previous plan and pins are dropped (they name
sessions of students who may have left). Pure Python: no Django, no solver.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from .metrics import travel_of
from .plan import Plan
from .scenario import Goal, Scenario, Student

SYNTHETIC_PREFIX = "whatif-"


class WhatIfError(ValueError):
    """A transform that cannot be made on this scenario; the message says why."""


def plan_fresh(scenario: Scenario) -> Scenario:
    """The scenario without a previous plan or pins: a what-if plans from scratch."""
    if scenario.previous_plan is None and not scenario.pinned:
        return scenario
    return dataclasses.replace(scenario, previous_plan=None, pinned=())


def synthetic_students(scenario: Scenario, *, seed: int) -> Iterator[Student]:
    """An endless, seeded stream of students drawn from the caseload's mix."""
    existing = list(scenario.students)
    if not existing:
        raise WhatIfError("the caseload has no students to draw a mix from")
    taken = {student.id for student in existing}
    rng = random.Random(f"pushin-whatif-add-{seed}")
    number = 0
    while True:
        number += 1
        ident = f"{SYNTHETIC_PREFIX}{number}"
        if ident in taken:
            continue
        terms, goals_from, room_from = (rng.choice(existing) for _ in range(3))
        yield Student(
            id=ident,
            classroom=room_from.classroom,
            provider=terms.provider,
            goals=tuple(
                Goal(id=f"{ident}-g{index}", domain=goal.domain)
                for index, goal in enumerate(goals_from.goals, start=1)
            ),
            minutes_per_week=terms.minutes_per_week,
            session_minutes=terms.session_minutes,
            delivery=terms.delivery,
            grouping=terms.grouping,
            max_group=terms.max_group,
            comfort=terms.comfort,
        )


def add_students(scenario: Scenario, count: int, *, seed: int) -> Scenario:
    """`count` synthetic students added to the caseload (see the module docstring)."""
    if count < 0:
        raise WhatIfError(f"cannot add {count} students")
    stream = synthetic_students(scenario, seed=seed) if count else iter(())
    added = tuple(next(stream) for _ in range(count))
    return dataclasses.replace(plan_fresh(scenario), students=scenario.students + added)


def remove_students(scenario: Scenario, count: int, *, seed: int) -> Scenario:
    """`count` students of the caseload leave, chosen at random (seeded); the students
    removed for N are among those removed for any larger number."""
    if not 0 <= count <= len(scenario.students):
        raise WhatIfError(
            f"cannot remove {count} of {len(scenario.students)} students from the caseload"
        )
    order = [student.id for student in scenario.students]
    random.Random(f"pushin-whatif-remove-{seed}").shuffle(order)
    leaving = set(order[:count])
    return dataclasses.replace(
        plan_fresh(scenario),
        students=tuple(s for s in scenario.students if s.id not in leaving),
    )


def caseload_of(scenario: Scenario, size: int, *, seed: int) -> Scenario:
    """The caseload made `size` students: students added from its mix, or removed."""
    if size < 0:
        raise WhatIfError(f"a caseload of {size} students")
    current = len(scenario.students)
    if size >= current:
        return add_students(scenario, size - current, seed=seed)
    return remove_students(scenario, current - size, seed=seed)


def remove_school(scenario: Scenario, school: str) -> Scenario:
    """The scenario without `school`: its classrooms and their students leave, and so do
    the drives to it. A provider's working time pinned to that school stays theirs, at
    any school (the contract does not shrink with the caseload)."""
    if school not in scenario.school_by_id:
        raise WhatIfError(f"there is no school {school!r} in this week")
    rooms = {room.id for room in scenario.classrooms if room.school == school}
    providers = tuple(
        dataclasses.replace(
            provider,
            available=tuple(
                dataclasses.replace(window, school=None) if window.school == school else window
                for window in provider.available
            ),
        )
        for provider in scenario.providers
    )
    return dataclasses.replace(
        plan_fresh(scenario),
        schools=tuple(s for s in scenario.schools if s.id != school),
        classrooms=tuple(room for room in scenario.classrooms if room.id not in rooms),
        students=tuple(s for s in scenario.students if s.classroom not in rooms),
        travel=tuple(
            leg for leg in scenario.travel if school not in (leg.from_school, leg.to_school)
        ),
        providers=providers,
    )


def groups_to_individual(scenario: Scenario) -> Scenario:
    """Every group mandate (`group_ok`) becomes individual push-in; the rest stay."""
    return dataclasses.replace(
        plan_fresh(scenario),
        students=tuple(
            dataclasses.replace(student, grouping="individual", delivery="push_in")
            if student.grouping == "group_ok"
            else student
            for student in scenario.students
        ),
    )


@dataclass(frozen=True)
class Outcome:
    """What a plan of a what-if scenario shows, in the what-if's terms."""

    students: int
    mandated_minutes: int
    scheduled_minutes: int  # student-minutes: a group session counts once per student
    short_students: int  # students with fewer minutes than their mandate
    short_minutes: int
    travel_minutes: int
    provider_minutes: int  # the provider's time in sessions (once a session) plus travel
    status: str  # the plan's: "optimal", or "feasible" when a time limit cut it short
    # Whether the solver proved `short_minutes` the least possible; if not, the most it
    # proved is that at least `short_minutes_bound` minutes are short.
    short_proven: bool
    short_minutes_bound: int

    @property
    def all_seen(self) -> bool:
        return self.short_students == 0


def outcome(scenario: Scenario, plan: Plan) -> Outcome:
    """Counted from the plan's sessions against the scenario's mandates."""
    scheduled: dict[str, int] = dict.fromkeys(scenario.student_by_id, 0)
    for session in plan.sessions:
        for student in session.students:
            scheduled[student] += session.minutes
    mandated = sum(s.minutes_per_week for s in scenario.students)
    short = [s for s in scenario.students if scheduled[s.id] < s.minutes_per_week]
    travel = travel_of(scenario, plan.sessions)
    short_minutes = sum(s.minutes_per_week - scheduled[s.id] for s in short)
    # The shortfall is the first objective level: proven unless the plan says that level
    # is the one left unproven (or says nothing of which one).
    level = plan.stats.unproven_level
    proven = plan.status == "optimal" or (level is not None and level != "shortfall")
    bound = short_minutes
    if not proven:
        proven_bound = plan.stats.bound if level == "shortfall" else None
        bound = 0 if proven_bound is None else math.ceil(proven_bound - 1e-6)
        bound = min(short_minutes, max(0, bound))
    return Outcome(
        students=len(scenario.students),
        mandated_minutes=mandated,
        scheduled_minutes=sum(scheduled.values()),
        short_students=len(short),
        short_minutes=short_minutes,
        travel_minutes=travel,
        provider_minutes=sum(session.minutes for session in plan.sessions) + travel,
        status=plan.status,
        short_proven=proven,
        short_minutes_bound=bound,
    )
