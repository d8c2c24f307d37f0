"""Solver runs on the task queue (django-tasks; `manage.py worker` in production).

The web request only builds the scenario and enqueues; the worker solves. Progress goes
to `PlanRun.progress` with single-row UPDATEs, so the page polling it sees each step as
soon as it is written. Logs carry the run's id only, never data from the scenario.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.utils import timezone
from django_tasks import task

from pushin.leases import Heartbeat, worker_id
from pushin.planning.models import PlanRun, RunStatus
from pushin.planning.services import default_time_limit, solver_limits
from pushin.planning.validation import check_plan
from pushin.scheduling.bounded import Cancelled, OutOfTime, SolveError, TooLarge, solve_bounded
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.plan import plan_from_dict, plan_to_dict
from pushin.scheduling.scenario import parse_scenario

logger = logging.getLogger(__name__)

SOLVER_WORKERS = 2


def _update(run_id: int, **fields: object) -> None:
    PlanRun.objects.filter(pk=run_id).update(**fields)


def finite_json(value: Any) -> Any:
    """JSON has no NaN or Infinity (the database refuses them): such numbers become null,
    e.g. the proven bound of a level cut short before any bound was found."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(item) for item in value]
    return value


def _cancelled(run_id: int) -> bool:
    return PlanRun.objects.filter(pk=run_id, status=RunStatus.CANCELLED).exists()


def _fail(run_id: int, progress: str, error: str) -> str:
    _update(
        run_id,
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        progress=progress,
        error=error,
    )
    return RunStatus.FAILED


# Solver runs have their own queue: e-mail and other work never wait behind a plan.
@task(queue_name="solver")
def plan_run_execute(run_id: int) -> str:
    """Solve one queued PlanRun and store its plan. Returns the final status."""
    # Claimed with a conditional UPDATE: a run enqueued twice (or cancelled while queued)
    # is solved at most once. The claim is a lease (pushin/leases.py): the worker beats
    # while it solves, and a run silent past the lease is failed as stalled.
    me = worker_id()
    now = timezone.now()
    claimed = PlanRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        started_at=now,
        progress="Reading the week: schools, timetables, caseload",
        claimed_by=me,
        heartbeat_at=now,
    )
    run = PlanRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("plan run %s vanished before it ran", run_id)
        return "missing"
    if not claimed:
        return str(run.status)  # already taken by another worker, cancelled, or re-enqueued
    try:
        scenario = parse_scenario(run.scenario)
        limit = run.time_limit or default_time_limit()
        _update(
            run_id,
            progress=f"Solving {len(scenario.students)} students' sessions "
            f"(up to {limit:g} seconds)",
        )
        memory_mb, wall = solver_limits(limit)
        # Polled every half second while the child solves: a heartbeat every few seconds;
        # stop once the run is no longer this worker's (cancelled, or failed as stalled).
        heartbeat = Heartbeat(
            PlanRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, claimed_by=me)
        )
        plan = plan_from_dict(
            solve_bounded(
                run.scenario,
                time_limit=limit,
                workers=SOLVER_WORKERS,
                seed=0,
                memory_mb=memory_mb,
                wall_seconds=wall,
                should_stop=lambda: not heartbeat.beat() or _cancelled(run_id),
            )
        )
        _update(run_id, progress="Checking the plan against every rule")
        problems = check_plan(scenario, plan)
    except Cancelled:
        logger.info("plan run %s: cancelled", run_id)
        return RunStatus.CANCELLED
    except TooLarge as error:
        logger.warning("plan run %s: too large (%s)", run_id, error)
        return _fail(run_id, "Stopped: too large", f"Too large: {error}.")
    except OutOfTime:
        logger.warning("plan run %s: out of time", run_id)
        return _fail(
            run_id,
            "Stopped: out of time",
            "Out of time: the solver ran well past its time limit and was stopped.",
        )
    except SolveError as error:
        logger.error("plan run %s: the solver failed: %s", run_id, error)
        return _fail(
            run_id,
            "Stopped by an unexpected error",
            "The solver stopped unexpectedly. The error is in the server log.",
        )
    except ScenarioError as error:
        logger.info("plan run %s: the scenario was refused (%d issues)", run_id, len(error.errors))
        _update(
            run_id,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            progress="Stopped: the week could not be planned as described",
            error="\n".join(str(issue) for issue in error.errors),
        )
        return RunStatus.FAILED
    except Exception:
        logger.exception("plan run %s failed", run_id)
        _update(
            run_id,
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            progress="Stopped by an unexpected error",
            error="The solver stopped unexpectedly. The error is in the server log.",
        )
        return RunStatus.FAILED
    if _cancelled(run_id):
        return RunStatus.CANCELLED
    broken = ""
    if problems:
        # The engine's own plan failing its checker is a bug: keep it visible, not hidden.
        logger.error("plan run %s: the plan breaks %d rules", run_id, len(problems))
        broken = "\n".join(f"Rule {p.rule}: {p.message}" for p in problems)
    # Only a run still running is done: one failed as stalled meanwhile stays failed.
    done = PlanRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        solve_seconds=plan.stats.solve_seconds,
        plan=finite_json(plan_to_dict(plan)),
        progress="Done",
        error=broken,
        heartbeat_at=timezone.now(),
    )
    if not done:
        return str(PlanRun.objects.values_list("status", flat=True).get(pk=run_id))
    return RunStatus.DONE
