"""Objective values of a list of sessions, as docs/scenario-format.md defines them."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .changes import plan_changes
from .plan import PlannedSession, Stats
from .scenario import Scenario
from .timeutil import DAY_INDEX


@dataclass(frozen=True)
class Measures:
    mandated_minutes: int
    scheduled_minutes: int
    travel_minutes: int
    fit_minutes: float
    preferences: int
    moved_sessions: int
    adjacent_day_pairs: int

    @property
    def shortfall_minutes(self) -> int:
        return self.mandated_minutes - self.scheduled_minutes


def measure(scenario: Scenario, sessions: Sequence[PlannedSession]) -> Measures:
    scheduled = sum(s.minutes * len(s.students) for s in sessions)
    fit = 0.0
    preferences = 0
    for session in sessions:
        block = scenario.block_by_id[session.block]
        if session.delivery == "push_in":
            preferences += {"good": 1, "bad": -1}.get(block.teacher_preference or "", 0)
            for student_id, goal_id in session.focus.items():
                student = scenario.student_by_id[student_id]
                domain = next(g.domain for g in student.goals if g.id == goal_id)
                fit += scenario.fit_weight(domain, block.activity) * session.minutes
        if len(session.students) >= 2:
            preferences += sum(
                1 for s in session.students if scenario.student_by_id[s].comfort == "small_group"
            )
    moved = 0
    if scenario.previous_plan is not None:
        moved = plan_changes(scenario.previous_plan.sessions, sessions).changed
    days_of: dict[str, set[int]] = defaultdict(set)
    for session in sessions:
        for student_id in session.students:
            days_of[student_id].add(DAY_INDEX[session.day])
    adjacent = sum(1 for days in days_of.values() for d in days if d + 1 in days)
    return Measures(
        mandated_minutes=sum(s.minutes_per_week for s in scenario.students),
        scheduled_minutes=scheduled,
        travel_minutes=travel_of(scenario, sessions),
        fit_minutes=round(fit, 6),
        preferences=preferences,
        moved_sessions=moved,
        adjacent_day_pairs=adjacent,
    )


def travel_of(scenario: Scenario, sessions: Sequence[PlannedSession]) -> int:
    """Per provider and day, the drives between consecutive sessions at other schools."""
    by_day: dict[tuple[str, str], list[PlannedSession]] = defaultdict(list)
    for session in sessions:
        by_day[(session.provider, session.day)].append(session)
    total = 0
    for day_sessions in by_day.values():
        day_sessions.sort(key=lambda s: s.start)
        schools = [scenario.classroom_by_id[s.classroom].school for s in day_sessions]
        total += sum(scenario.travel_minutes(a, b) for a, b in itertools.pairwise(schools))
    return total


def stats_of(
    measures: Measures,
    *,
    sessions: int,
    seconds: float,
    bound: float | None,
    unproven_level: str | None,
    extra: Mapping[str, object],
) -> Stats:
    """A plan's stats from its measures (one place for the engine and district plans)."""
    return Stats(
        mandated_minutes=measures.mandated_minutes,
        scheduled_minutes=measures.scheduled_minutes,
        shortfall_minutes=measures.shortfall_minutes,
        sessions=sessions,
        travel_minutes=measures.travel_minutes,
        fit_minutes=measures.fit_minutes,
        moved_sessions=measures.moved_sessions,
        solve_seconds=seconds,
        bound=bound,
        unproven_level=unproven_level,
        extra=extra,
    )
