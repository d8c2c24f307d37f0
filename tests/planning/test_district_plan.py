"""A child on two caseloads in the app (issue 11): the district's "one pull-out a day"
setting reaches the scenario, the child's two entries are one person, and a run of both
providers is planned as a district plan that never has the child in two places at once."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse

from pushin.planning.scenario_build import _colleague_intervals, scenario_build
from pushin.scheduling.bounded import solve_bounded
from pushin.scheduling.check import check_plan
from pushin.scheduling.district import needs_district, person_clashes
from pushin.scheduling.plan import plan_from_dict
from pushin.scheduling.scenario import Interval, parse_scenario, scenario_to_dict
from tests.factories import World
from tests.sessions.factories import standing_schedule, standing_session


def both(world: World):
    world.student.providers.add(world.other_provider)  # the same (OT) service, two providers
    return scenario_build(district=world.district, providers=[world.provider, world.other_provider])


def test_the_district_setting_and_the_person_reach_the_scenario(pworld: World) -> None:
    scenario, id_map = both(pworld)
    entries = [s for s in scenario.students if id_map.students[s.id] == pworld.student.pk]
    assert len(entries) == 2
    assert {s.person for s in entries} == {f"st{pworld.student.pk}"}
    assert {s.provider for s in entries} == {
        f"p{pworld.provider.pk}",
        f"p{pworld.other_provider.pk}",
    }
    assert scenario.one_pull_out_a_day is False
    pworld.district.one_pull_out_a_day = True
    pworld.district.save()
    again, _ = both(pworld)
    assert again.one_pull_out_a_day is True
    assert parse_scenario(json.loads(json.dumps(scenario_to_dict(again)))) == again
    # One provider's own run has one entry per student: no person to share.
    alone, _ = scenario_build(district=pworld.district, providers=[pworld.provider])
    assert all(s.person is None for s in alone.students)


def test_a_run_of_both_providers_is_a_district_plan(pworld: World) -> None:
    pworld.district.one_pull_out_a_day = True
    pworld.district.save()
    scenario, _ = both(pworld)
    assert needs_district(scenario)
    plan = plan_from_dict(solve_bounded(scenario_to_dict(scenario), time_limit=2))
    assert check_plan(scenario, plan) == []
    assert person_clashes(scenario, plan.sessions) == []
    assert "district" in plan.stats.extra


def test_one_provider_plans_around_the_childs_sessions_with_another(pworld: World) -> None:
    """A plan of one provider alone never puts the child where a colleague sees them."""
    pworld.student.providers.add(pworld.other_provider)
    schedule = standing_schedule(pworld.other_provider)
    standing_session(
        schedule,
        classroom=pworld.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[pworld.student],
        delivery="pull_out",
    )
    scenario, id_map = scenario_build(district=pworld.district, providers=[pworld.provider])
    (entry,) = [s for s in scenario.students if id_map.students[s.id] == pworld.student.pk]
    assert Interval("mon", 9 * 60, 9 * 60 + 30) in entry.unavailable
    # That week's dated sessions stand in for the usual week when a week is planned.
    week, week_map = scenario_build(
        district=pworld.district, providers=[pworld.provider], week_of=dt.date(2026, 12, 7)
    )
    (entry,) = [s for s in week.students if week_map.students[s.id] == pworld.student.pk]
    assert not [u for u in entry.unavailable if u.day == "mon" and u.start == 9 * 60]


def test_one_pull_out_a_day_keeps_a_pull_out_off_the_colleagues_pull_out_day() -> None:
    pulled = _colleague_intervals(
        [("tue", 600, 630, "pull_out")], pull_out=True, one_pull_out_a_day=True
    )
    assert pulled == [Interval("tue", 0, 24 * 60)]
    assert _colleague_intervals(
        [("tue", 600, 630, "pull_out")], pull_out=True, one_pull_out_a_day=False
    ) == [Interval("tue", 600, 630)]
    assert _colleague_intervals(
        [("tue", 600, 630, "pull_out")], pull_out=False, one_pull_out_a_day=True
    ) == [Interval("tue", 600, 630)]


def test_the_administrators_run_of_both_providers_is_done_and_breaks_no_rule(
    pworld: World, login
) -> None:
    from pushin.planning.models import RunStatus
    from tests.planning.helpers import solved_run

    pworld.student.providers.add(pworld.other_provider)
    run = solved_run(pworld, providers=[pworld.provider, pworld.other_provider])
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.error == ""  # the task checks the plan: no rule (9 included) is broken
    assert run.plan is not None
    assert run.plan["stats"]["district"]["components"] == [
        [f"p{pworld.provider.pk}", f"p{pworld.other_provider.pk}"]
    ]
    page = login(pworld.admin).get(reverse("planning:run", kwargs={"pk": run.pk}))
    assert page.status_code == 200
