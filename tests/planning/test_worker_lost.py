"""A worker killed in the middle of a plan run: the run does not stay "running" for ever.

A real `manage.py worker` solves a plan in a child process and is killed with SIGKILL; a
worker started later, its clock past the lease, fails the run as stalled; the run's page
says so and runs it again. Around it, the recovery's rules one by one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pushin.accounts.models import AuditEntry
from pushin.demo.district import demo_district_load
from pushin.district.models import District, Provider
from pushin.leases import solver_lease
from pushin.planning.models import PlanRun, RunStatus
from pushin.planning.recovery import STALLED_ERROR, plan_runs_recover, runs_recover
from pushin.planning.services import plan_run_create
from tests.factories import World
from tests.planning.helpers import TINY_LIMIT
from tests.worker_process import WorkerDatabase, WorkerProcess, wait_for

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
}
# The small demo district is not proven optimal in 30 seconds: the solve is still going
# when the worker is killed.
LONG_LIMIT = 30.0


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_a_stalled_run_that_runs_again(
    settings, login, tmp_path: Path, time_machine
) -> None:
    settings.TASKS = DATABASE_QUEUE
    district = District.objects.get(pk=demo_district_load(size="small").district_id)
    provider = Provider.objects.get(district=district)
    run = plan_run_create(
        user=provider.user, district=district, providers=[provider], time_limit=LONG_LIMIT
    )
    database = WorkerDatabase.of_tests(tmp_path)
    database.share()

    worker = WorkerProcess.start(
        database,
        "worker", "--queue-name", "solver", "--no-reload", "--no-startup-delay",
        clock=timezone.now(),
        directory=tmp_path,
        settings={"PUSHIN_HEARTBEAT_SECONDS": 0.5},
    )  # fmt: skip
    try:

        def row() -> dict[str, Any] | None:
            return database.row(
                "planning_planrun", run.pk, "status", "claimed_by", "heartbeat_at", "started_at"
            )

        claimed = wait_for(
            lambda: (found := row()) and found["status"] == RunStatus.RUNNING and found,
            timeout=20,
            what=f"the worker to claim the run\n{worker.output()}",
        )
        assert str(claimed["claimed_by"]).startswith(f"{_host()}:{worker.process.pid} ")
        # It beats while the child solves.
        beating = wait_for(
            lambda: (found := row()) and found["heartbeat_at"] > claimed["heartbeat_at"] and found,
            timeout=10,
            what="a heartbeat",
        )
    finally:
        worker.kill()
    # Nothing would ever finish it: it says running.
    assert row()["status"] == RunStatus.RUNNING  # type: ignore[index]

    # A worker starting after the lease recovers it before taking any task.
    last = beating["heartbeat_at"]
    assert isinstance(last, dt.datetime)
    later = last + solver_lease() + dt.timedelta(seconds=5)
    again = WorkerProcess.start(
        database,
        "worker", "--queue-name", "*", "--batch", "--no-reload", "--no-startup-delay",
        clock=later,
        directory=tmp_path,
        name="again",
    )  # fmt: skip
    assert again.wait(30) == 0, again.output()
    assert "recovered stalled work: plan runs [" in again.output()
    database.take_back()

    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, STALLED_ERROR)
    assert run.progress == "Stalled: the worker stopped"
    assert run.plan is None
    (task,) = DBTaskResult.objects.all()
    assert task.status == "FAILED"
    assert task.exception_class_path == "pushin.leases.WorkerStopped"
    assert AuditEntry.objects.filter(
        object_type="planning.planrun", object_id=str(run.pk), detail__stalled=True
    ).exists()

    # The page says "Stalled" and offers to run it again, which queues the same plan.
    time_machine.move_to(later, tick=True)
    client = login(provider.user)
    page = client.get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "Stalled" in page
    assert STALLED_ERROR in page
    assert reverse("planning:run_again", args=[run.pk]) in page
    response = client.post(reverse("planning:run_again", args=[run.pk]))
    rerun = PlanRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("planning:run", args=[rerun.pk])
    assert (rerun.status, rerun.kind, rerun.time_limit) == (RunStatus.QUEUED, run.kind, LONG_LIMIT)
    assert list(rerun.providers.all()) == [provider]
    # Solved by a worker (with a shorter limit, to keep the test short).
    PlanRun.objects.filter(pk=rerun.pk).update(time_limit=2.0)
    call_command(
        "worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
    )
    rerun.refresh_from_db()
    assert rerun.status == RunStatus.DONE, rerun.error


def _host() -> str:
    import socket

    return socket.gethostname()


# --- The recovery's rules, without a worker ---------------------------------------------------


def _running(world: World, *, silent_for: dt.timedelta, time_limit: float = TINY_LIMIT) -> PlanRun:
    run = plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        time_limit=time_limit,
    )
    beat = timezone.now() - silent_for
    PlanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=beat, heartbeat_at=beat, claimed_by="host:1"
    )
    run.refresh_from_db()
    return run


@pytest.fixture
def queued_only(settings) -> None:
    settings.TASKS = DATABASE_QUEUE


def test_a_run_that_beats_is_left_alone(pworld: World, queued_only) -> None:
    live = _running(pworld, silent_for=solver_lease() - dt.timedelta(seconds=10))
    assert plan_runs_recover(now=timezone.now()) == []
    live.refresh_from_db()
    assert live.status == RunStatus.RUNNING


def test_a_silent_run_is_failed_once(pworld: World, queued_only) -> None:
    silent = _running(pworld, silent_for=solver_lease() + dt.timedelta(seconds=1))
    DBTaskResult.objects.update(status="RUNNING", started_at=silent.started_at)
    assert runs_recover(now=timezone.now()).plan_runs == [silent.pk]
    assert not runs_recover(now=timezone.now())  # the second pass finds nothing
    silent.refresh_from_db()
    assert (silent.status, silent.error) == (RunStatus.FAILED, STALLED_ERROR)
    assert DBTaskResult.objects.get().status == "FAILED"
    assert AuditEntry.objects.filter(object_id=str(silent.pk), detail__stalled=True).count() == 1


def test_a_run_whose_worker_died_before_claiming_it_is_failed(pworld: World, queued_only) -> None:
    """The queue's row was taken (RUNNING) but the run never claimed: it would wait for ever."""
    run = plan_run_create(
        user=pworld.provider.user,
        district=pworld.district,
        providers=[pworld.provider],
        time_limit=TINY_LIMIT,
    )
    long_ago = timezone.now() - solver_lease() - dt.timedelta(seconds=1)
    DBTaskResult.objects.update(status="RUNNING", started_at=long_ago)
    assert plan_runs_recover(now=timezone.now()) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.error) == (RunStatus.FAILED, STALLED_ERROR)
    assert DBTaskResult.objects.get().status == "FAILED"


