"""Two plans accepted at the same moment: the first wins, the second is refused with
"someone accepted another plan a moment ago", and nothing of either is lost or half
written (optimistic locking on the provider's schedule revision, planning/services.py).
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from pushin.accounts.models import User
from pushin.district.models import ExceptionKind, Provider
from pushin.planning.models import PlanRun, RunDecision, StandingSchedule
from pushin.planning.services import (
    ACCEPTED_MEANWHILE,
    AcceptedMeanwhile,
    active_schedule,
    plan_accept,
    plan_import,
    week_plan_accept,
)
from pushin.scheduling.plan import plan_from_dict
from pushin.sessions.models import DatedSession
from pushin.vocabulary import Activity, MissReason
from tests.factories import World, make_world
from tests.planning.conftest import give_availability
from tests.planning.helpers import september_schedule, solved_run
from tests.planning.test_week_replan import THURSDAY, WEEK, thursday_is, week_run
from tests.signing_in import force_login


def signed_in(user: User) -> Client:
    client = Client()
    force_login(client, user)
    return client


def revision(provider: Provider) -> int:
    return Provider.objects.get(pk=provider.pk).schedule_revision


def test_a_run_remembers_the_schedule_revision_it_was_planned_against(pworld: World) -> None:
    first = solved_run(pworld)
    assert first.base_revisions == {str(pworld.provider.pk): 0}
    plan_accept(run=first, user=pworld.provider.user)
    assert revision(pworld.provider) == 1
    second = solved_run(pworld)
    assert second.base_revisions == {str(pworld.provider.pk): 1}


def test_two_runs_from_the_same_base_the_second_accept_is_refused(pworld: World) -> None:
    first, second = solved_run(pworld), solved_run(pworld)
    [kept] = plan_accept(run=first, user=pworld.provider.user)
    rows_before = StandingSchedule.objects.count()

    with pytest.raises(AcceptedMeanwhile, match=f"^{ACCEPTED_MEANWHILE}$"):
        plan_accept(run=second, user=pworld.admin)

    # Nothing of the second was written: the first's schedule stands, the second run is
    # still undecided, and the revision moved on once.
    assert active_schedule(pworld.provider) == kept
    assert StandingSchedule.objects.count() == rows_before
    assert not StandingSchedule.objects.filter(source_run=second).exists()
    second.refresh_from_db()
    assert second.decision == RunDecision.PENDING
    assert revision(pworld.provider) == 1


def test_a_run_for_every_provider_is_refused_when_one_of_them_changed(pworld: World) -> None:
    both = solved_run(pworld, providers=[pworld.provider, pworld.other_provider])
    plan_accept(run=solved_run(pworld, providers=[pworld.other_provider]), user=pworld.admin)
    before = active_schedule(pworld.provider)

    with pytest.raises(AcceptedMeanwhile):
        plan_accept(run=both, user=pworld.admin)

    # Not half written: the provider who had no newer accept did not get one either.
    assert active_schedule(pworld.provider) == before is None
    assert revision(pworld.provider) == 0


def test_an_imported_schedule_makes_older_runs_stale(pworld: World) -> None:
    run = solved_run(pworld)
    plan_import(provider=pworld.provider, plan=plan_from_dict(run.plan_data))
    with pytest.raises(AcceptedMeanwhile):
        plan_accept(run=run, user=pworld.provider.user)


@pytest.fixture
def assembly(pworld: World) -> World:
    september_schedule(pworld)
    thursday_is(pworld, ExceptionKind.ACTIVITY, Activity.ASSEMBLY)
    return pworld


def test_a_weekly_accept_makes_a_one_week_run_stale(assembly: World) -> None:
    week = week_run(assembly)
    weekly = solved_run(assembly)
    plan_accept(run=weekly, user=assembly.provider.user)
    rows = list(DatedSession.objects.filter(date__gte=WEEK).values())

    with pytest.raises(AcceptedMeanwhile):
        week_plan_accept(run=week, user=assembly.provider.user, losses_confirmed=True)

    assert list(DatedSession.objects.filter(date__gte=WEEK).values()) == rows


def test_a_one_week_accept_makes_a_weekly_run_stale(assembly: World) -> None:
    weekly = solved_run(assembly)
    week = week_run(assembly)
    week_plan_accept(run=week, user=assembly.provider.user, losses_confirmed=True)
    schedule = active_schedule(assembly.provider)

    with pytest.raises(AcceptedMeanwhile):
        plan_accept(run=weekly, user=assembly.provider.user)

    assert active_schedule(assembly.provider) == schedule
    thursday = DatedSession.objects.get(original_date=THURSDAY)
    assert thursday.is_override  # the one-week change stands


def test_two_people_accept_two_plans_with_two_clients(pworld: World) -> None:
    """The provider and the administrator each planned the provider's week and each has
    the result open; the provider accepts first."""
    mine, theirs = solved_run(pworld), solved_run(pworld)
    provider, admin = signed_in(pworld.provider.user), signed_in(pworld.admin)
    for client, run in ((provider, mine), (admin, theirs)):
        page = client.get(reverse("planning:run", args=[run.pk]))
        assert page.status_code == 200
        assert 'name="effective_from"' in page.content.decode()

    first = provider.post(
        reverse("planning:run_accept", args=[mine.pk]), {"effective_from": "2026-12-07"}
    )
    second = admin.post(
        reverse("planning:run_accept", args=[theirs.pk]), {"effective_from": "2026-12-08"}
    )

    assert first.status_code == 302
    assert second.status_code == 409
    text = second.content.decode()
    assert "Not accepted: someone accepted another plan a moment ago." in text
    assert 'value="2026-12-08"' in text  # the date they chose is still in the form
    schedule = active_schedule(pworld.provider)
    assert schedule is not None
    assert (schedule.source_run_id, str(schedule.effective_from)) == (mine.pk, "2026-12-07")
    assert PlanRun.objects.get(pk=theirs.pk).decision == RunDecision.PENDING


def test_one_plan_accepted_in_two_tabs_is_accepted_once(pworld: World) -> None:
    run = solved_run(pworld)
    tab_one, tab_two = signed_in(pworld.provider.user), signed_in(pworld.provider.user)
    url = reverse("planning:run_accept", args=[run.pk])
    assert tab_one.post(url, {"effective_from": "2026-12-07"}).status_code == 302
    again = tab_two.post(url, {"effective_from": "2026-12-07"})
    assert again.status_code == 400
    assert "Not accepted: this plan is already accepted." in again.content.decode()
    assert StandingSchedule.objects.filter(provider=pworld.provider).count() == 1


def test_a_one_week_run_accepted_after_a_weekly_one_answers_409(assembly: World) -> None:
    week = week_run(assembly)
    plan_accept(run=solved_run(assembly), user=assembly.admin)
    response = signed_in(assembly.provider.user).post(
        reverse("planning:run_accept", args=[week.pk]),
        {"reason": MissReason.PROVIDER_CONFLICT.value, "confirm_losses": "on"},
    )
    assert response.status_code == 409
    assert "Not accepted: someone accepted another plan a moment ago." in response.content.decode()


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite serialises writers: two accepts cannot overlap there",
)
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_the_same_instant_on_postgresql() -> None:
    """Two threads, two connections, released together by a barrier: the row lock makes
    one wait for the other, which then sees the revision moved on and refuses."""
    world = make_world()
    give_availability(world)
    runs = [solved_run(world), solved_run(world)]
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def accept(run: PlanRun) -> None:
        try:
            barrier.wait(timeout=30)
            plan_accept(run=run, user=world.provider.user)
            outcomes[run.pk] = "accepted"
        except AcceptedMeanwhile:
            outcomes[run.pk] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes.values()) == ["accepted", "refused"]
    [winner] = [pk for pk, outcome in outcomes.items() if outcome == "accepted"]
    [schedule] = StandingSchedule.objects.filter(provider=world.provider)
    assert (schedule.source_run_id, schedule.active) == (winner, True)
    assert revision(world.provider) == 1
    decisions = dict(PlanRun.objects.values_list("pk", "decision"))
    assert sorted(decisions.values()) == [RunDecision.PENDING, RunDecision.ACCEPTED]
