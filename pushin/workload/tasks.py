"""Capacity what-if runs on the task queue (django-tasks; `manage.py worker` runs them).

The what-if page only stores a queued `WhatIfRun` (`whatif.whatif_run_create`); the worker
claims it (a lease with a heartbeat, pushin/leases.py), solves each point's week with the
scheduler in a bounded child process, and stores each point's figures as soon as it has
them, so the page polling it shows how far it got. Logs carry the run's id only.
"""

from __future__ import annotations

import dataclasses
import logging

from django.utils import timezone
from django_tasks import task

from pushin.leases import Heartbeat, worker_id
from pushin.planning.models import RunStatus
from pushin.planning.services import solver_limits
from pushin.scheduling.bounded import Cancelled, SolveError, solve_bounded
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.plan import plan_from_dict
from pushin.scheduling.scenario import parse_scenario, scenario_to_dict
from pushin.scheduling.whatif import outcome
from pushin.workload.models import WhatIfRun
from pushin.workload.whatif import point_scenarios

logger = logging.getLogger(__name__)

SOLVER_WORKERS = 2
ERROR_MAX_CHARS = 2000


def _update(run_id: int, **fields: object) -> int:
    """Write to the run if it is still running: one cancelled, or failed as stalled by
    the recovery, stays as it is."""
    return WhatIfRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(**fields)


def _status(run_id: int) -> str:
    return str(WhatIfRun.objects.values_list("status", flat=True).get(pk=run_id))


@task(queue_name="solver")
def whatif_run_execute(run_id: int) -> str:
    """Solve each point of one queued WhatIfRun and store its figures. Returns the final
    status."""
    # Claimed with a conditional UPDATE: a run enqueued twice (or cancelled while queued)
    # is solved at most once.
    me = worker_id()
    now = timezone.now()
    claimed = WhatIfRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        started_at=now,
        claimed_by=me,
        heartbeat_at=now,
        progress="Reading the week",
    )
    run = WhatIfRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("what-if run %s vanished before it ran", run_id)
        return "missing"
    if not claimed:
        return str(run.status)  # already taken by another worker, cancelled, or re-enqueued
    # Stop once the run is no longer this worker's (cancelled, or failed as stalled).
    heartbeat = Heartbeat(
        WhatIfRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, claimed_by=me)
    )
    memory_mb, wall = solver_limits(run.time_limit)
    points: list[dict[str, object]] = []
    try:
        weeks = point_scenarios(parse_scenario(run.scenario), run.kind, run.params)
        for index, (label, week) in enumerate(zip(run.labels, weeks, strict=True), start=1):
            if not _update(
                run_id,
                progress=f"Solving {index} of {len(weeks)}: {label} "
                f"(up to {run.time_limit:g} seconds)",
            ):
                return _status(run_id)
            try:
                plan = plan_from_dict(
                    solve_bounded(
                        scenario_to_dict(week),
                        time_limit=run.time_limit,
                        workers=SOLVER_WORKERS,
                        seed=0,
                        memory_mb=memory_mb,
                        wall_seconds=wall,
                        should_stop=lambda: not heartbeat.beat(),
                    )
                )
            except Cancelled:
                raise
            except (SolveError, ScenarioError) as error:
                # This point only: the others still say something.
                logger.warning("what-if run %s, point %s: %s", run_id, index, type(error).__name__)
                points.append(
                    {"label": label, "students": len(week.students), "error": f"{error}"[:200]}
                )
            else:
                points.append({"label": label, **dataclasses.asdict(outcome(week, plan))})
            _update(run_id, points=points, heartbeat_at=timezone.now())
    except Cancelled:
        logger.info("what-if run %s: stopped (%s)", run_id, _status(run_id))
        return _status(run_id)
    except Exception as error:
        logger.exception("what-if run %s failed", run_id)
        _update(
            run_id,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            progress="Stopped by an unexpected error",
            error=f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS],
        )
        return RunStatus.FAILED
    if not _update(
        run_id, status=RunStatus.DONE, finished_at=timezone.now(), progress="Done", error=""
    ):
        return _status(run_id)
    return RunStatus.DONE
