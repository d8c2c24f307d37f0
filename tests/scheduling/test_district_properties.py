"""District plans on random multi-provider scenarios (Hypothesis): every merged plan passes
`pushin check`, no person is in two places at once (nor out of class twice a day when
`one_pull_out_a_day` is set), and no provider is worse than alone unless a child they share
was needed at the same time by both (then the plan names it)."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushin.scheduling.check import check_plan
from pushin.scheduling.district import (
    person_clashes,
    plan_district,
    provider_scores,
    share_students,
)
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.parts import person_entries
from pushin.scheduling.scenario import Scenario


@st.composite
def district_scenarios(draw: st.DrawFn) -> Scenario:
    base = generate_scenario(
        students=draw(st.integers(4, 12)),
        schools=draw(st.integers(1, 2)),
        providers=draw(st.integers(2, 3)),
        seed=draw(st.integers(0, 10_000)),
    )
    shared = share_students(
        base, share=draw(st.sampled_from((0.0, 0.3, 0.6))), seed=draw(st.integers(0, 100))
    )
    return dataclasses.replace(shared, one_pull_out_a_day=draw(st.booleans()))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(district_scenarios())
def test_district_plans_are_valid_and_never_worse_than_alone(scenario: Scenario) -> None:
    result = plan_district(scenario, time_limit=1, processes=1)
    plan = result.plan
    assert check_plan(scenario, plan) == []
    assert person_clashes(scenario, plan.sessions) == []
    persons = person_entries(scenario)
    if scenario.one_pull_out_a_day:
        for entries in persons.values():
            days = [s.day for s in plan.sessions if s.delivery == "pull_out"
                    and set(entries) & set(s.students)]  # fmt: skip
            assert len(days) == len(set(days))
    scores = provider_scores(scenario, plan.sessions)
    alone_clashes = person_clashes(
        scenario, [s for alone in result.alone.values() for s in alone.sessions]
    )
    contested = {p for c in alone_clashes for p in (c.first.provider, c.second.provider)}
    for outcome in result.outcomes:
        assert scores[outcome.provider] == outcome.district
        assert (
            outcome.alone
            == provider_scores(scenario, result.alone[outcome.provider].sessions)[outcome.provider]
        )
        if outcome.worse:
            # only where two providers' own plans wanted the same child at once
            assert outcome.provider in contested
            assert outcome.persons
            assert outcome.provider in plan.stats.extra["district"]["worse_than_alone"]
        if not outcome.shares_with:
            assert outcome.how == "alone"
            assert outcome.district == outcome.alone
    if not alone_clashes:
        assert not any(outcome.worse for outcome in result.outcomes)
