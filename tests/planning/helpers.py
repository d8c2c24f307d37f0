"""Shared steps of the planning tests."""

from __future__ import annotations

from pushin.planning.models import PlanRun, StandingSchedule
from pushin.planning.services import plan_accept, plan_run_create
from tests.factories import World

# An upper bound only: these tiny weeks are proven optimal in well under a second.
TINY_LIMIT = 5.0


def solved_run(world: World, *, providers=None) -> PlanRun:
    """A finished run for the provider (inline task backend)."""
    return plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=providers or [world.provider],
        time_limit=TINY_LIMIT,
    )


def standing(world: World) -> StandingSchedule:
    """The provider's standing schedule, planned and accepted."""
    run = solved_run(world)
    return plan_accept(run=run, user=world.provider.user)[0]
