"""The bound over whole provider-days (daybound.py): it holds, and it is used."""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import defaultdict
from dataclasses import replace

import pytest
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from pushin.scheduling.candidates import FIT_SCALE, Candidate, enumerate_candidates
from pushin.scheduling.daybound import _Day, day_plan_bound
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.model import ScheduleModel, gap_between
from pushin.scheduling.relax import relax_level
from pushin.scheduling.scenario import Scenario
from pushin.scheduling.solve import _fit_bound_at_plans_shortfall, _fit_day_bound, solve


def _most_fit(scenario: Scenario, floor: int) -> int:
    """The true optimum, by CP-SAT to proof: most fit scheduling at least `floor`
    student-minutes."""
    builder = enumerate_candidates(scenario)
    schedule = ScheduleModel.build(scenario, builder)
    candidates = builder.candidates
    schedule.model.add(sum(c.student_minutes * schedule.x[c.index] for c in candidates) >= floor)
    schedule.model.maximize(sum(c.fit_scaled * schedule.x[c.index] for c in candidates))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(schedule.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bound_is_never_below_the_best_plan(seed: int) -> None:
    scenario = generate_scenario(students=6, schools=2, providers=1, seed=seed)
    candidates = enumerate_candidates(scenario).candidates
    fit = [c.fit_scaled for c in candidates]
    mandated = sum(s.minutes_per_week for s in scenario.students)
    floor = mandated // 2
    best = _most_fit(scenario, floor)
    empty = [0] * len(candidates)  # the rounds start from no plan at all

    converged = day_plan_bound(scenario, candidates, fit, empty, min_student_minutes=floor)
    one_round = day_plan_bound(
        scenario, candidates, fit, empty, min_student_minutes=floor, max_rounds=1
    )

    assert converged is not None
    assert converged.converged
    assert one_round is not None
    assert one_round.rounds == 1
    # a bound at any round, tighter as the rounds go on
    assert best <= converged.value + 1e-6
    assert converged.value <= one_round.value
    # never weaker than each student's best days
    schedule = ScheduleModel.build(scenario, enumerate_candidates(scenario))
    schedule.fit_per_student()
    assert converged.value <= schedule.fit_ceiling + 1e-6


def test_a_master_glop_gives_up_on_is_built_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = generate_scenario(students=6, schools=2, providers=1, seed=1)
    candidates = enumerate_candidates(scenario).candidates
    fit = [c.fit_scaled for c in candidates]
    start = [0] * len(candidates)
    expected = day_plan_bound(scenario, candidates, fit, start)
    solve = pywraplp.Solver.Solve
    calls = []

    def abnormal_on_the_third(solver: pywraplp.Solver) -> int:
        calls.append(solver)
        if len(calls) == 3:
            return int(pywraplp.Solver.ABNORMAL)
        return int(solve(solver))

    monkeypatch.setattr(pywraplp.Solver, "Solve", abnormal_on_the_third)
    again = day_plan_bound(scenario, candidates, fit, start)

    assert expected is not None
    assert again is not None
    assert again.converged
    assert calls[3] is not calls[2]  # the fourth solve is of a new master
    assert again.value == pytest.approx(expected.value)


def test_the_day_program_finds_a_real_day_worth_at_least_the_best_day() -> None:
    """On random values, each day's chain has no overlap and keeps the travel time between
    consecutive sessions, and is worth at least the best day CP-SAT finds (the program
    also allows a student twice in a day, so it may be worth more, never less)."""
    scenario = generate_scenario(students=14, schools=3, providers=1, seed=5)
    candidates = enumerate_candidates(scenario).candidates
    by_day: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_day[c.day].append(c)
    rng = random.Random(0)
    value = [rng.randint(-5, 30) for _ in candidates]  # whole numbers: CP-SAT's exactly
    for day_candidates in by_day.values():
        program = _Day(scenario, day_candidates)
        slot_value = [float(max(value[i] for i in slot.members)) for slot in program.slots]
        worth, chain = program.best_plan(slot_value)
        chosen = [max(program.slots[n].members, key=lambda i: value[i]) for n in chain]
        sessions = [candidates[i] for i in chosen]
        assert worth == pytest.approx(sum(value[i] for i in chosen))
        for first, second in itertools.pairwise(sessions):
            assert first.end <= second.start
            if first.window_group == second.window_group:
                assert second.start - first.end >= gap_between(scenario, first, second)
        assert worth >= _best_day(scenario, day_candidates, value)


def _best_day(scenario: Scenario, day_candidates: list[Candidate], value: list[int]) -> float:
    renumbered = [replace(c, index=n) for n, c in enumerate(day_candidates)]

    class Builder:
        candidates = renumbered

    schedule = ScheduleModel.build(scenario, Builder())  # type: ignore[arg-type]
    weights = [value[c.index] for c in day_candidates]
    schedule.model.maximize(sum(w * x for w, x in zip(weights, schedule.x, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.solve(schedule.model) == cp_model.OPTIMAL
    return solver.objective_value


def test_a_plan_reports_the_tighter_of_the_lp_and_the_day_bound() -> None:
    scenario = generate_scenario(students=40, schools=4, providers=1, seed=2)
    plan = solve(scenario, time_limit=60, deterministic_limit=1)
    stage_values = plan.stats.extra["stage_values"]
    assert isinstance(stage_values, dict)
    fit, fit_bound = stage_values["fit_minutes"]
    shortfall = stage_values["shortfall"][0]

    builder = enumerate_candidates(scenario)
    candidates = builder.candidates
    floor = sum(s.minutes_per_week for s in scenario.students) - int(shortfall)
    schedule = ScheduleModel.build(scenario, builder)
    schedule.model.add(sum(c.student_minutes * schedule.x[c.index] for c in candidates) >= floor)
    lp = relax_level(schedule, [c.fit_scaled for c in candidates], maximize=True)
    days = day_plan_bound(
        scenario,
        candidates,
        [c.fit_scaled for c in candidates],
        [0] * len(candidates),
        min_student_minutes=floor,
    )
    assert lp is not None
    assert days is not None
    assert days.value < lp[0]  # here the day bound is the tighter one
    assert fit <= fit_bound <= days.value / 1000 + 1e-3


def test_a_bound_the_clock_stops_by_deterministic_budget_is_reported() -> None:
    """By deterministic budget the rounds decide; a stop by the clock (the safety net)
    makes the plan depend on the machine, so solve() lists the level as wall-capped."""
    scenario = generate_scenario(students=12, schools=3, providers=1, seed=1)
    candidates = enumerate_candidates(scenario).candidates
    start = [0] * len(candidates)
    shortfall = sum(s.minutes_per_week for s in scenario.students)

    cut, stopped = _fit_day_bound(
        scenario, candidates, start, shortfall=shortfall, stop_at=0.0, by_wall=False
    )
    whole, not_stopped = _fit_day_bound(
        scenario, candidates, start, shortfall=shortfall, stop_at=math.inf, by_wall=False
    )
    _by_wall, by_wall_stopped = _fit_day_bound(
        scenario, candidates, start, shortfall=shortfall, stop_at=0.0, by_wall=True
    )

    assert stopped
    assert not not_stopped
    assert not by_wall_stopped  # by wall the clock is the budget
    assert cut is not None
    assert whole is not None
    assert whole <= cut


def test_a_plan_shorter_than_its_shortfall_level_gets_the_bound_at_its_own_shortfall() -> None:
    # The fit level's search may schedule more minutes than the shortfall level left; the
    # fit bound then holds for plans as short as this one, at most the level's bound.
    # (at shortfall 0 this one's bound is 838500, at 60 840000 fit units)
    scenario = generate_scenario(students=30, schools=2, providers=1, seed=3)
    builder = enumerate_candidates(scenario)
    schedule = ScheduleModel.build(scenario, builder)
    plan = solve(scenario, time_limit=60, deterministic_limit=1)
    chosen = {builder.index_of(s.signature) for s in plan.sessions}
    values = [1 if c.index in chosen else 0 for c in builder.candidates]
    short = plan.stats.shortfall_minutes
    mandated = sum(s.minutes_per_week for s in scenario.students)
    assert short < mandated - 60  # room for a shortfall level 60 minutes worse
    levels = {"shortfall": [float(short + 60), 0.0]}
    tighter, _ = _fit_bound_at_plans_shortfall(
        scenario, schedule, values, levels, time.perf_counter() + 60, by_wall=False
    )
    at_level, _ = _fit_day_bound(
        scenario,
        builder.candidates,
        values,
        shortfall=short + 60,
        stop_at=time.perf_counter() + 60,
        by_wall=False,
    )
    assert tighter is not None
    assert at_level is not None
    assert tighter < at_level
    # It holds for this plan (the day bound's own test compares it with the optimum).
    assert tighter >= round(plan.stats.fit_minutes * FIT_SCALE)
    # As short as the shortfall level left: nothing to tighten.
    same = {"shortfall": [float(short), 0.0]}
    assert _fit_bound_at_plans_shortfall(
        scenario, schedule, values, same, time.perf_counter() + 60, by_wall=False
    ) == (None, False)
