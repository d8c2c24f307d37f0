"""Makeup proposals on the task queue (django-tasks; `manage.py worker` runs them).

The makeup page only stores a queued `MakeupRun` (`makeups.makeup_run_create`); the worker
claims it, runs the scheduler (`makeups.makeup_propose`) and stores the result, or the
failure, on the run. The run's page polls until then. Logs carry the run's id only.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from pushin.leases import Heartbeat, worker_id
from pushin.planning.models import RunStatus
from pushin.scheduling.bounded import Cancelled, SolveError
from pushin.sessions.makeups import default_time_limit, makeup_propose, makeup_result
from pushin.sessions.models import MakeupRun

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000


def _update(run_id: int, **fields: object) -> int:
    """Finish the run, if it is still running: one cancelled, or failed as stalled by the
    recovery, stays as it is."""
    return MakeupRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(**fields)


def _status(run_id: int) -> str:
    return str(MakeupRun.objects.values_list("status", flat=True).get(pk=run_id))


@task(queue_name="solver")
def makeup_run_execute(run_id: int) -> str:
    """Propose makeups for one queued MakeupRun and store them. Returns the final status."""
    # Claimed with a conditional UPDATE: a run enqueued twice (or cancelled while queued)
    # is solved at most once. The claim is a lease (pushin/leases.py): the worker beats
    # while it solves, and a run silent past the lease is failed as stalled.
    me = worker_id()
    now = timezone.now()
    claimed = MakeupRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, claimed_by=me, heartbeat_at=now
    )
    run = MakeupRun.objects.select_related("provider__district").filter(pk=run_id).first()
    if run is None:
        logger.warning("makeup run %s vanished before it ran", run_id)
        return "missing"
    if not claimed:
        return str(run.status)  # already taken by another worker, cancelled, or re-enqueued
    # Stop once the run is no longer this worker's (cancelled, or failed as stalled).
    heartbeat = Heartbeat(
        MakeupRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, claimed_by=me)
    )
    try:
        plan = makeup_propose(
            provider=run.provider,
            today=run.asked_on,
            days=run.days,
            time_limit=default_time_limit(),
            should_stop=lambda: not heartbeat.beat(),
        )
        result = makeup_result(plan)
    except Cancelled:
        logger.info("makeup run %s: stopped (%s)", run_id, _status(run_id))
        return _status(run_id)
    except SolveError as error:
        logger.warning("makeup run %s: %s", run_id, type(error).__name__)
        _update(
            run_id,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"Stopped: {error}."[:ERROR_MAX_CHARS],
        )
        return RunStatus.FAILED
    except Exception as error:
        logger.exception("makeup run %s failed", run_id)
        _update(
            run_id,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS],
        )
        return RunStatus.FAILED
    if not _update(
        run_id, status=RunStatus.DONE, finished_at=timezone.now(), result=result, error=""
    ):
        return _status(run_id)
    return RunStatus.DONE
