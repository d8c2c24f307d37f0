"""Makeup runs a dead worker left behind, and the run page's actions on them.

The same rule as plan runs (pushin/planning/recovery.py): a makeup run that says
"running" while its worker has been silent for longer than the solver lease
(pushin/leases.py) is failed with "Stalled: the worker stopped while solving; run it
again." by `makeup_runs_recover`, which `runs_recover` calls. The run's page says
"Stalled" and offers "Run again" (`makeup_run_again`: the same number of school days, from
today) and, while the run still says running, "Cancel" (`makeup_run_cancel`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.leases import (
    lease_expired,
    running_task_results,
    solver_lease,
    task_results_fail,
    task_waiting,
)
from pushin.planning.models import RunStatus
from pushin.planning.recovery import STALLED, STALLED_ERROR, silent_since
from pushin.sessions import makeups
from pushin.sessions.models import MakeupRun

logger = logging.getLogger(__name__)

MAKEUP_TASK = "pushin.sessions.tasks.makeup_run_execute"


def makeup_run_lease_expired(run: MakeupRun) -> bool:
    """Running, but its worker has been silent for longer than the lease."""
    return run.status == RunStatus.RUNNING and lease_expired(
        run.heartbeat_at or run.started_at, lease=solver_lease()
    )


def makeup_run_stalled(run: MakeupRun) -> bool:
    """What the run's page calls "Stalled": silent past its lease, or failed for it."""
    return makeup_run_lease_expired(run) or (
        run.status == RunStatus.FAILED and run.error.startswith(STALLED)
    )


def _stall(pk: int, *, now: dt.datetime, was: RunStatus, cutoff: dt.datetime) -> bool:
    rows = MakeupRun.objects.filter(pk=pk, status=was)
    if was == RunStatus.RUNNING:
        rows = rows.filter(silent_since(cutoff))
    with transaction.atomic():
        if not rows.update(status=RunStatus.FAILED, finished_at=now, error=STALLED_ERROR):
            return False
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=MakeupRun(pk=pk),
            detail={"status": RunStatus.FAILED, "stalled": True, "was": was},
        )
        task_results_fail(task_path=MAKEUP_TASK, object_ids=[pk], now=now, reason=STALLED_ERROR)
    logger.warning("makeup run %s: its worker stopped (no sign of life); failed as stalled", pk)
    return True


def makeup_runs_recover(*, now: dt.datetime) -> list[int]:
    """Makeup runs whose worker stopped: failed as stalled. Returns their ids."""
    cutoff = now - solver_lease()
    silent = MakeupRun.objects.filter(status=RunStatus.RUNNING).filter(silent_since(cutoff))
    stalled = [
        pk
        for pk in silent.values_list("pk", flat=True)
        if _stall(pk, now=now, was=RunStatus.RUNNING, cutoff=cutoff)
    ]
    for _row, pk in running_task_results(task_path=MAKEUP_TASK, started_before=cutoff):
        run = MakeupRun.objects.filter(pk=pk).first()
        if run is not None and run.status == RunStatus.RUNNING and pk not in stalled:
            continue  # its run shows life: the row is its live worker's
        if (
            run is not None
            and run.status == RunStatus.QUEUED
            and not task_waiting(task_path=MAKEUP_TASK, object_id=pk)
            and _stall(pk, now=now, was=RunStatus.QUEUED, cutoff=cutoff)
        ):
            stalled.append(pk)
            continue
        task_results_fail(
            task_path=MAKEUP_TASK,
            object_ids=[pk],
            now=now,
            reason=STALLED_ERROR,
            started_before=cutoff,
        )
    return stalled


@transaction.atomic
def makeup_run_cancel(*, run: MakeupRun, actor: User) -> MakeupRun:
    """Stop a queued or running makeup run: the worker sees it within seconds and stops
    the scheduler; nothing is proposed."""
    locked = MakeupRun.objects.select_for_update().get(pk=run.pk)
    if locked.is_finished:
        raise ValidationError("This makeup run has already finished.")
    locked.status = RunStatus.CANCELLED
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"status": "cancelled"})
    return locked


@transaction.atomic
def makeup_run_again(*, run: MakeupRun, actor: User, today: dt.date | None = None) -> MakeupRun:
    """Ask again for a stalled, failed or cancelled makeup run: a new run for the same
    number of school days, from `today`. A run still silent past its lease is failed as
    stalled first, so the two never both say "running"."""
    locked = MakeupRun.objects.select_for_update().get(pk=run.pk)
    now = timezone.now()
    if makeup_run_lease_expired(locked):
        _stall(locked.pk, now=now, was=RunStatus.RUNNING, cutoff=now - solver_lease())
        locked.refresh_from_db()
    if locked.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise ValidationError("This makeup run is still running: wait for it, or cancel it.")
    if locked.status == RunStatus.DONE:
        raise ValidationError("This makeup run finished: ask for new proposals instead.")
    again = makeups.makeup_run_create(
        actor=actor, provider=locked.provider, days=locked.days, today=today
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"run_again": again.pk})
    return again
