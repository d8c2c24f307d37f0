"""Staged lexicographic solve: each objective level is optimised, then fixed.

Levels (scenario-format.md): 1 shortfall, 2 moved sessions (re-plans), 3 fit minutes,
4 preferences, 5 sessions, 6 travel, 7 adjacent-day pairs. A level proven optimal is
fixed to its value (== constraint) before the next; a level cut short by its time budget
is fixed to the incumbent's value (<=, so later levels can still improve the plan) and the
plan is `feasible` with that level's best proven bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .candidates import FIT_SCALE, Candidate, CandidateBuilder, enumerate_candidates
from .explain import explain_shortfalls
from .jsonread import ScenarioError, ScenarioIssue
from .metrics import measure
from .model import LinearExpr, ScheduleModel
from .packing import Packer
from .plan import Plan, PlannedSession, Stats
from .scenario import Scenario


@dataclass(frozen=True)
class Level:
    name: str
    expression: Callable[[ScheduleModel], LinearExpr]
    maximize: bool
    share: float  # relative share of the time limit
    scale: float = 1.0  # model units per reported unit


def _levels(scenario: Scenario) -> list[Level]:
    mandated = sum(s.minutes_per_week for s in scenario.students)
    levels = [
        Level("shortfall", lambda m: mandated - m.scheduled_minutes(), False, 4.0),
        Level("moved_sessions", lambda m: m.moved_sessions(), False, 1.0),
        Level("fit_minutes", lambda m: m.fit_scaled(), True, 2.0, FIT_SCALE),
        Level("preferences", lambda m: m.preferences(), True, 1.0),
        Level("sessions", lambda m: m.session_count(), False, 1.0),
        Level("travel", lambda m: m.travel_minutes(), False, 1.5),
        Level("spread", lambda m: m.spread_penalty(), False, 0.5),
    ]
    if scenario.previous_plan is None:
        levels = [level for level in levels if level.name != "moved_sessions"]
    return levels


def solve(scenario: Scenario, *, time_limit: float = 30, workers: int = 2, seed: int = 0) -> Plan:
    """The best plan within `time_limit` seconds; raises ScenarioError on bad pins."""
    started = time.perf_counter()
    deadline = started + time_limit
    builder = enumerate_candidates(scenario)
    candidates = builder.candidates
    pinned = _pinned_candidates(scenario, builder)
    schedule = ScheduleModel.build(scenario, builder)
    schedule.pin([c.index for c in pinned])
    values = _initial_hint(scenario, candidates, schedule, pinned)

    levels = _levels(scenario)
    unproven: tuple[str, float] | None = None
    stage_seconds: dict[str, float] = {}
    remaining_share = sum(level.share for level in levels)
    for level in levels:
        stage_start = time.perf_counter()
        budget = max(0.05, (deadline - stage_start) * level.share / remaining_share)
        remaining_share -= level.share
        expression = level.expression(schedule)
        sign = -1 if level.maximize else 1
        schedule.model.minimize(sign * expression)
        schedule.model.clear_hints()  # type: ignore[no-untyped-call]
        for var, value in zip(schedule.x, values, strict=True):
            schedule.model.add_hint(var, value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = budget
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        status = solver.solve(schedule.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = [int(solver.value(var)) for var in schedule.x]
            best = round(solver.objective_value)
            if status == cp_model.FEASIBLE and unproven is None:
                unproven = (level.name, sign * solver.best_objective_bound / level.scale)
        else:  # no solution within the budget: keep the incumbent, fix the level to it
            best = sign * _value_of(schedule, expression, values)
            if unproven is None:
                unproven = (level.name, sign * solver.best_objective_bound / level.scale)
        if status == cp_model.OPTIMAL:
            schedule.model.add(sign * expression == best)
        else:
            schedule.model.add(sign * expression <= best)
        stage_seconds[level.name] = round(time.perf_counter() - stage_start, 3)

    chosen = [candidates[i] for i, value in enumerate(values) if value]
    sessions = sessions_from_candidates(scenario, chosen)
    return build_plan(
        scenario,
        sessions,
        status="optimal" if unproven is None else "feasible",
        seconds=time.perf_counter() - started,
        unproven=unproven,
        extra={"candidates": len(candidates), "stage_seconds": stage_seconds},
    )


def _value_of(schedule: ScheduleModel, expression: LinearExpr, values: Sequence[int]) -> int:
    """Evaluate a linear expression of the x variables at a full assignment (hint)."""
    solver = cp_model.CpSolver()
    probe = schedule.model.clone()
    for var, value in zip(schedule.x, values, strict=True):
        probe.add(probe.get_bool_var_from_proto_index(var.index) == value)
    probe.clear_objective()  # type: ignore[no-untyped-call]
    probe.minimize(expression)
    solver.parameters.max_time_in_seconds = 5.0
    solver.solve(probe)
    return round(solver.objective_value)


def _pinned_candidates(scenario: Scenario, builder: CandidateBuilder) -> list[Candidate]:
    previous = scenario.previous_plan
    if previous is None or not scenario.pinned:
        return []
    by_id = previous.session_by_id()
    result: list[Candidate] = []
    issues: list[ScenarioIssue] = []
    for number, session_id in enumerate(scenario.pinned):
        index = builder.index_of(by_id[session_id].signature)
        if index is None:
            issues.append(
                ScenarioIssue(
                    f"$.pinned[{number}]",
                    f"pinned session {session_id} is no longer possible in this scenario "
                    "(its block, the provider's time or a student changed)",
                )
            )
        else:
            result.append(builder.candidates[index])
    packer = Packer(scenario, builder.candidates)
    for candidate in result:
        if not packer.try_add(candidate):
            issues.append(ScenarioIssue("$.pinned", f"pinned sessions clash ({candidate.block})"))
    if issues:
        raise ScenarioError(issues)
    return result


def _initial_hint(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    schedule: ScheduleModel,
    pinned: Sequence[Candidate],
) -> list[int]:
    """A quick valid plan: pins, then the previous plan, then the densest candidates."""
    packer = Packer(scenario, candidates)
    for candidate in pinned:
        packer.add(candidate)
    packer.try_add_all(candidates[i] for i in schedule.keepable.values())
    order = sorted(
        candidates, key=lambda c: (-c.student_minutes, -c.fit_scaled, -c.preference, c.index)
    )
    packer.try_add_all(order)
    chosen = set(packer.chosen)
    return [1 if c.index in chosen else 0 for c in candidates]


def sessions_from_candidates(
    scenario: Scenario, chosen: Sequence[Candidate]
) -> list[PlannedSession]:
    """Sessions with ids: unchanged sessions keep theirs, new ones get unused ids."""
    previous_ids: dict[object, str] = {}
    used: set[str] = set()
    if scenario.previous_plan is not None:
        for session in scenario.previous_plan.sessions:
            previous_ids[session.signature] = session.id
            used.add(session.id)
    ordered = sorted(chosen, key=lambda c: (c.provider, _day_order(c.day), c.start, c.classroom))
    sessions: list[PlannedSession] = []
    counter = 0
    for c in ordered:
        signature = (c.provider, c.classroom, c.day, c.start, c.end, frozenset(c.students))
        session_id = previous_ids.get(signature)
        if session_id is None:
            counter += 1
            while f"sess-{counter}" in used:
                counter += 1
            session_id = f"sess-{counter}"
        used.add(session_id)
        sessions.append(
            PlannedSession(
                id=session_id,
                provider=c.provider,
                classroom=c.classroom,
                block=c.block,
                day=c.day,
                start=c.start,
                end=c.end,
                delivery=c.delivery,
                students=c.students,
                focus=dict(c.focus),
            )
        )
    return sessions


def _day_order(day: str) -> int:
    from .timeutil import DAY_INDEX

    return DAY_INDEX[day]


def build_plan(
    scenario: Scenario,
    sessions: Sequence[PlannedSession],
    *,
    status: str,
    seconds: float,
    unproven: tuple[str, float] | None = None,
    extra: dict[str, object] | None = None,
) -> Plan:
    """A plan with stats, shortfalls and their computed reasons."""
    measures = measure(scenario, sessions)
    stats_extra: dict[str, object] = {
        "preferences": measures.preferences,
        "adjacent_day_pairs": measures.adjacent_day_pairs,
        "fully_served_students": 0,
        **(extra or {}),
    }
    shortfalls = explain_shortfalls(scenario, sessions)
    short_ids = {s.student for s in shortfalls}
    stats_extra["fully_served_students"] = sum(
        1 for s in scenario.students if s.id not in short_ids
    )
    bound = None
    if unproven is not None:
        bound = round(unproven[1], 3)
        stats_extra["gap"] = _gap(unproven[0], measures, bound)
    return Plan(
        status=status,
        sessions=tuple(sessions),
        shortfalls=tuple(shortfalls),
        stats=Stats(
            mandated_minutes=measures.mandated_minutes,
            scheduled_minutes=measures.scheduled_minutes,
            shortfall_minutes=measures.shortfall_minutes,
            sessions=len(sessions),
            travel_minutes=measures.travel_minutes,
            fit_minutes=measures.fit_minutes,
            moved_sessions=measures.moved_sessions,
            solve_seconds=round(seconds, 3),
            bound=bound,
            unproven_level=unproven[0] if unproven else None,
            extra=stats_extra,
        ),
    )


def _gap(level: str, measures: object, bound: float) -> float:
    """Relative distance to the bound: shortfall against mandated minutes, else value."""
    from .metrics import Measures

    assert isinstance(measures, Measures)
    if level == "shortfall":
        return round((measures.shortfall_minutes - bound) / max(measures.mandated_minutes, 1), 5)
    value = {
        "moved_sessions": measures.moved_sessions,
        "fit_minutes": measures.fit_minutes,
        "preferences": measures.preferences,
        "travel": measures.travel_minutes,
        "spread": measures.adjacent_day_pairs,
    }.get(level, 0)
    return round(abs(value - bound) / max(abs(value), 1), 5)
