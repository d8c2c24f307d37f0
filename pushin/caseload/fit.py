"""The goal-activity fit table of a district: the engine's defaults plus the district's edits.

The default table lives in one place, `pushin.scheduling.scenario.DEFAULT_FIT`; this
module only merges a district's `FitWeight` rows (and a goal's own overrides) over it.
"""

from __future__ import annotations

from pushin.caseload.models import FitWeight, Goal
from pushin.district.models import District
from pushin.scheduling.scenario import DEFAULT_FIT
from pushin.vocabulary import Activity, Domain

FitTable = dict[str, dict[str, float]]


def default_fit(domain: str, activity: str) -> float:
    """The engine's default weight; an activity absent from a row weighs 0."""
    return float(DEFAULT_FIT.get(domain, {}).get(activity, 0.0))


def default_fit_table() -> FitTable:
    """Every domain x every activity, from the engine's defaults."""
    return {
        domain: {activity: default_fit(domain, activity) for activity in Activity.values}
        for domain in Domain.values
    }


def district_fit_edits(district: District) -> dict[tuple[str, str], float]:
    """The cells the district changed: (domain, activity) -> weight."""
    return {
        (row.domain, row.activity): row.weight
        for row in FitWeight.objects.filter(district=district)
    }


def fit_table_for(district: District) -> FitTable:
    """domain -> activity -> weight: the defaults with the district's edits over them."""
    table = default_fit_table()
    for (domain, activity), weight in district_fit_edits(district).items():
        table.setdefault(domain, {})[activity] = weight
    return table


def goal_fit(goal: Goal, table: FitTable) -> dict[str, float]:
    """activity -> weight for one goal: its domain's row with the goal's own overrides.

    Reads `goal.fit_overrides.all()`, so prefetch `fit_overrides` when looping over goals.
    """
    row = {activity: table.get(goal.domain, {}).get(activity, 0.0) for activity in Activity.values}
    for override in goal.fit_overrides.all():
        row[override.activity] = override.weight
    return row
