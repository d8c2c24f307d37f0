"""Packaging rules: no Django in the engine; the generator is deterministic and valid."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

from pushin.scheduling.check import check_plan
from pushin.scheduling.cli import main
from pushin.scheduling.generate import PRESETS, generate_scenario, timetable_for_grade
from pushin.scheduling.greedy import greedy_plan
from pushin.scheduling.scenario import parse_scenario, scenario_to_dict

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_imports_no_django() -> None:
    modules = sorted(
        f"pushin.scheduling.{path.stem}"
        for path in (ROOT / "pushin" / "scheduling").glob("*.py")
        if path.stem not in ("__init__", "__main__")
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_generator_is_deterministic_and_valid() -> None:
    first = scenario_to_dict(generate_scenario(students=30, schools=3, providers=1, seed=7))
    second = scenario_to_dict(generate_scenario(students=30, schools=3, providers=1, seed=7))
    other = scenario_to_dict(generate_scenario(students=30, schools=3, providers=1, seed=8))
    assert first == second
    assert first != other
    scenario = parse_scenario(json.loads(json.dumps(first)))
    assert len(scenario.students) == 30
    assert check_plan(scenario, greedy_plan(scenario)) == []


def test_presets_and_timetables() -> None:
    assert PRESETS["small"] == (72, 7, 1)
    blocks = timetable_for_grade(2, "room-x")
    assert blocks == timetable_for_grade(2, "room-x")
    for day in ("mon", "fri"):
        day_blocks = [b for b in blocks if b.day == day]
        assert day_blocks[0].start == 8 * 60 + 15
        assert day_blocks[-1].end == 14 * 60 + 45
        assert all(a.end == b.start for a, b in itertools.pairwise(day_blocks))
    activities = {b.activity for b in blocks}
    assert {"writing", "centers", "math", "lunch_snack", "pe_recess", "carpet"} <= activities


def test_cli_generate_plan_and_invalid_input(tmp_path: Path) -> None:
    scenario_path = tmp_path / "s.json"
    assert main(["generate", "--preset", "tiny", "--students", "6", "-o", str(scenario_path)]) == 0
    plan_path = tmp_path / "p.json"
    assert main(["plan", str(scenario_path), "--time-limit", "5", "-o", str(plan_path)]) == 0
    assert main(["check", str(scenario_path), str(plan_path)]) == 0
    data = json.loads(scenario_path.read_text())
    data["students"][0]["minutes_per_week"] = 7
    bad_path = tmp_path / "bad.json"
    bad_path.write_text(json.dumps(data))
    out_path = tmp_path / "bad-plan.json"
    assert main(["plan", str(bad_path), "-o", str(out_path)]) == 2
    written = json.loads(out_path.read_text())
    assert written["status"] == "invalid_input"
    assert written["sessions"] == []
    assert any("$.students[0].minutes_per_week" in error for error in written["errors"])
