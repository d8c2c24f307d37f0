"""Anytime planning (docs/anytime.md): the best plan so far while a run solves, stopping
it to take that plan, and "keep improving" a run that ended unproven.

While a run solves, the worker writes its best plan so far to `PlanRun.best_plan` at
most once a second (tasks.py). That plan is a draft: nothing is written to sessions or
schedules from it. `plan_run_stop` ends the run with it as the run's plan (the run is
then done, as if the solver had stopped there); accepting goes through the one accept
service (`services.plan_accept` / `week_plan_accept`), with its rules: never before
today, losses confirmed, nothing accepted since the run began.

`plan_run_improve` sends a finished, unproven run back to the solver, starting from its
plan, for up to `improve_step()` more seconds and `improve_total()` seconds in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.planning.models import PlanRun, RunDecision, RunStatus
from pushin.planning.services import AcceptRefused
from pushin.planning.validation import check_plan
from pushin.scheduling.plan import plan_from_dict
from pushin.scheduling.scenario import parse_scenario

IMPROVE_TOTAL_SECONDS = 300.0
IMPROVE_STEP_SECONDS = 60.0
STOPPED_PROGRESS = "Stopped early: the best plan so far"

# Levels the page names, in the provider's words.
LEVEL_WORDS = {
    "shortfall": "minutes short",
    "moved_sessions": "sessions moved",
    "fit_minutes": "fit (minutes at a fitting activity)",
    "preferences": "teacher preferences met",
    "sessions": "sessions",
    "travel": "travel minutes",
    "spread": "sessions on back-to-back days",
}


def plan_rank(plan: dict[str, Any]) -> tuple[float, ...]:
    """A plan's objective levels in order, smaller is better (docs/scenario-format.md)."""
    stats = plan.get("stats", {})
    return (
        stats.get("shortfall_minutes", 0),
        stats.get("moved_sessions", 0),
        -stats.get("fit_minutes", 0),
        -stats.get("preferences", 0),
        stats.get("sessions", 0),
        stats.get("travel_minutes", 0),
        stats.get("adjacent_day_pairs", 0),
    )


def improve_total() -> float:
    """Seconds a run may solve in all, every round of "keep improving" included."""
    return float(getattr(settings, "PUSHIN_PLAN_IMPROVE_TOTAL", IMPROVE_TOTAL_SECONDS))


def improve_step() -> float:
    """Seconds one round of "keep improving" adds (at most what the total leaves)."""
    return float(getattr(settings, "PUSHIN_PLAN_IMPROVE_STEP", IMPROVE_STEP_SECONDS))


def improve_seconds_left(run: PlanRun) -> float:
    return max(0.0, improve_total() - run.seconds_used)


def can_improve(run: PlanRun) -> bool:
    """A finished, undecided run whose plan is not proven optimal, with time left."""
    return (
        run.status == RunStatus.DONE
        and run.decision == RunDecision.PENDING
        and run.plan_data.get("status") == "feasible"
        and improve_seconds_left(run) >= 1.0
    )


MAXIMIZED = {"fit_minutes", "preferences"}
SHOWN_LEVELS = ("shortfall", "moved_sessions", "fit_minutes")


@dataclass(frozen=True)
class LevelFigure:
    name: str
    words: str
    value: float
    bound: float | None
    proven: bool

    @property
    def bound_words(self) -> str:
        """What is proven: no plan does better than the bound."""
        if self.proven:
            return "proven best"
        if self.bound is None:
            return "no bound proven yet"
        side = "at most" if self.name in MAXIMIZED else "at least"
        return f"best possible: {side} {self.bound:g}"


@dataclass(frozen=True)
class BestSoFar:
    """What the page says of a plan (the best so far, or the final one): counts only."""

    students: int
    fully_served: int
    shortfall_minutes: int
    fit_minutes: float
    sessions: int
    proven: bool
    gap_percent: float | None
    levels: tuple[LevelFigure, ...]

    def _level(self, name: str) -> LevelFigure | None:
        return next((level for level in self.levels if level.name == name), None)

    @property
    def shortfall_level(self) -> LevelFigure | None:
        return self._level("shortfall")

    @property
    def fit_level(self) -> LevelFigure | None:
        return self._level("fit_minutes")

    @property
    def moved_level(self) -> LevelFigure | None:
        return self._level("moved_sessions")


