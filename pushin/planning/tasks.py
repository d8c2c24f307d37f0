"""Solver runs on the task queue (django-tasks; `manage.py worker` in production).

The web request only builds the scenario and enqueues; the worker solves. Progress goes
to `PlanRun.progress` with single-row UPDATEs, so the page polling it sees each step as
soon as it is written, and the best plan so far to `PlanRun.best_plan` (a draft, at most
once every PROGRESS_SECONDS; see docs/anytime.md). Logs carry the run's id only, never
data from the scenario.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.utils import timezone
from django_tasks import task

from pushin.leases import Heartbeat, worker_id
from pushin.planning.anytime import plan_rank
from pushin.planning.models import PlanRun, RunStatus
from pushin.planning.services import default_time_limit, solver_limits
from pushin.planning.validation import check_plan
from pushin.scheduling.bounded import Cancelled, OutOfTime, SolveError, TooLarge, solve_bounded
from pushin.scheduling.district import plan_seconds
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.plan import plan_from_dict, plan_to_dict
from pushin.scheduling.scenario import parse_scenario

logger = logging.getLogger(__name__)

SOLVER_WORKERS = 2
PROGRESS_SECONDS = 1.0  # at most one write of the best plan so far a second
# A broken plan's rules listed on its run, the rest counted: one plan of every candidate
# broke 11 million, more text than PostgreSQL takes in one value.
PROBLEMS_LISTED = 100


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


def _not_running(run_id: int) -> bool:
    """Cancelled, or stopped by the provider with its best plan so far (anytime.py)."""
    return not PlanRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).exists()


def progress_words(plan: dict[str, Any], limit: float) -> str:
    """The progress line while the best plan so far improves (counts only: no names)."""
    stats = plan.get("stats", {})
    served = stats.get("fully_served_students", 0)
    return (
        f"Solving (up to {limit:g} seconds): best so far serves {served} "
        f"student{'s' if served != 1 else ''} fully, "
        f"{stats.get('shortfall_minutes', 0)} minutes short"
    )


class BestPlanWriter:
    """Writes the best plan so far to the run, at most once every `every` seconds (the
    newest one wins: one skipped is written by the next), and only while the run is this
    worker's: a run stopped or cancelled meanwhile is left as it is. A plan is written only
    when it is at least as good, level by level, as the best one before it (a round of
    "keep improving" may pass through plans worse on later levels than where it began)."""

    def __init__(
        self,
        run_id: int,
        worker: str,
        limit: float,
        every: float,
        best: dict[str, Any] | None = None,
    ) -> None:
        self.rows = PlanRun.objects.filter(pk=run_id, status=RunStatus.RUNNING, claimed_by=worker)
        self.limit = limit
        self.every = every
        self.last = -math.inf
        self.best = plan_rank(best) if best else None
        self.written = 0

    def __call__(self, plan: dict[str, Any]) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        rank = plan_rank(plan)
        if self.best is not None and rank > self.best:
            return
        self.last = now
        self.best = rank
        self.written += self.rows.update(
            best_plan=finite_json(plan),
            best_at=timezone.now(),
            progress=progress_words(plan, self.limit)[:200],
        )


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
        at_most = plan_seconds(run.scenario, limit)  # the limit is each provider's
        _update(
            run_id,
            progress=f"Solving {len(scenario.students)} students' sessions "
            f"(up to {at_most:g} seconds)",
        )
        memory_mb, wall = solver_limits(limit)
        # "Keep improving": the run's best plan so far is where the engine starts.
        start_from = run.best_plan if run.rounds > 1 and isinstance(run.best_plan, dict) else None
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
                should_stop=lambda: not heartbeat.beat() or _not_running(run_id),
                on_progress=BestPlanWriter(run_id, me, at_most, PROGRESS_SECONDS, start_from),
                progress_seconds=PROGRESS_SECONDS,
                start_from=start_from,
            )
        )
        _update(run_id, progress="Checking the plan against every rule")
        problems = check_plan(scenario, plan)
    except Cancelled:
        # Cancelled, or stopped by the provider with the best plan so far (then done).
        status = PlanRun.objects.values_list("status", flat=True).get(pk=run_id)
        logger.info("plan run %s: stopped (%s)", run_id, status)
        return str(status)
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
        listed = [f"Rule {p.rule}: {p.message}" for p in problems[:PROBLEMS_LISTED]]
        if len(problems) > PROBLEMS_LISTED:
            listed.append(f"… and {len(problems) - PROBLEMS_LISTED:,} more")
        broken = "\n".join(listed)
    final = finite_json(plan_to_dict(plan))
    progress = "Done"
    if start_from is not None and plan_rank(start_from) < plan_rank(final):
        # A round of "keep improving" never leaves the run worse than it began.
        final, broken = start_from, ""
        progress = "Done: no better plan found in this round"
    # Only a run still running is done: one failed as stalled meanwhile stays failed.
    done = PlanRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        finished_at=timezone.now(),
        solve_seconds=plan.stats.solve_seconds,
        plan=final,
        best_plan=None,
        seconds_used=run.seconds_used + plan.stats.solve_seconds,
        progress=progress,
        error=broken,
        heartbeat_at=timezone.now(),
    )
    if not done:
        return str(PlanRun.objects.values_list("status", flat=True).get(pk=run_id))
    return RunStatus.DONE
