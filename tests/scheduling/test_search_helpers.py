"""The LP relaxation's bound is a real bound; the local search keeps plans valid."""

from __future__ import annotations

from pushin.scheduling.candidates import enumerate_candidates
from pushin.scheduling.check import check_plan
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.model import ScheduleModel
from pushin.scheduling.packing import Packer
from pushin.scheduling.relax import lp_order, relax_shortfall
from pushin.scheduling.solve import build_plan, sessions_from_candidates, solve


def test_lp_bound_never_exceeds_a_found_plan() -> None:
    scenario = generate_scenario(students=10, schools=2, providers=1, seed=4)
    builder = enumerate_candidates(scenario)
    schedule = ScheduleModel.build(scenario, builder)
    mandated = sum(s.minutes_per_week for s in scenario.students)
    relaxation = relax_shortfall(schedule, mandated, Packer(scenario, builder.candidates))
    assert relaxation is not None
    plan = solve(scenario, time_limit=120, deterministic_limit=5.0)
    assert plan.stats.extra["stage_values"]["shortfall"][0] == plan.stats.shortfall_minutes
    assert relaxation.shortfall_bound <= plan.stats.shortfall_minutes


def test_local_search_keeps_the_plan_valid_and_the_pins() -> None:
    scenario = generate_scenario(students=30, schools=3, providers=1, seed=5)
    candidates = enumerate_candidates(scenario).candidates
    packer = Packer(scenario, candidates)
    pin = max(candidates, key=lambda c: (c.student_minutes, -c.index))
    packer.add(pin)
    packer.fixed.add(pin.index)
    packer.try_add_all(lp_order(candidates, [0.0] * len(candidates)))
    before = sum(candidates[i].student_minutes for i in packer.chosen)
    packer.improve({s.id: s.minutes_per_week for s in scenario.students}, rounds=3)
    after = sum(candidates[i].student_minutes for i in packer.chosen)
    assert after >= before
    assert pin.index in packer.chosen_set
    chosen = [candidates[i] for i in packer.chosen]
    plan = build_plan(
        scenario, sessions_from_candidates(scenario, chosen), status="feasible", seconds=0
    )
    assert check_plan(scenario, plan) == []
