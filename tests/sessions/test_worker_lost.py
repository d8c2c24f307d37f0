"""A worker killed in the middle of a makeup run: the run does not stay "running" for ever.

A real `manage.py worker` is killed with SIGKILL while it finds makeup times; another
worker, already running, recovers the run at its next periodic pass (every second here,
every minute by default); the run's page says "Stalled" and asks again. Around it: cancel,
and the page of a run silent past its lease before any recovery."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pushin.leases import solver_lease
from pushin.planning.models import RunStatus
from pushin.planning.recovery import STALLED_ERROR, solver_runs_recover
from pushin.sessions.makeups import makeup_run_create
from pushin.sessions.models import MakeupRun
from pushin.sessions.recovery import makeup_run_cancel
from pushin.sessions.tasks import makeup_run_execute
from tests.sessions.test_makeups import TODAY, makeup_world
from tests.worker_process import WorkerDatabase, WorkerProcess, wait_for

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
}


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_a_stalled_makeup_run_that_runs_again(
    world, monkeypatch, settings, login, tmp_path: Path, time_machine
) -> None:
    mworld = makeup_world(world, monkeypatch, settings)
    settings.TASKS = DATABASE_QUEUE
    run = makeup_run_create(
        actor=mworld.provider.user, provider=mworld.provider, days=10, today=TODAY
    )
    assert DBTaskResult.objects.get().status == "READY"
    database = WorkerDatabase.of_tests(tmp_path)
    database.share()

    def row() -> dict[str, Any]:
        found = database.row("therapy_sessions_makeuprun", run.pk, "status", "heartbeat_at")
        assert found is not None
        return found

    worker = WorkerProcess.start(
        database,
        "worker", "--queue-name", "solver", "--no-reload", "--no-startup-delay",
        clock=timezone.now(),
        directory=tmp_path,
    )  # fmt: skip
    try:
        claimed = wait_for(
            lambda: (found := row())["status"] == RunStatus.RUNNING and found,
            timeout=20,
            what=f"the worker to claim the makeup run\n{worker.output()}",
        )
    finally:
        worker.kill()
    assert row()["status"] == RunStatus.RUNNING, "the solve finished before the kill"

    # A worker already running finds it at its next pass once the lease is over.
    last = claimed["heartbeat_at"]
    assert isinstance(last, dt.datetime)
    watcher = WorkerProcess.start(
        database,
        "worker", "--queue-name", "*", "--recover-every", "1", "--no-reload",
        "--no-startup-delay",
        clock=last + solver_lease() - dt.timedelta(seconds=6),
        directory=tmp_path,
        name="watcher",
    )  # fmt: skip
    try:
        wait_for(lambda: "Starting worker" in watcher.output(), timeout=20, what="the watcher")
        assert row()["status"] == RunStatus.RUNNING  # within its lease at the watcher's start
        wait_for(
            lambda: row()["status"] == RunStatus.FAILED,
            timeout=20,
            what=f"the periodic recovery\n{watcher.output()}",
        )
    finally:
        watcher.stop()
    database.take_back()

    run.refresh_from_db()
    assert (run.status, run.error, run.result) == (RunStatus.FAILED, STALLED_ERROR, None)
    assert DBTaskResult.objects.get().status == "FAILED"

    time_machine.move_to(timezone.now() + solver_lease() * 2, tick=True)
    client = login(mworld.provider.user)
    url = reverse("minutes:makeup_run", args=[mworld.provider.pk, run.pk])
    page = client.get(url).content.decode()
    assert "Stalled" in page
    again_url = reverse("minutes:makeup_run_again", args=[mworld.provider.pk, run.pk])
    assert again_url in page
    response = client.post(again_url)
    rerun = MakeupRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse(
        "minutes:makeup_run", args=[mworld.provider.pk, rerun.pk]
    )
    assert (rerun.status, rerun.days, rerun.asked_on) == (RunStatus.QUEUED, 10, TODAY)
    call_command(
        "worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
    )
    rerun.refresh_from_db()
    assert rerun.status == RunStatus.DONE, rerun.error
    assert isinstance(rerun.result, dict)
    assert len(rerun.result["proposals"]) == 1


# --- Without a worker ----------------------------------------------------------------------


@pytest.fixture
def queued(world, monkeypatch, settings):
    mworld = makeup_world(world, monkeypatch, settings)
    settings.TASKS = DATABASE_QUEUE
    return mworld


def _running(mworld, *, silent_for: dt.timedelta) -> MakeupRun:
    beat = timezone.now() - silent_for
    return MakeupRun.objects.create(
        provider=mworld.provider,
        requested_by=mworld.provider.user,
        asked_on=TODAY,
        days=5,
        status=RunStatus.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        claimed_by="host:1",
    )


def test_only_a_silent_makeup_run_is_recovered(queued) -> None:
    live = _running(queued, silent_for=solver_lease() - dt.timedelta(seconds=5))
    silent = _running(queued, silent_for=solver_lease() + dt.timedelta(seconds=5))
    assert solver_runs_recover(MakeupRun, now=timezone.now()) == [silent.pk]
    assert solver_runs_recover(MakeupRun, now=timezone.now()) == []
    live.refresh_from_db()
    silent.refresh_from_db()
    assert live.status == RunStatus.RUNNING
    assert (silent.status, silent.error) == (RunStatus.FAILED, STALLED_ERROR)


def test_a_silent_run_page_says_stalled_and_cancel_stops_it(queued, login) -> None:
    silent = _running(queued, silent_for=solver_lease() + dt.timedelta(seconds=5))
    client = login(queued.provider.user)
    args = [queued.provider.pk, silent.pk]
    page = client.get(reverse("minutes:makeup_run", args=args)).content.decode()
    assert "Stalled" in page
    assert reverse("minutes:makeup_run_again", args=args) in page
    assert reverse("minutes:makeup_run_cancel", args=args) in page
    silent.refresh_from_db()
    assert silent.status == RunStatus.RUNNING  # reading never writes
    response = client.post(reverse("minutes:makeup_run_cancel", args=args))
    assert response["Location"] == reverse("minutes:makeup_run", args=args)
    silent.refresh_from_db()
    assert silent.status == RunStatus.CANCELLED
    page = client.get(reverse("minutes:makeup_run", args=args)).content.decode()
    assert "Cancelled" in page
    # Cancelling a finished run is refused, with the reason.
    response = client.post(reverse("minutes:makeup_run_cancel", args=args), follow=True)
    assert "This makeup run has already finished." in response.content.decode()


def test_a_cancelled_run_is_never_solved(queued) -> None:
    run = makeup_run_create(
        actor=queued.provider.user, provider=queued.provider, days=5, today=TODAY
    )
    makeup_run_cancel(run=run, actor=queued.provider.user)
    assert makeup_run_execute.call(run.pk) == RunStatus.CANCELLED
    run.refresh_from_db()
    assert (run.status, run.result) == (RunStatus.CANCELLED, None)


def test_others_cannot_cancel_or_run_again(queued, login) -> None:
    silent = _running(queued, silent_for=solver_lease() + dt.timedelta(seconds=5))
    args = [queued.provider.pk, silent.pk]
    for person in (queued.other_provider.user, queued.teacher):
        for name in ("minutes:makeup_run_cancel", "minutes:makeup_run_again"):
            response = login(person).post(reverse(name, args=args))
            assert response.status_code in (403, 404)
    silent.refresh_from_db()
    assert silent.status == RunStatus.RUNNING
    assert MakeupRun.objects.count() == 1
