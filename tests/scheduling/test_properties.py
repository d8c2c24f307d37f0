"""Random small scenarios: every solver plan and every greedy plan passes the checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushin.scheduling.check import check_plan
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.greedy import greedy_plan
from pushin.scheduling.scenario import Scenario
from pushin.scheduling.solve import solve

scenarios = st.builds(
    generate_scenario,
    students=st.integers(1, 7),
    schools=st.integers(1, 3),
    providers=st.integers(1, 2),
    seed=st.integers(0, 10_000),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios)
def test_solver_and_greedy_plans_are_valid(scenario: Scenario) -> None:
    plan = solve(scenario, time_limit=3)
    assert check_plan(scenario, plan) == []
    assert plan.stats.shortfall_minutes <= greedy_plan(scenario).stats.shortfall_minutes
    assert check_plan(scenario, greedy_plan(scenario)) == []
    # Each level's figure is the final plan's, though a later stage may have improved it.
    values = plan.stats.extra["stage_values"]
    assert values["shortfall"][0] == plan.stats.shortfall_minutes
    if "fit_minutes" in values:
        assert abs(values["fit_minutes"][0] - plan.stats.fit_minutes) < 1e-3
