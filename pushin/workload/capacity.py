"""Does the caseload fit the contract? The plan pages ask this before any shortfall.

A provider whose mandated direct minutes plus the travel between their schools come to
more than their contracted week cannot be scheduled whatever the timetables: the
shortfalls a plan shows then follow from the caseload, and the plan pages say so first,
with the numbers. Mandated direct minutes are counted as the district dashboard counts
them (each student's push-in and pull-out mandate in force, per school week), so the
director and the provider read the same figure; a group session serves several students
at once, so a plan with groups can need less of the provider's time than that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pushin.district.models import Provider
from pushin.district.selectors import provider_load
from pushin.planning.models import PlanRun
from pushin.planning.selectors import RunResult, travel_legs
from pushin.workload.selectors import weekly_travel


@dataclass(frozen=True)
class Capacity:
    provider: Provider
    contracted: int  # minutes per week
    direct: int  # mandated direct minutes per week
    travel: int | None  # minutes per week between schools; None: no weekly schedule yet
    travel_source: str  # where the travel comes from, in words

    @property
    def needed(self) -> int:
        return self.direct + (self.travel or 0)

    @property
    def exceeds(self) -> bool:
        return self.needed > self.contracted

    @property
    def over_by(self) -> int:
        return max(0, self.needed - self.contracted)

    @property
    def left(self) -> int:
        """What the contracted week leaves for indirect work (documentation, meetings...)."""
        return max(0, self.contracted - self.needed)

    @property
    def percent(self) -> int | None:
        return round(100 * self.needed / self.contracted) if self.contracted else None


def provider_capacity(provider: Provider, *, on: dt.date) -> Capacity:
    """Mandates in force on `on`, and the travel of the weekly schedule in force then."""
    return Capacity(
        provider=provider,
        contracted=provider.contracted_minutes_per_week,
        direct=provider_load(provider, on=on).direct_minutes,
        travel=weekly_travel(provider, on=on),
        travel_source="the weekly schedule",
    )


def run_capacities(run: PlanRun, result: RunResult) -> list[Capacity]:
    """Each planned provider's mandated direct minutes (the run's own) and the plan's
    travel, against their contract."""
    minutes_between: Mapping[frozenset[str], int] = {
        frozenset((leg["from"], leg["to"])): leg["minutes"]
        for leg in run.scenario.get("travel_minutes", [])
    }
    return [
        Capacity(
            provider=view.provider,
            contracted=view.provider.contracted_minutes_per_week,
            direct=view.mandated_minutes,
            travel=sum(leg.minutes for leg in travel_legs(view.sessions, minutes_between)),
            travel_source="this plan",
        )
        for view in result.providers
    ]
