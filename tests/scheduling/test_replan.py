"""Re-planning keeps what still works: ids, pins, and untouched sessions."""

from __future__ import annotations

import copy
from typing import Any

from pushin.scheduling.check import check_plan
from pushin.scheduling.plan import plan_to_dict
from pushin.scheduling.scenario import parse_scenario
from pushin.scheduling.solve import solve


def first_plan(data: dict[str, Any]) -> dict[str, Any]:
    return plan_to_dict(solve(parse_scenario(data), time_limit=10))


def test_no_relevant_change_moves_nothing(tiny_scenario: dict[str, Any]) -> None:
    previous = first_plan(tiny_scenario)
    data = copy.deepcopy(tiny_scenario)
    data["previous_plan"] = previous
    data["classrooms"][0]["blocks"][1]["activity"] = "art"  # a block no session uses
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    assert plan.stats.moved_sessions == 0
    assert {s["id"] for s in previous["sessions"]} <= {s.id for s in plan.sessions}
    assert check_plan(scenario, plan) == []


def test_changed_block_moves_only_its_sessions(tiny_scenario: dict[str, Any]) -> None:
    previous = first_plan(tiny_scenario)
    used = next(s for s in previous["sessions"] if s["block"] == "ok-tue-1")
    data = copy.deepcopy(tiny_scenario)
    data["previous_plan"] = previous
    data["classrooms"][1]["blocks"][1]["activity"] = "test"  # Oak Tuesday art became a test
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    assert check_plan(scenario, plan) == []
    assert plan.stats.moved_sessions == 1
    kept = {s.id for s in plan.sessions}
    for session in previous["sessions"]:
        assert (session["id"] in kept) == (session["id"] != used["id"])
    new_ids = kept - {s["id"] for s in previous["sessions"]}
    assert used["id"] not in new_ids


def test_pinned_sessions_are_kept(tiny_scenario: dict[str, Any]) -> None:
    previous = first_plan(tiny_scenario)
    pinned = previous["sessions"][0]
    data = copy.deepcopy(tiny_scenario)
    data["previous_plan"] = previous
    data["pinned"] = [pinned["id"]]
    # Make the pinned session's block a poor one, so only the pin keeps it there.
    block_ids = [b["id"] for room in data["classrooms"] for b in room["blocks"]]
    assert pinned["block"] in block_ids
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=10)
    kept = plan.session_by_id()[pinned["id"]]
    assert (kept.day, kept.classroom, sorted(kept.students)) == (
        pinned["day"],
        pinned["classroom"],
        sorted(pinned["students"]),
    )
    assert check_plan(scenario, plan) == []
