from __future__ import annotations

from typing import Any

from pushin.scheduling.check import check_plan
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


def test_solving_twice_gives_the_same_objective(tiny_scenario: dict[str, Any]) -> None:
    # Two parallel workers may break ties between equally good plans differently, so
    # only the objective values are compared (see the engine report on determinism).
    scenario = parse_scenario(tiny_scenario)
    first = solve(scenario, time_limit=20, seed=3)
    second = solve(scenario, time_limit=20, seed=3)
    assert first.stats.fit_minutes == second.stats.fit_minutes
    assert first.stats.sessions == second.stats.sessions
    assert first.stats.travel_minutes == second.stats.travel_minutes
