"""A solve's child process dies with its worker (issue 10): a thread of the child waits on
the worker's pidfd and ends it when the worker is killed (pushin/scheduling/bounded.py),
instead of an orphan solving on, holding gigabytes, with nobody left to read its answer.
Through the real worker and its fork server; tests/scheduling/test_solve_process.py shows
the watch alone ends a solve that sends nothing back."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from pushin.demo.district import demo_district_load
from pushin.district.models import District, Provider
from pushin.planning.models import RunStatus
from pushin.planning.services import plan_run_create
from tests.planning.test_worker_lost import DATABASE_QUEUE
from tests.worker_process import (
    FORK_SERVER,
    WorkerDatabase,
    WorkerProcess,
    children_of,
    process_gone,
    wait_for,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux pidfd")

# Far longer than the test waits: the child cannot end its solve on its own meanwhile (the
# small demo district is not proven optimal in 30 seconds).
TIME_LIMIT = 600.0


@pytest.mark.django_db(transaction=True)
def test_the_solve_child_dies_when_its_worker_is_killed(settings, tmp_path: Path) -> None:
    settings.TASKS = DATABASE_QUEUE
    district = District.objects.get(pk=demo_district_load(size="small").district_id)
    provider = Provider.objects.get(district=district)
    run = plan_run_create(
        user=provider.user, district=district, providers=[provider], time_limit=TIME_LIMIT
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
            return database.row("planning_planrun", run.pk, "status", "heartbeat_at")

        claimed = wait_for(
            lambda: (found := row()) and found["status"] == RunStatus.RUNNING and found,
            timeout=30,
            what=f"the worker to claim the run\n{worker.output()}",
        )
        # A heartbeat after the claim: the child has started and is solving.
        wait_for(
            lambda: (found := row()) and found["heartbeat_at"] != claimed["heartbeat_at"],
            timeout=20,
            what=f"a heartbeat while the child solves\n{worker.output()}",
        )
        (server,) = worker.children(FORK_SERVER)
        (child,) = children_of(server)
        assert not process_gone(child)
        # Only the worker is killed (not its process group): nothing of it cleans up.
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.wait(10)
        wait_for(
            lambda: process_gone(child) and process_gone(server),
            timeout=20,
            what=f"the solve's child {child} and fork server {server} to die with the worker",
        )
    finally:
        worker.kill()  # the whole group, whatever the outcome
