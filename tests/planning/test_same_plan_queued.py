"""The same plan is never queued twice: "Plan the week" clicked twice (or by two people at
once) while it waits or runs gives the run already on its way, and says so."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pushin.district.models import Availability
from pushin.leases import solver_lease
from pushin.planning.models import PlanRun, RunKind, RunStatus
from pushin.planning.services import SamePlanQueued, plan_run_create
from pushin.planning.views import SAME_PLAN_QUEUED
from tests.factories import World, make_world
from tests.planning.conftest import give_availability
from tests.planning.helpers import TINY_LIMIT

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
}


@pytest.fixture
def queued_only(settings) -> None:
    settings.TASKS = DATABASE_QUEUE  # runs wait for a worker that never comes


def plan(world: World, **extra) -> PlanRun:
    return plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        **{"time_limit": TINY_LIMIT, **extra},
    )


def test_a_second_request_while_queued_gets_the_first(pworld: World, queued_only) -> None:
    first = plan(pworld)
    with pytest.raises(SamePlanQueued) as refused:
        plan(pworld)
    assert refused.value.run == first
    assert PlanRun.objects.count() == 1
    # Running (alive) is the same as waiting.
    PlanRun.objects.filter(pk=first.pk).update(
        status=RunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    with pytest.raises(SamePlanQueued):
        plan(pworld)


def test_what_differs_is_queued(pworld: World, queued_only) -> None:
    first = plan(pworld)
    others = [
        plan(pworld, kind=RunKind.WEEK, week_of=dt.date(2026, 12, 7)),
        plan_run_create(
            user=pworld.admin,
            district=pworld.district,
            providers=[pworld.provider, pworld.other_provider],
            time_limit=TINY_LIMIT,
        ),
        plan(pworld, time_limit=TINY_LIMIT + 1),
    ]
    # The provider's hours changed since: the plan would not be the same.
    Availability.objects.filter(provider=pworld.provider, day="mon").update(end=dt.time(14))
    others.append(plan(pworld))
    assert len({first.pk, *(run.pk for run in others)}) == 5


def test_a_finished_or_stalled_run_does_not_hold_the_next(pworld: World, queued_only) -> None:
    done = plan(pworld)
    PlanRun.objects.filter(pk=done.pk).update(status=RunStatus.DONE)
    stalled = plan(pworld)
    silent_since = timezone.now() - solver_lease() - dt.timedelta(seconds=1)
    PlanRun.objects.filter(pk=stalled.pk).update(
        status=RunStatus.RUNNING, heartbeat_at=silent_since
    )
    again = plan(pworld)
    assert len({done.pk, stalled.pk, again.pk}) == 3


def test_the_second_click_lands_on_the_first_run_and_is_told(
    pworld: World, queued_only, login
) -> None:
    client = login(pworld.provider.user)
    url = reverse("planning:run_create")
    first = client.post(url, {"provider": str(pworld.provider.pk)})
    second = client.post(url, {"provider": str(pworld.provider.pk)}, follow=True)
    [run] = PlanRun.objects.all()
    assert first["Location"] == reverse("planning:run", args=[run.pk])
    assert second.redirect_chain == [(reverse("planning:run", args=[run.pk]), 302)]
    assert SAME_PLAN_QUEUED in second.content.decode()


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite serialises whole transactions (tests/ops/test_sqlite_concurrency.py)",
)
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_instant_on_postgresql(settings) -> None:
    """Two connections released together: the provider rows' lock makes the second wait
    for the first's commit, and it then finds the first's run."""
    settings.TASKS = DATABASE_QUEUE
    world = make_world()
    give_availability(world)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def request() -> None:
        try:
            barrier.wait(timeout=30)
            plan(world)
            outcomes.append("queued")
        except SamePlanQueued:
            outcomes.append("same")
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["queued", "same"]
    assert PlanRun.objects.count() == 1
