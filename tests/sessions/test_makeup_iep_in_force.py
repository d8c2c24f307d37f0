"""Makeup proposals use the IEPs in force on the days they propose: a student whose IEP
began this week is not "without an IEP in force" because the week's Monday came first.

The clock is frozen on Wednesday Dec 2, 2026 (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

from pushin.district.models import Availability
from pushin.planning.scenario_build import reference_date
from pushin.sessions.makeups import makeup_propose
from pushin.vocabulary import MissReason, Weekday
from tests.conftest import TODAY
from tests.factories import World
from tests.sessions.ledger_world import session_with, start_ieps_on

TUESDAY = dt.date(2026, 12, 1)
THURSDAY = dt.date(2026, 12, 3)


def test_a_student_whose_iep_began_this_week_gets_a_proposal(world: World, settings) -> None:
    settings.PUSHIN_MAKEUP_TIME_LIMIT = 1.0
    start_ieps_on(TUESDAY, world.student)  # in force today, not on Monday Nov 30
    for day in Weekday.values:
        Availability.objects.create(
            provider=world.provider, day=day, start=dt.time(8), end=dt.time(15)
        )
    session_with(
        provider=world.provider,
        students=[world.student],
        date=TUESDAY,
        attendance=MissReason.PROVIDER_ABSENT,
    )
    # One school day ahead: Thursday, in the week whose Monday was before the IEP.
    plan = makeup_propose(provider=world.provider, today=TODAY, days=1, time_limit=1.0)
    assert plan.days == [THURSDAY]
    assert plan.not_plannable == {}
    assert plan.unplaced == []
    (proposal,) = plan.proposals
    assert (proposal.date, proposal.activity) == (THURSDAY, "centers")


def test_the_week_under_way_plans_with_todays_mandates(world: World) -> None:
    assert reference_date(world.district, dt.date(2026, 11, 30)) == TODAY
    assert reference_date(world.district, dt.date(2026, 12, 7)) == dt.date(2026, 12, 7)
    assert reference_date(world.district, dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)
