"""Anytime solving (pushin/scheduling/anytime.py): the best plan so far while the solve
runs, and a plan to start from."""

from __future__ import annotations

from typing import Any

from pushin.scheduling.anytime import Anytime, Progress, progress_plan
from pushin.scheduling.check import check_plan
from pushin.scheduling.generate import generate_preset
from pushin.scheduling.plan import plan_to_dict
from pushin.scheduling.solve import solve


def test_progress_reports_the_plan_and_bounds_without_changing_it() -> None:
    scenario = generate_preset("tiny", seed=0)
    # Reproducible budgets (deterministic_limit): the same plan on any machine load.
    plain = solve(scenario, time_limit=30, deterministic_limit=1.0)
    seen: list[Progress] = []
    watched = solve(
        scenario,
        time_limit=30,
        deterministic_limit=1.0,
        anytime=Anytime(on_progress=seen.append),
    )
    # Observing does not change the search.
    assert plan_to_dict(watched)["sessions"] == plan_to_dict(plain)["sessions"]
    assert seen[0].level == "start"
    assert seen[-1].stage_values["shortfall"][0] == plain.stats.shortfall_minutes
    # The last report is the final plan; each report is a valid plan with its figures.
    last = progress_plan(scenario, seen[-1])
    assert [s.signature for s in last.sessions] == [s.signature for s in plain.sessions]
    for progress in seen:
        plan = progress_plan(scenario, progress)
        assert check_plan(scenario, plan) == []
        assert plan.status == "feasible"
    levels = [p.level for p in seen if p.level != "start"]
    assert levels[0] == "shortfall"


def test_start_from_an_earlier_plan() -> None:
    scenario = generate_preset("small", seed=0)
    first = solve(scenario, time_limit=2)
    seen: list[Progress] = []
    again = solve(
        scenario, time_limit=2, anytime=Anytime(on_progress=seen.append, start_from=first.sessions)
    )
    start = progress_plan(scenario, seen[0])
    # The starting plan is the earlier one's (or better), never worse on minutes.
    assert start.stats.shortfall_minutes <= first.stats.shortfall_minutes
    assert again.stats.shortfall_minutes <= first.stats.shortfall_minutes
    assert check_plan(scenario, again) == []


def test_the_bounded_solve_sends_the_best_plan_so_far() -> None:
    from pushin.scheduling.bounded import solve_bounded
    from pushin.scheduling.plan import plan_from_dict
    from pushin.scheduling.scenario import parse_scenario, scenario_to_dict

    data = scenario_to_dict(generate_preset("small", seed=0))
    seen: list[dict[str, Any]] = []
    final = solve_bounded(
        data, time_limit=3, on_progress=seen.append, progress_seconds=0.2, poll_seconds=0.1
    )
    assert seen, "no progress reached the parent"
    scenario = parse_scenario(data)
    for payload in seen:
        plan = plan_from_dict(payload)
        assert plan.status == "feasible"
        assert check_plan(scenario, plan) == []
        assert "stage_values" in plan.stats.extra
    # The plan only gets better: never more shortfall than the first report.
    first = plan_from_dict(seen[0]).stats.shortfall_minutes
    assert plan_from_dict(final).stats.shortfall_minutes <= first