def best_so_far(run: PlanRun, plan: dict[str, Any] | None = None) -> BestSoFar | None:
    """The figures of `plan` (default: the run's best plan so far), or None before there
    is one."""
    data = plan if plan is not None else run.best_plan
    if not isinstance(data, dict) or not data.get("stats"):
        return None
    stats = data["stats"]  # pushin-plan/1 keeps the engine's extra figures in stats
    levels = []
    for name, pair in (stats.get("stage_values") or {}).items():
        if name not in SHOWN_LEVELS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        value, bound = pair
        if value is None:
            continue
        levels.append(
            LevelFigure(
                name=name,
                words=LEVEL_WORDS.get(name, name),
                value=round(value, 1),
                bound=None if bound is None else round(bound, 1),
                proven=bound is not None and abs(value - bound) < 1e-6,
            )
        )
    gap = stats.get("gap")
    return BestSoFar(
        students=len(run.scenario.get("students", [])),
        fully_served=int(stats.get("fully_served_students", 0)),
        shortfall_minutes=int(stats.get("shortfall_minutes", 0)),
        fit_minutes=float(stats.get("fit_minutes", 0)),
        sessions=int(stats.get("sessions", len(data.get("sessions", [])))),
        proven=data.get("status") == "optimal",
        gap_percent=round(100 * gap, 1) if isinstance(gap, int | float) else None,
        levels=tuple(levels),
    )


@transaction.atomic
def plan_run_stop(*, run: PlanRun, user: User) -> PlanRun:
    """End a running solve (or a queued round of "keep improving") with its best plan so
    far as the run's plan (the run is then done, undecided). A run that has finished
    meanwhile is returned as it is; one with no plan yet is refused."""
    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.DONE:
        return run
    # Queued with a best plan: a round of "keep improving" not yet picked up.
    waiting = run.status in (RunStatus.RUNNING, RunStatus.QUEUED)
    if not waiting or not isinstance(run.best_plan, dict):
        raise AcceptRefused(
            "there is no plan to take yet"
            if not run.is_finished
            else "this plan did not finish, so there is nothing to take"
        )
    plan = plan_from_dict(run.best_plan)
    problems = check_plan(parse_scenario(run.scenario), plan)
    now = timezone.now()
    seconds = (now - run.started_at).total_seconds() if run.started_at else 0.0
    run.status = RunStatus.DONE
    run.plan = {**run.best_plan, "stats": {**run.best_plan["stats"], "stopped_early": True}}
    run.best_plan = None
    run.finished_at = now
    run.solve_seconds = round(seconds, 3)
    run.seconds_used += seconds
    run.progress = STOPPED_PROGRESS
    # As the worker does: the engine's plan failing its checker is a bug, kept visible.
    run.error = "\n".join(f"Rule {p.rule}: {p.message}" for p in problems)
    run.save(
        update_fields=[
            "status",
            "plan",
            "best_plan",
            "finished_at",
            "solve_seconds",
            "seconds_used",
            "progress",
            "error",
        ]
    )
    audit_record(actor=user, action=AuditAction.UPDATE, obj=run, detail={"status": "stopped early"})
    return run


@transaction.atomic
def plan_run_improve(*, run: PlanRun, user: User) -> PlanRun:
    """Send a finished, unproven run back to the solver from its plan, for up to
    `improve_step()` more seconds (never past `improve_total()` in all). Its plan stays
    the best so far meanwhile; stopping takes the best found."""
    from pushin.planning.tasks import plan_run_execute

    run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DONE or run.decision != RunDecision.PENDING:
        raise AcceptRefused("only a finished plan not yet decided can keep improving")
    if run.plan_data.get("status") != "feasible":
        raise AcceptRefused("this plan is proven optimal: no better plan exists")
    left = improve_seconds_left(run)
    if left < 1.0:
        raise AcceptRefused(
            f"this plan has had its {improve_total():g} seconds: accept it or plan again"
        )
    run.best_plan = run.plan
    run.status = RunStatus.QUEUED
    run.rounds += 1
    run.time_limit = round(min(improve_step(), left), 1)
    run.started_at = None
    run.finished_at = None
    run.claimed_by = ""
    run.heartbeat_at = None
    run.error = ""
    run.progress = "Waiting for a worker to keep improving the plan"
    run.save(
        update_fields=[
            "best_plan",
            "status",
            "rounds",
            "time_limit",
            "started_at",
            "finished_at",
            "claimed_by",
            "heartbeat_at",
            "error",
            "progress",
        ]
    )
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=run,
        detail={"status": "keep improving", "round": run.rounds, "seconds": run.time_limit},
    )
    run_pk = run.pk
    transaction.on_commit(lambda: plan_run_execute.enqueue(run_pk))
    return run