def test_the_page_of_a_silent_run_says_stalled_with_run_again_and_cancel(
    pworld: World, queued_only, login
) -> None:
    silent = _running(pworld, silent_for=solver_lease() + dt.timedelta(seconds=1))
    client = login(pworld.provider.user)
    page = client.get(reverse("planning:run", args=[silent.pk])).content.decode()
    assert "Stalled" in page
    assert reverse("planning:run_again", args=[silent.pk]) in page
    assert reverse("planning:run_cancel", args=[silent.pk]) in page
    polled = client.get(reverse("planning:run_progress", args=[silent.pk])).content.decode()
    assert "Stalled" in polled
    silent.refresh_from_db()
    assert silent.status == RunStatus.RUNNING  # reading never writes
    # Run again: the silent run is failed as stalled first, then a new one is queued.
    client.post(reverse("planning:run_again", args=[silent.pk]))
    silent.refresh_from_db()
    assert (silent.status, silent.error) == (RunStatus.FAILED, STALLED_ERROR)
    assert PlanRun.objects.filter(status=RunStatus.QUEUED).count() == 1


def test_a_live_run_is_not_run_again_and_others_cannot(pworld: World, queued_only, login) -> None:
    live = _running(pworld, silent_for=dt.timedelta(seconds=1))
    response = login(pworld.provider.user).post(reverse("planning:run_again", args=[live.pk]))
    assert response.status_code == 302
    assert PlanRun.objects.count() == 1
    # Another time limit: the same plan is not queued twice while `live` runs.
    silent = _running(
        pworld, silent_for=solver_lease() + dt.timedelta(seconds=1), time_limit=TINY_LIMIT + 1
    )
    for person in (pworld.other_provider.user, pworld.teacher):
        assert login(person).post(reverse("planning:run_again", args=[silent.pk])).status_code in (
            403,
            404,
        )
    assert PlanRun.objects.count() == 2
