"""Independent parts (pushin/scheduling/parts.py): providers who share no child are
planned by `solve()` one part after another, each as a problem of its own."""

from __future__ import annotations

import dataclasses

from pushin.scheduling.anytime import Anytime, Progress, progress_plan
from pushin.scheduling.check import check_plan
from pushin.scheduling.district import share_students
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.parts import part_scenario, provider_components
from pushin.scheduling.plan import Plan, plan_to_dict
from pushin.scheduling.scenario import Scenario
from pushin.scheduling.solve import solve

BUDGET = 1.0  # deterministic time: the same plans on any machine load
LIMIT = 60.0


def two_providers() -> Scenario:
    scenario = generate_scenario(students=16, schools=2, providers=2, seed=3)
    assert provider_components(scenario) == (("prov-01",), ("prov-02",))
    return scenario


def test_each_part_is_planned_as_that_provider_alone_with_its_share_of_the_time() -> None:
    # by providers: with the providers' time added up, each gets as long as alone
    scenario = two_providers()
    plan = solve(scenario, time_limit=LIMIT, deterministic_limit=BUDGET)
    assert check_plan(scenario, plan) == []
    assert plan.stats.extra["parts"] == [["prov-01"], ["prov-02"]]
    share = 1 / 2  # of the time, for each of the two providers
    first = solve(
        part_scenario(scenario, ("prov-01",)),
        time_limit=share * LIMIT,
        deterministic_limit=share * BUDGET,
    )
    # the second part gets what the first left
    left = BUDGET - first.stats.extra["deterministic_time"]
    second = solve(
        part_scenario(scenario, ("prov-02",)),
        time_limit=(1 - share) * LIMIT,
        deterministic_limit=left,
    )
    for provider, alone in (("prov-01", first), ("prov-02", second)):
        mine = sorted(s.signature for s in plan.sessions if s.provider == provider)
        assert mine == sorted(s.signature for s in alone.sessions)
    # Every level's value and bound are the parts' added up.
    for level, (value, bound) in plan.stats.extra["stage_values"].items():
        one, two = first.stats.extra["stage_values"], second.stats.extra["stage_values"]
        assert value == one[level][0] + two[level][0]
        assert bound == one[level][1] + two[level][1]
    assert plan.stats.shortfall_minutes == (
        first.stats.shortfall_minutes + second.stats.shortfall_minutes
    )
    both_optimal = first.status == second.status == "optimal"
    assert plan.status == ("optimal" if both_optimal else "feasible")
    assert plan.stats.extra["candidates"] == (
        first.stats.extra["candidates"] + second.stats.extra["candidates"]
    )


def test_providers_sharing_a_child_stay_one_problem() -> None:
    scenario = share_students(two_providers(), share=0.2, seed=1)
    assert provider_components(scenario) == (("prov-01", "prov-02"),)
    plan = solve(scenario, time_limit=LIMIT, deterministic_limit=BUDGET)
    assert check_plan(scenario, plan) == []
    assert "parts" not in plan.stats.extra


def test_progress_covers_the_parts_planned_and_counts_the_rest_as_short() -> None:
    scenario = two_providers()
    plain = solve(scenario, time_limit=LIMIT, deterministic_limit=BUDGET)
    seen: list[Progress] = []
    watched = solve(
        scenario,
        time_limit=LIMIT,
        deterministic_limit=BUDGET,
        anytime=Anytime(on_progress=seen.append, min_interval=0),
    )
    assert plan_to_dict(watched)["sessions"] == plan_to_dict(plain)["sessions"]
    second_mandated = sum(s.minutes_per_week for s in scenario.students if s.provider == "prov-02")
    first_final = {s.signature for s in plain.sessions if s.provider == "prov-01"}
    during_first = [p for p in seen if not any(c.provider == "prov-02" for c in p.chosen)]
    assert during_first, "no report while the first part was planned"
    for progress in seen:
        plan = progress_plan(scenario, progress)
        assert check_plan(scenario, plan) == []
        if "shortfall" in progress.stage_values and progress in during_first:
            # the second part has nothing yet: all its minutes are short, bound 0
            assert plan.stats.shortfall_minutes >= second_mandated
            assert set(progress.stage_values) == {"shortfall"}
        if progress not in during_first:
            assert first_final <= {s.signature for s in plan.sessions}
    last = progress_plan(scenario, seen[-1])
    assert [s.signature for s in last.sessions] == [s.signature for s in plain.sessions]
    assert seen[-1].stage_values["shortfall"][0] == plain.stats.shortfall_minutes


def test_a_re_plan_in_parts_keeps_every_session_and_pin() -> None:
    scenario = two_providers()
    first = solve(scenario, time_limit=LIMIT, deterministic_limit=BUDGET)
    pin = next(s.id for s in first.sessions if s.provider == "prov-02")
    again_scenario = dataclasses.replace(
        scenario, previous_plan=Plan(status=first.status, sessions=first.sessions), pinned=(pin,)
    )
    again = solve(again_scenario, time_limit=LIMIT, deterministic_limit=BUDGET)
    assert check_plan(again_scenario, again) == []
    assert again.stats.moved_sessions == 0
    assert {s.id for s in again.sessions} >= {s.id for s in first.sessions}


def test_a_provider_whose_students_all_left_still_counts_its_sessions_moved() -> None:
    scenario = two_providers()
    first = solve(scenario, time_limit=LIMIT, deterministic_limit=BUDGET)
    gone = [s for s in first.sessions if s.provider == "prov-02"]
    assert gone
    again_scenario = dataclasses.replace(
        scenario,
        students=tuple(s for s in scenario.students if s.provider == "prov-01"),
        previous_plan=Plan(status=first.status, sessions=first.sessions),
    )
    again = solve(again_scenario, time_limit=LIMIT, deterministic_limit=BUDGET)
    assert again.stats.extra["parts"] == [["prov-01"], ["prov-02"]]
    assert not [s for s in again.sessions if s.provider == "prov-02"]
    moved = again.stats.extra["stage_values"]["moved_sessions"][0]
    assert moved == again.stats.moved_sessions >= len(gone)
