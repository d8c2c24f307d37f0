"""Each validity rule, broken alone, is reported by `pushin check` with its number."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pushin.scheduling.cli import main

Data = dict[str, Any]


def _session(plan: Data, ident: str) -> Data:
    found: Data = next(s for s in plan["sessions"] if s["id"] == ident)
    return found


def break_rule_1(scenario: Data, plan: Data) -> None:
    session = _session(plan, "sess-1")  # 09:15-09:45 -> off the 5-minute grid
    session["start"], session["end"] = "09:12", "09:42"


def break_rule_2(scenario: Data, plan: Data) -> None:
    # st-201's fine-motor goal does not fit a transition block (weight 0).
    _session(plan, "sess-6")["focus"]["st-201"] = "g-201b"
    plan["stats"]["fit_minutes"] = 156.0


def break_rule_3(scenario: Data, plan: Data) -> None:
    # st-103 must be seen alone, and st-102 allows groups of two at most.
    _session(plan, "sess-1")["students"].append("st-103")
    _session(plan, "sess-1")["focus"]["st-103"] = "g-103a"
    plan["sessions"] = [s for s in plan["sessions"] if s["id"] != "sess-4"]
    plan["stats"].update(sessions=5, fit_minutes=147.0)


def break_rule_4(scenario: Data, plan: Data) -> None:
    scenario["providers"][0]["max_direct_minutes_per_day"] = 60  # Tuesday has 120


def break_rule_5(scenario: Data, plan: Data) -> None:
    scenario["students"][0]["unavailable"] = [{"day": "tue", "start": "09:00", "end": "09:30"}]


def break_rule_6(scenario: Data, plan: Data) -> None:
    plan["shortfalls"].append(
        {"student": "st-101", "minutes": 30, "reasons": [{"code": "capacity", "message": "x"}]}
    )


def break_rule_7(scenario: Data, plan: Data) -> None:
    scenario["previous_plan"] = copy.deepcopy(plan)
    scenario["pinned"] = ["sess-1"]
    _session(plan, "sess-1")["id"] = "sess-99"


def break_rule_8(scenario: Data, plan: Data) -> None:
    plan["stats"]["travel_minutes"] = 45


BREAKERS: dict[int, Callable[[Data, Data], None]] = {
    1: break_rule_1,
    2: break_rule_2,
    3: break_rule_3,
    4: break_rule_4,
    5: break_rule_5,
    6: break_rule_6,
    7: break_rule_7,
    8: break_rule_8,
}


def run_check(tmp_path: Path, scenario: Data, plan: Data) -> tuple[int, str]:
    scenario_path, plan_path = tmp_path / "scenario.json", tmp_path / "plan.json"
    scenario_path.write_text(json.dumps(scenario))
    plan_path.write_text(json.dumps(plan))
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(scenario_path), str(plan_path)])
    return code, out.getvalue()


def test_the_example_plan_is_valid(tmp_path: Path, tiny_scenario: Data, tiny_plan: Data) -> None:
    code, output = run_check(tmp_path, tiny_scenario, tiny_plan)
    assert code == 0, output
    assert output.strip() == "valid"


@pytest.mark.parametrize("rule", sorted(BREAKERS))
def test_a_plan_breaking_one_rule_is_rejected_with_that_rule(
    tmp_path: Path, tiny_scenario: Data, tiny_plan: Data, rule: int
) -> None:
    BREAKERS[rule](tiny_scenario, tiny_plan)
    code, output = run_check(tmp_path, tiny_scenario, tiny_plan)
    assert code != 0
    reported = {int(n) for n in re.findall(r"^rule (\d)", output, flags=re.MULTILINE)}
    assert reported == {rule}, output


def test_a_shortfall_without_a_reason_breaks_rule_6(
    tmp_path: Path, tiny_scenario: Data, tiny_plan: Data
) -> None:
    tiny_plan["sessions"] = [s for s in tiny_plan["sessions"] if s["id"] != "sess-5"]
    tiny_plan["shortfalls"] = [{"student": "st-202", "minutes": 30, "reasons": []}]
    tiny_plan["stats"].update(
        sessions=5,
        scheduled_minutes=180,
        shortfall_minutes=30,
        fit_minutes=153.0,
        travel_minutes=30,
    )
    code, output = run_check(tmp_path, tiny_scenario, tiny_plan)
    assert code != 0
    assert "has no reason" in output
