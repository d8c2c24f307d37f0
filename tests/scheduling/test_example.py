from __future__ import annotations

from typing import Any

from pushin.scheduling.check import check_plan
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.plan import plan_from_dict
from pushin.scheduling.scenario import parse_scenario
from pushin.scheduling.solve import solve


def test_solver_reproduces_the_example_objective(tiny_scenario: dict[str, Any]) -> None:
    scenario = parse_scenario(tiny_scenario)
    plan = solve(scenario, time_limit=20)
    assert plan.status == "optimal"
    assert plan.stats.shortfall_minutes == 0
    assert plan.stats.fit_minutes == 171.0
    assert plan.stats.extra["preferences"] == 1
    assert plan.stats.sessions == 6
    assert plan.stats.travel_minutes == 30
    assert plan.stats.bound is None
    assert check_plan(scenario, plan) == []


def test_example_plan_passes_the_checker(
    tiny_scenario: dict[str, Any], tiny_plan: dict[str, Any]
) -> None:
    assert check_plan(parse_scenario(tiny_scenario), plan_from_dict(tiny_plan)) == []


def test_solving_twice_gives_the_same_plan(tiny_scenario: dict[str, Any]) -> None:
    scenario = parse_scenario(tiny_scenario)
    first = solve(scenario, time_limit=20, seed=3)
    second = solve(scenario, time_limit=20, seed=3)
    assert first.sessions == second.sessions


def test_same_seed_and_workers_give_the_identical_plan_when_cut_short() -> None:
    # A generated instance that is not proven within the budget: the stages stop on
    # their deterministic budgets, so two runs (two interleaved workers) must agree on
    # every session, not only on the objective values.
    scenario = generate_scenario(students=24, schools=3, providers=1, seed=1)
    runs = [
        solve(scenario, time_limit=120, deterministic_limit=0.6, workers=2, seed=7)
        for _ in range(2)
    ]
    assert runs[0].status == "feasible"  # cut short by the budget
    assert runs[0].stats.extra["wall_capped_stages"] == []
    assert runs[0].sessions == runs[1].sessions
    assert (
        runs[0].stats.extra["stage_deterministic_time"]
        == (runs[1].stats.extra["stage_deterministic_time"])
    )
    assert check_plan(scenario, runs[0]) == []


def test_the_starting_hint_is_complete_and_feasible() -> None:
    # Every variable is hinted (auxiliary shortfall/fit/travel variables too) and the
    # hint satisfies the model: CP-SAT must accept it with every variable fixed to it.
    from ortools.sat.python import cp_model

    from pushin.scheduling.candidates import enumerate_candidates
    from pushin.scheduling.model import ScheduleModel
    from pushin.scheduling.solve import _initial_hint, _set_hint

    scenario = generate_scenario(students=16, schools=3, providers=1, seed=2)
    builder = enumerate_candidates(scenario)
    schedule = ScheduleModel.build(scenario, builder)
    values = _initial_hint(scenario, builder.candidates, schedule, [])
    parts = [
        schedule.shortfall_minutes(),
        schedule.fit_per_student(),
        schedule.spread_penalty(),
        schedule.travel_minutes(),
    ]
    schedule.model.minimize(cp_model.LinearExpr.sum(parts))
    _set_hint(schedule, values, {})
    hint = schedule.model.proto.solution_hint
    assert len(hint.vars) == len(schedule.model.proto.variables)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.debug_crash_on_bad_hint = True
    solver.parameters.num_workers = 1
    assert solver.solve(schedule.model) == cp_model.OPTIMAL
