from __future__ import annotations

from pushin.caseload.fit import default_fit, fit_table_for, goal_fit
from pushin.caseload.models import FitWeight, GoalFitOverride
from pushin.district.models import District
from pushin.scheduling.scenario import DEFAULT_FIT
from pushin.vocabulary import Activity, Domain


def test_defaults_come_from_the_scheduling_engine(world):
    table = fit_table_for(world.district)
    assert set(table) == set(Domain.values)
    for domain in Domain.values:
        assert set(table[domain]) == set(Activity.values)
        for activity in Activity.values:
            assert table[domain][activity] == DEFAULT_FIT.get(domain, {}).get(activity, 0.0)
    assert table["handwriting"]["writing"] == 1.0
    assert table["handwriting"]["pe_recess"] == 0.0  # absent from the engine's row
    assert table["social"]["science"] == 0.7  # the specials have defaults too
    assert table["keyboarding"]["music"] == 0.0  # absent from the engine's column
    assert table["fine_motor"]["vocational"] == 0.9  # secondary and transition activities


def test_district_edits_override_only_their_cells_and_only_their_district(world):
    FitWeight.objects.create(
        district=world.district, domain="handwriting", activity="math", weight=0.9
    )
    elsewhere = District.objects.create(
        name="Elsewhere", school_year_start="2026-09-01", school_year_end="2027-06-15"
    )
    FitWeight.objects.create(district=elsewhere, domain="handwriting", activity="math", weight=0)
    table = fit_table_for(world.district)
    assert table["handwriting"]["math"] == 0.9
    assert table["handwriting"]["writing"] == default_fit("handwriting", "writing")
    assert fit_table_for(elsewhere)["handwriting"]["math"] == 0.0


def test_goal_fit_applies_the_goals_own_overrides(world):
    goal = world.student.ieps.get().goals.get()
    GoalFitOverride.objects.create(goal=goal, activity="test", weight=0.4)
    fit = goal_fit(goal, fit_table_for(world.district))
    assert fit["test"] == 0.4
    assert fit["writing"] == 1.0
    assert set(fit) == set(Activity.values)
