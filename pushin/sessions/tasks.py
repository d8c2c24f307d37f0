"""Makeup proposals on the task queue (django-tasks; `manage.py db_worker` runs them).

The makeup page only stores a queued `MakeupRun` (`makeups.makeup_run_create`); the worker
claims it, runs the scheduler (`makeups.makeup_propose`) and stores the result, or the
failure, on the run. The run's page polls until then. Logs carry the run's id only.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from pushin.planning.models import RunStatus
from pushin.scheduling.bounded import SolveError
from pushin.sessions.makeups import default_time_limit, makeup_propose, makeup_result
from pushin.sessions.models import MakeupRun

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 2000


def _update(run_id: int, **fields: object) -> int:
    return MakeupRun.objects.filter(pk=run_id).update(**fields)


@task(queue_name="solver")
def makeup_run_execute(run_id: int) -> str:
    """Propose makeups for one queued MakeupRun and store them. Returns the final status."""
    # Claimed with a conditional UPDATE: a run enqueued twice is solved once.
    claimed = MakeupRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    run = MakeupRun.objects.select_related("provider__district").filter(pk=run_id).first()
    if run is None:
        logger.warning("makeup run %s vanished before it ran", run_id)
        return "missing"
    if not claimed:
        return str(run.status)  # already taken by another worker, or re-enqueued
    try:
        plan = makeup_propose(
            provider=run.provider,
            today=run.asked_on,
            days=run.days,
            time_limit=default_time_limit(),
        )
        result = makeup_result(plan)
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
    _update(run_id, status=RunStatus.DONE, finished_at=timezone.now(), result=result, error="")
    return RunStatus.DONE
