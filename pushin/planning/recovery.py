"""Work a dead worker left behind: plan runs here, and the recovery of every kind.

A plan run is stalled when it says "running" but its worker has shown no life for longer
than the solver lease (pushin/leases.py): the worker was killed, ran out of memory or lost
its machine, and nothing else would ever finish the run. `plan_runs_recover` fails such
runs with "Stalled: the worker stopped while solving; run it again." They are not
re-queued behind the provider's back: the run's page says "Stalled" and offers "Run again"
(`plan_run_again`, the same providers, kind and week) and, while the recovery has not
reached the run yet, "Cancel" (`services.plan_run_cancel`).

`runs_recover` recovers plan runs, makeup runs (pushin/sessions/recovery.py), capacity
what-if runs (pushin/workload/whatif.py) and follow-up e-mails
(pushin/collaboration/recovery.py) in one go; `manage.py worker` calls it when it
starts and every minute between tasks. Every step is a conditional UPDATE, so two workers
recovering at once change each row once, and a run that showed life meanwhile is left be.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
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
from pushin.planning import services
from pushin.planning.models import PlanRun, RunStatus
from pushin.sessions.models import MakeupRun
from pushin.workload.models import WhatIfRun

logger = logging.getLogger(__name__)

PLAN_TASK = "pushin.planning.tasks.plan_run_execute"
MAKEUP_TASK = "pushin.sessions.tasks.makeup_run_execute"
WHATIF_TASK = "pushin.workload.tasks.whatif_run_execute"
STALLED = "Stalled"
STALLED_PROGRESS = "Stalled: the worker stopped"
STALLED_ERROR = "Stalled: the worker stopped while solving; run it again."


@dataclass
class Recovered:
    """What one recovery pass found stalled, by kind (ids only)."""

    plan_runs: list[int] = field(default_factory=list)
    makeup_runs: list[int] = field(default_factory=list)
    followups: list[int] = field(default_factory=list)
    whatif_runs: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.plan_runs or self.makeup_runs or self.followups or self.whatif_runs)

    def __str__(self) -> str:
        return (
            f"plan runs {self.plan_runs}, makeup runs {self.makeup_runs}, "
            f"follow-ups {self.followups}, what-if runs {self.whatif_runs}"
        )


def runs_recover(*, now: dt.datetime) -> Recovered:
    """Every kind of work whose lease expired by `now`: failed as stalled (runs) or back
    to "not sent" (e-mails), with the queue's rows of their dead tasks."""
    from pushin.collaboration.recovery import followups_recover

    return Recovered(
        plan_runs=plan_runs_recover(now=now),
        makeup_runs=solver_runs_recover(MakeupRun, now=now),
        followups=followups_recover(now=now),
        whatif_runs=solver_runs_recover(WhatIfRun, now=now),
    )


SOLVER_TASKS: dict[type, str] = {PlanRun: PLAN_TASK, MakeupRun: MAKEUP_TASK, WhatIfRun: WHATIF_TASK}

# --- Solver runs -----------------------------------------------------------------------------


def silent_since(cutoff: dt.datetime) -> Q:
    """A running row's last sign of life is before `cutoff` (its claim, when a run was
    claimed before leases existed and never beat)."""
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)


# A solver run is a plan, makeup or what-if run: each is claimed by a worker, beats while
# it solves and fails the same way when its worker stops.
SolverRun = PlanRun | MakeupRun | WhatIfRun
SolverRunModel = type[PlanRun] | type[MakeupRun] | type[WhatIfRun]


def solver_run_lease_expired(run: SolverRun) -> bool:
    """Running, but its worker has been silent for longer than the lease."""
    return run.status == RunStatus.RUNNING and lease_expired(
        run.heartbeat_at or run.started_at, lease=solver_lease()
    )


def solver_run_stalled(run: SolverRun) -> bool:
    """What the run's page calls "Stalled": silent past its lease, or failed for it."""
    return solver_run_lease_expired(run) or (
        run.status == RunStatus.FAILED and run.error.startswith(STALLED)
    )


def _failed_as_stalled(model: SolverRunModel, *, now: dt.datetime) -> dict[str, object]:
    fields: dict[str, object] = {
        "status": RunStatus.FAILED,
        "finished_at": now,
        "error": STALLED_ERROR,
    }
    if model is not MakeupRun:  # plan and what-if runs show a progress line
        fields["progress"] = STALLED_PROGRESS
    return fields


