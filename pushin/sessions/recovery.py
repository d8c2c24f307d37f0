"""The makeup run page's actions on a run a dead worker left behind.

A makeup run is a solver run like a plan run: pushin/planning/recovery.py fails it as
stalled when its worker stops (`solver_runs_recover`, which `runs_recover` calls). The
run's page says
"Stalled" and offers "Run again" (`makeup_run_again`: the same number of school days, from
today) and, while the run still says running, "Cancel" (`makeup_run_cancel`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.planning.models import RunStatus
from pushin.planning.recovery import solver_run_lease_expired, solver_run_stall
from pushin.sessions import makeups
from pushin.sessions.models import MakeupRun


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
    if solver_run_lease_expired(locked):
        solver_run_stall(locked, now=now)
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
