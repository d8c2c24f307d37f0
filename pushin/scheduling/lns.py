"""Large-neighbourhood search on the starting plan: two days at a time, solved exactly.

The whole-week model is large (every group at every start), and on the generated
caseloads CP-SAT's own search rarely improves the starting plan within the time given.
A neighbourhood here is one provider's pair of days: every other session stays, and a
CP-SAT model of just those two days (the same constraints as model.py: it is built by
ScheduleModel from the two days' candidates, each student's weekly cap reduced by the
sessions they keep on the other days) is solved for the most student-minutes, then the
most fit. A better answer replaces the two days in the plan. Pairs of days are tried in a
fixed order until a whole round finds nothing better or the budget runs out.

Each sub-model is small, so presolve is cheap and CP-SAT often proves it optimal in well
under a second. When every pair is proven as good as it gets, three days at a time
(and so on, up to the whole week). Pins stay (forced to 1). The plan only ever gets
better in (scheduled student-minutes, fit), so no level before fit can get worse.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections import Counter
from collections.abc import Callable, Sequence

from ortools.sat.python import cp_model

from .candidates import Candidate
from .model import ScheduleModel
from .scenario import Scenario
from .timeutil import DAYS


@dataclasses.dataclass
class _Builder:
    """What ScheduleModel.build needs of a CandidateBuilder."""

    candidates: list[Candidate]

    def index_of(self, signature: object) -> int | None:
        return None


def improve_by_days(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    values: Sequence[int],
    fixed: set[int],
    *,
    stop_at: float,
    deterministic: float | None = None,
    workers: int = 2,
    seed: int = 0,
    on_better: Callable[[list[int]], None] | None = None,
    reached: Callable[[Sequence[int]], bool] = lambda values: False,
) -> tuple[list[int], float, bool]:
    """The plan `values` improved two days at a time; also the CP-SAT deterministic time
    used, and whether the wall clock ended the search (with `deterministic`: the safety
    net, so the plan may differ between runs). `fixed` candidates (pins) stay. With
    `deterministic` the budget is that much deterministic time (reproducible); else the
    wall clock (`stop_at`, a perf_counter value) ends it. `on_better` hears of each
    better plan (anytime planning). `reached(plan)` says the plan meets a bound proven
    without search: nothing can be better, so the search ends there."""
    current = list(values)
    days = [day for day in DAYS if any(c.day == day for c in candidates)]
    providers = sorted({c.provider for c in candidates})
    size = min(2, len(days))
    pairs = _neighbourhoods(providers, days, size)
    used = 0.0
    sub_seconds, sub_deterministic = SUB_SECONDS, SUB_DETERMINISTIC
    while True:
        improved, all_proven = False, True
        for pair in pairs:
            if time.perf_counter() >= stop_at:
                return current, used, True
            if deterministic is not None and used >= deterministic:
                return current, used, False
            left = stop_at - time.perf_counter()
            if deterministic is None:  # by wall (else the clock is a safety net only)
                left = min(sub_seconds, left)
            budget = None
            if deterministic is not None:
                budget = min(sub_deterministic, deterministic - used)
            provider, pair_days = pair
            better, proven, spent = _solve_days(
                scenario,
                candidates,
                current,
                fixed,
                (provider, set(pair_days)),
                left,
                budget,
                workers,
                seed,
            )
            used += spent
            all_proven = all_proven and proven
            if deterministic is not None and time.perf_counter() >= stop_at and not proven:
                return current, used, True  # the safety net stopped this pair
            if better is not None:
                current, improved = better, True
                if on_better is not None:
                    on_better(current)
                if reached(current):
                    return current, used, False
        if not improved:
            if all_proven:  # every pair of days is as good as it gets around this plan
                if size >= len(days):
                    return current, used, False
                size += 1  # so, three days at a time (and so on)
                pairs = _neighbourhoods(providers, days, size)
                continue
            # Some pairs ran out of time: give each more before the next round.
            sub_seconds, sub_deterministic = 2 * sub_seconds, 2 * sub_deterministic


def _neighbourhoods(
    providers: Sequence[str], days: Sequence[str], size: int
) -> list[tuple[str, tuple[str, ...]]]:
    """Each provider's days, `size` at a time (providers share no student in one solve, so
    one provider's days are a neighbourhood on their own)."""
    return [
        (provider, chosen)
        for provider in providers
        for chosen in itertools.combinations(days, size)
    ]


def _solve_days(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    values: Sequence[int],
    fixed: set[int],
    where: tuple[str, set[str]],
    seconds: float,
    deterministic: float | None,
    workers: int,
    seed: int,
) -> tuple[list[int] | None, bool, float]:
    """A better plan for these days (None: none found), whether the sub-model was solved
    to optimality, and the deterministic time spent."""
    provider, days = where

    def inside(c: Candidate) -> bool:
        return c.provider == provider and c.day in days

    kept_sessions: Counter[str] = Counter()
    for c, value in zip(candidates, values, strict=True):
        if value and not inside(c):
            kept_sessions.update(c.students)
    remaining = {s.id: s.sessions_needed - kept_sessions[s.id] for s in scenario.students}
    local = [c for c in candidates if inside(c) and all(remaining[s] > 0 for s in c.students)]
    if not local:
        return None, True, 0.0
    renumbered = [dataclasses.replace(c, index=i) for i, c in enumerate(local)]
    students = tuple(
        dataclasses.replace(s, minutes_per_week=max(0, remaining[s.id]) * s.session_minutes)
        for s in scenario.students
    )
    sub_scenario = dataclasses.replace(scenario, students=students, previous_plan=None, pinned=())
    schedule = ScheduleModel.build(sub_scenario, _Builder(renumbered))  # type: ignore[arg-type]
    model = schedule.model
    # Most student-minutes first, then most fit: one minute outweighs any fit here.
    fit_total = sum(c.fit_scaled for c in local) + 1
    weights = [c.student_minutes * fit_total + c.fit_scaled for c in local]
    objective = cp_model.LinearExpr.weighted_sum(schedule.x, weights)
    model.maximize(objective)
    current = sum(w for c, w in zip(local, weights, strict=True) if values[c.index])
    model.add(objective >= current)
    for number, c in enumerate(local):
        if c.index in fixed:
            model.add(schedule.x[number] == 1)
        model.add_hint(schedule.x[number], values[c.index])
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    params.cp_model_probing_level = 0
    params.max_time_in_seconds = max(0.05, seconds)
    if deterministic is not None:
        params.max_deterministic_time = max(0.01, deterministic)
        params.interleave_search = workers > 1
    status = solver.solve(model)
    spent = solver.deterministic_time
    proven = status == cp_model.OPTIMAL
    solution = schedule.solution_of(solver)
    if solution is None or solver.objective_value <= current:
        return None, proven, spent
    result = [0 if inside(c) else value for c, value in zip(candidates, values, strict=True)]
    for number, c in enumerate(local):
        if solution[number]:
            result[c.index] = 1
    return result, proven, spent


# One neighbourhood's first cap (doubled after a round that found nothing better while
# some neighbourhoods were not proven): wall clock, or deterministic time when reproducible.
SUB_SECONDS = 4.0
SUB_DETERMINISTIC = 0.25