def _stall(
    model: SolverRunModel,
    pk: int,
    *,
    now: dt.datetime,
    was: RunStatus,
    cutoff: dt.datetime,
    task_path: str,
) -> bool:
    """Fail one run as stalled if it still is `was` (and, running, still silent)."""
    rows = model.objects.filter(pk=pk, status=was)
    if was == RunStatus.RUNNING:
        rows = rows.filter(silent_since(cutoff))
    with transaction.atomic():
        if not rows.update(**_failed_as_stalled(model, now=now)):
            return False
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=model(pk=pk),
            detail={"status": RunStatus.FAILED, "stalled": True, "was": was},
        )
        task_results_fail(task_path=task_path, object_ids=[pk], now=now, reason=STALLED_ERROR)
    logger.warning(
        "%s %s: its worker stopped (no sign of life); failed as stalled",
        model._meta.verbose_name,
        pk,
    )
    return True


def solver_run_stall(run: SolverRun, *, now: dt.datetime) -> None:
    """Fail `run` as stalled now if it is still running and silent past its lease."""
    _stall(
        type(run),
        run.pk,
        now=now,
        was=RunStatus.RUNNING,
        cutoff=now - solver_lease(),
        task_path=SOLVER_TASKS[type(run)],
    )


def solver_runs_recover(model: SolverRunModel, *, now: dt.datetime) -> list[int]:
    """Runs of `model` whose worker stopped: failed as stalled. Returns their ids."""
    task_path = SOLVER_TASKS[model]
    cutoff = now - solver_lease()
    silent = model.objects.filter(status=RunStatus.RUNNING).filter(silent_since(cutoff))
    stalled = [
        pk
        for pk in silent.values_list("pk", flat=True)
        if _stall(model, pk, now=now, was=RunStatus.RUNNING, cutoff=cutoff, task_path=task_path)
    ]
    # The queue's rows of tasks a dead worker took: a run its worker took but never
    # claimed would otherwise wait for ever, and the row would stay RUNNING.
    for _row, pk in running_task_results(task_path=task_path, started_before=cutoff):
        run = model.objects.filter(pk=pk).first()
        if run is not None and run.status == RunStatus.RUNNING and pk not in stalled:
            continue  # its run shows life: the row is its live worker's
        if (
            run is not None
            and run.status == RunStatus.QUEUED
            and not task_waiting(task_path=task_path, object_id=pk)
            and _stall(model, pk, now=now, was=RunStatus.QUEUED, cutoff=cutoff, task_path=task_path)
        ):
            stalled.append(pk)
            continue
        task_results_fail(
            task_path=task_path,
            object_ids=[pk],
            now=now,
            reason=STALLED_ERROR,
            started_before=cutoff,
        )
    return stalled


def plan_runs_recover(*, now: dt.datetime) -> list[int]:
    """Plan runs whose worker stopped: failed as stalled. Returns their ids."""
    return solver_runs_recover(PlanRun, now=now)


@transaction.atomic
def plan_run_again(*, run: PlanRun, user: User) -> PlanRun:
    """Run a stalled, failed or cancelled plan again: a new run for the same providers,
    kind, week and time limit, from the week as it is now. A run still silent past its
    lease is failed as stalled first, so the two never both say "running".

    Raises AcceptRefused for a run still queued or running (it may finish yet) or done,
    PlanInputError when the week can no longer be planned as it is."""
    locked = PlanRun.objects.select_for_update().get(pk=run.pk)
    now = timezone.now()
    if solver_run_lease_expired(locked):
        solver_run_stall(locked, now=now)
        locked.refresh_from_db()
    if locked.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise services.AcceptRefused("this plan is still running: wait for it, or cancel it")
    if locked.status == RunStatus.DONE:
        raise services.AcceptRefused("this plan finished: plan the week again instead")
    again = services.plan_run_create(
        user=user,
        district=locked.district,
        providers=list(locked.providers.order_by("pk")),
        kind=locked.kind,
        week_of=locked.week_of,
        time_limit=locked.time_limit,
    )
    audit_record(actor=user, action=AuditAction.UPDATE, obj=locked, detail={"run_again": again.pk})
    return again
