"""The two-day search (lns.py) and the wall-clock budget of solve()."""

from __future__ import annotations

import time

from pushin.scheduling.candidates import enumerate_candidates
from pushin.scheduling.check import check_plan
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.lns import improve_by_days
from pushin.scheduling.packing import Packer
from pushin.scheduling.solve import build_plan, sessions_from_candidates, solve


def test_two_days_at_a_time_never_loses_minutes_or_fit_and_stays_valid() -> None:
    scenario = generate_scenario(students=30, schools=3, providers=1, seed=4)
    candidates = enumerate_candidates(scenario).candidates
    packer = Packer(scenario, candidates)
    # a poor start: the sparsest candidates first
    packer.try_add_all(sorted(candidates, key=lambda c: (c.student_minutes, c.index)))
    start = [1 if c.index in packer.chosen_set else 0 for c in candidates]
    better, used, _stopped = improve_by_days(
        scenario, candidates, start, set(), stop_at=time.perf_counter() + 600, deterministic=1.0
    )

    def score(values: list[int]) -> tuple[int, int]:
        chosen = [c for c, v in zip(candidates, values, strict=True) if v]
        return sum(c.student_minutes for c in chosen), sum(c.fit_scaled for c in chosen)

    assert score(better) > score(start)
    assert used > 0
    chosen = [c for c, v in zip(candidates, better, strict=True) if v]
    plan = build_plan(
        scenario, sessions_from_candidates(scenario, chosen), status="feasible", seconds=0
    )
    assert check_plan(scenario, plan) == []


def test_the_search_ends_once_the_plan_meets_a_proven_bound() -> None:
    """`reached`: a plan as good as a bound proven without search ends the search there,
    with the time left for the next levels."""
    scenario = generate_scenario(students=30, schools=3, providers=1, seed=4)
    candidates = enumerate_candidates(scenario).candidates
    packer = Packer(scenario, candidates)
    packer.try_add_all(sorted(candidates, key=lambda c: (c.student_minutes, c.index)))
    start = [1 if c.index in packer.chosen_set else 0 for c in candidates]

    def search(reached=lambda plan: False) -> list[list[int]]:
        heard: list[list[int]] = []
        improve_by_days(
            scenario,
            candidates,
            start,
            set(),
            stop_at=time.perf_counter() + 600,
            deterministic=1.0,
            on_better=heard.append,
            reached=reached,
        )
        return heard

    whole = search()
    assert len(whole) > 1  # the search improves this start more than once
    assert search(reached=lambda plan: True) == whole[:1]
    second = whole[1]
    assert search(reached=lambda plan: plan == second) == whole[:2]


def test_the_budget_is_named_in_the_stats() -> None:
    scenario = generate_scenario(students=4, schools=1, providers=1, seed=2)
    assert solve(scenario, time_limit=5).stats.extra["budget"] == "wall"
    plan = solve(scenario, time_limit=60, deterministic_limit=1.0)
    assert plan.stats.extra["budget"] == "deterministic"
