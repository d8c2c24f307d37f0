"""`min_fit`: no push-in student below it, a reason for those it leaves short, the checker."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushin.scheduling.check import check_plan
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.plan import PlannedSession
from pushin.scheduling.scenario import (
    Scenario,
    ScenarioError,
    parse_scenario,
    scenario_to_dict,
)
from pushin.scheduling.solve import build_plan, solve

from .conftest import block, student, world


def lowest_fit(scenario: Scenario, sessions: tuple[PlannedSession, ...]) -> float:
    """The least fit of any scheduled push-in student for their focus goal (1 if none)."""
    lowest = 1.0
    for session in sessions:
        if session.delivery != "push_in":
            continue
        activity = scenario.block_by_id[session.block].activity
        for student_id in session.students:
            goals = scenario.student_by_id[student_id].goals
            domain = next(g.domain for g in goals if g.id == session.focus[student_id])
            lowest = min(lowest, scenario.fit_weight(domain, activity))
    return lowest


scenarios = st.builds(
    generate_scenario,
    students=st.integers(1, 7),
    schools=st.integers(1, 3),
    providers=st.integers(1, 2),
    seed=st.integers(0, 10_000),
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios, st.sampled_from([0.3, 0.5, 0.7, 1.0]))
def test_no_scheduled_student_below_min_fit(scenario: Scenario, min_fit: float) -> None:
    limited = dataclasses.replace(scenario, min_fit=min_fit)
    plan = solve(limited, time_limit=3)
    assert check_plan(limited, plan) == []
    assert lowest_fit(limited, plan.sessions) >= min_fit
    # min_fit only takes placements away: never less shortfall than without it
    assert plan.stats.shortfall_minutes >= solve(scenario, time_limit=3).stats.shortfall_minutes


def test_min_fit_is_read_written_and_defaults_to_0() -> None:
    data = world(blocks=[block("b1", "mon", "09:00", "09:45", "writing")], students=[student("a")])
    assert parse_scenario(data).min_fit == 0.0
    assert "min_fit" not in scenario_to_dict(parse_scenario(data))
    data["min_fit"] = 0.5
    scenario = parse_scenario(data)
    assert scenario.min_fit == 0.5
    assert parse_scenario(scenario_to_dict(scenario)).min_fit == 0.5


@pytest.mark.parametrize(
    ("value", "words"),
    [(1.5, "min_fit 1.5 is not in [0, 1]"), (-0.1, "not in [0, 1]"), ("0.5", "expected a number")],
)
def test_a_bad_min_fit_is_an_input_error(value: object, words: str) -> None:
    data = world(blocks=[block("b1", "mon", "09:00", "09:45", "writing")], students=[student("a")])
    data["min_fit"] = value
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert [issue.path for issue in caught.value.errors] == ["$.min_fit"]
    assert words in caught.value.errors[0].message


def test_a_group_member_is_not_placed_below_min_fit() -> None:
    # math fits handwriting at 0.5 and attention at 0.8: with min_fit 0.7, b's handwriting
    # cannot join a's attention session in math, and b's only other block is math.
    grouped: dict[str, Any] = {"grouping": "group_ok", "max_group": 2}
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "math")],
        students=[
            student("a", goals=[{"id": "a-g", "domain": "attention"}], **grouped),
            student("b", **grouped),
        ],
    )
    assert solve(parse_scenario(data), time_limit=5).stats.shortfall_minutes == 0
    data["min_fit"] = 0.7
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=5)
    assert check_plan(scenario, plan) == []
    assert [session.students for session in plan.sessions] == [("a",)]
    (short,) = plan.shortfalls
    assert short.student == "b"
    (reason,) = short.reasons
    assert reason.code == "below_min_fit"
    assert reason.message.startswith("No time at an activity that fits the goal (handwriting)")
    assert "b1 (Mon 09:00-09:45) in B. Chen's room fits at 0.5" in reason.message


def test_a_block_with_no_fit_at_all_is_still_no_fitting_block() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "pe_recess")], students=[student("a")]
    )
    data["min_fit"] = 0.5
    plan = solve(parse_scenario(data), time_limit=5)
    assert [r.code for r in plan.shortfalls[0].reasons] == ["no_fitting_block"]


def test_pull_out_is_not_held_to_min_fit() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "independent_work")],
        students=[student("a", delivery="pull_out", goals=[{"id": "a-g", "domain": "social"}])],
    )
    data["min_fit"] = 0.9
    plan = solve(parse_scenario(data), time_limit=5)
    assert plan.stats.shortfall_minutes == 0


def test_check_flags_a_placement_below_min_fit() -> None:
    data = world(blocks=[block("b1", "mon", "09:00", "09:45", "math")], students=[student("a")])
    session = PlannedSession(
        id="sess-1", provider="p1", classroom="r1", block="b1", day="mon", start=540,
        end=570, delivery="push_in", students=("a",), focus={"a": "a-g"},
    )  # fmt: skip
    scenario = parse_scenario(data)
    assert check_plan(scenario, build_plan(scenario, [session], status="feasible", seconds=0)) == []
    data["min_fit"] = 0.6
    scenario = parse_scenario(data)
    plan = build_plan(scenario, [session], status="feasible", seconds=0)
    messages = [str(v) for v in check_plan(scenario, plan)]
    assert messages == [
        "rule 2: session sess-1 (Mon 09:00-09:30): a-g fits b1 (Mon 09:00-09:45) at 0.5, "
        "below min_fit 0.6"
    ]
