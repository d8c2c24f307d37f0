"""Capacity what-if runs: asked for on the provider's what-if page, solved on the task
queue (`workload.tasks.whatif_run_execute`), read back as figures, a chart and an argument.

A run starts from the provider's real week, built from the database as "Plan the week"
builds it (`planning.scenario_build`), stored on the run (ids only). Each of its points is
that week changed by the pure transforms of `pushin.scheduling.whatif`:

- **size**: the caseload made N students, for each N asked for (students drawn from the
  caseload's own mix are added, or a seeded random choice of students leaves), optionally
  with every group mandate individual too;
- **remove_school**: today's week, then the week without one of the caseload's schools;
- **individual**: today's week, then every group mandate individual push-in.

The worker solves each point with the scheduler (a short time limit each,
`PUSHIN_WHATIF_TIME_LIMIT`) and stores its figures (`scheduling.whatif.outcome`). A run
writes its own row only: never a schedule, a session or a clinical record.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.district.models import Provider
from pushin.planning.models import RunStatus
from pushin.planning.scenario_build import scenario_build
from pushin.planning.services import default_time_limit, size_limits
from pushin.scheduling.bounded import TooLarge, check_size
from pushin.scheduling.jsonread import ScenarioError
from pushin.scheduling.scenario import Scenario, parse_scenario, scenario_to_dict
from pushin.scheduling.whatif import (
    WhatIfError,
    caseload_of,
    groups_to_individual,
    plan_fresh,
    remove_school,
)
from pushin.workload.models import WhatIfKind, WhatIfRun

SEED = 0  # one seed for every run: the same week asked twice gives the same students
MAX_POINTS = 12
MAX_SIZE = 1000  # students on one caseload in a what-if (the solver's limits apply too)
AS_TODAY = "As today"
CUT_SHORT = (
    "Where the scheduler reached its time limit before proving its plan the best (marked "
    "in the table), these are the students its best plan left short: fewer might be."
)
INDIVIDUAL_LABEL = "Every group session individual"


def students(count: int) -> str:
    """ "1 student", "72 students"."""
    return f"{count} student{'' if count == 1 else 's'}"


def whatif_time_limit() -> float:
    """Seconds for each point's solve: settings.PUSHIN_WHATIF_TIME_LIMIT (by default a
    plan's, so that today's point shows what "Plan the week" would)."""
    limit = getattr(settings, "PUSHIN_WHATIF_TIME_LIMIT", None)
    return float(limit) if limit is not None else default_time_limit()


def provider_week(provider: Provider) -> Scenario:
    """The provider's usual week as "Plan the week" would plan it, from scratch."""
    scenario, _ = scenario_build(district=provider.district, providers=[provider])
    return plan_fresh(scenario)


def caseload_schools(scenario: Scenario) -> list[tuple[str, str]]:
    """(scenario id, name) of the schools where the caseload has students."""
    used = {scenario.classroom_by_id[s.classroom].school for s in scenario.students}
    return [(school.id, school.name) for school in scenario.schools if school.id in used]


def sizes_between(start: int, end: int, step: int, *, current: int) -> list[int]:
    """Caseload sizes from `start` to `end` by `step`, `end` and today's size included."""
    sizes = set(range(start, end + 1, step)) | {end}
    if start <= current <= end:
        sizes.add(current)
    return sorted(sizes)


def point_scenarios(base: Scenario, kind: str, params: dict[str, Any]) -> list[Scenario]:
    """The week of each point of a run, in order."""
    if kind == WhatIfKind.SIZE:
        points = [caseload_of(base, size, seed=params["seed"]) for size in params["sizes"]]
        if params.get("individual"):
            points = [groups_to_individual(point) for point in points]
        return points
    if kind == WhatIfKind.REMOVE_SCHOOL:
        return [plan_fresh(base), remove_school(base, params["school"])]
    if kind == WhatIfKind.INDIVIDUAL:
        return [plan_fresh(base), groups_to_individual(base)]
    raise ValueError(f"unknown what-if kind {kind!r}")


def _labels(base: Scenario, kind: str, params: dict[str, Any]) -> list[str]:
    if kind == WhatIfKind.SIZE:
        return [students(size) for size in params["sizes"]]
    if kind == WhatIfKind.REMOVE_SCHOOL:
        return [AS_TODAY, f"Without {base.school_by_id[params['school']].name}"]
    return [AS_TODAY, INDIVIDUAL_LABEL]


def _check_points(points: Sequence[Scenario], labels: Sequence[str]) -> None:
    """Each point's week is one the engine takes, and not too large to solve."""
    for label, point in zip(labels, points, strict=True):
        try:
            parse_scenario(scenario_to_dict(point))
            check_size(point, size_limits())
        except ScenarioError as error:
            issues = "; ".join(str(issue) for issue in error.errors[:3])
            raise ValidationError(
                f"{label}: the week cannot be planned as it is ({issues})."
            ) from error
        except TooLarge as error:
            raise ValidationError(f"{label}: too large to plan ({error}).") from error


def whatif_run_create(
    *,
    actor: User,
    provider: Provider,
    kind: str,
    sizes: Sequence[int] = (),
    individual: bool = False,
    school: str = "",
    time_limit: float | None = None,
) -> WhatIfRun:
    """Store a queued WhatIfRun for `provider`'s week and enqueue its solves once the run
    is committed. Raises ValidationError, with the reason, for a what-if that cannot be
    run (no student to plan, no such school, too many points, a week too large)."""
    from pushin.workload.tasks import whatif_run_execute

    base = provider_week(provider)
    if not base.students:
        raise ValidationError(
            "No student of this caseload can be planned yet (a push-in or pull-out mandate "
            "in force, with goals, is needed): there is nothing to change."
        )
    params: dict[str, Any] = {"seed": SEED}
    if kind == WhatIfKind.SIZE:
        chosen = sorted(set(sizes))
        if not chosen:
            raise ValidationError("Give at least one caseload size.")
        if len(chosen) > MAX_POINTS:
            raise ValidationError(
                f"That is {len(chosen)} caseload sizes: at most {MAX_POINTS} in one what-if "
                "(take a larger step)."
            )
        if chosen[0] < 1:
            raise ValidationError("A caseload size is at least 1 student.")
        if chosen[-1] > MAX_SIZE:
            raise ValidationError(f"A caseload size is at most {MAX_SIZE} students here.")
        params |= {"sizes": chosen, "individual": bool(individual)}
    elif kind == WhatIfKind.REMOVE_SCHOOL:
        schools = dict(caseload_schools(base))
        if school not in schools:
            raise ValidationError("Choose one of the caseload's schools.")
        if len(schools) == 1:
            raise ValidationError(
                f"{schools[school]} is the caseload's only school: without it there is no one "
                "left to plan."
            )
        params |= {"school": school}
    elif kind != WhatIfKind.INDIVIDUAL:
        raise ValidationError(f"Unknown what-if {kind!r}.")
    try:
        points = point_scenarios(base, kind, params)
    except WhatIfError as error:
        raise ValidationError(f"This what-if cannot be made: {error}.") from error
    labels = _labels(base, kind, params)
    _check_points(points, labels)
    with transaction.atomic():
        run = WhatIfRun.objects.create(
            provider=provider,
            district=provider.district,
            requested_by=actor,
            kind=kind,
            params=params,
            labels=labels,
            scenario=scenario_to_dict(base),
            time_limit=time_limit if time_limit is not None else whatif_time_limit(),
            progress="Waiting for a worker",
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=run,
            detail={"provider": provider.pk, "kind": kind, "points": len(labels)},
        )
        # After the commit: a worker must never pick up a run it cannot read yet.
        transaction.on_commit(functools.partial(whatif_run_execute.enqueue, run.pk))
    return run


@transaction.atomic
def whatif_run_cancel(*, run: WhatIfRun, actor: User) -> WhatIfRun:
    """Stop a queued or running what-if: the worker sees it within seconds and stops; the
    points solved so far stay on the run."""
    locked = WhatIfRun.objects.select_for_update().get(pk=run.pk)
    if locked.is_finished:
        raise ValidationError("This what-if has already finished.")
    locked.status = RunStatus.CANCELLED
    locked.finished_at = timezone.now()
    locked.progress = "Cancelled"
    locked.save(update_fields=["status", "finished_at", "progress"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"status": "cancelled"})
    return locked


# --- Reading a run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One point's figures as the page shows them (`error` when it could not be solved)."""

    label: str
    students: int
    short_students: int = 0
    short_minutes: int = 0
    travel_minutes: int = 0
    provider_minutes: int = 0
    mandated_minutes: int = 0
    status: str = ""
    short_proven: bool = True
    short_minutes_bound: int = 0
    error: str = ""

    @property
    def solved(self) -> bool:
        return not self.error

    @property
    def cut_short(self) -> bool:
        """The solver's time limit stopped it before it proved the least shortfall: the
        true shortfall may be smaller (down to `short_minutes_bound`)."""
        return self.solved and not self.short_proven

    @property
    def all_seen(self) -> bool:
        return self.solved and self.short_students == 0


def run_points(run: WhatIfRun) -> list[Point]:
    fields = set(Point.__dataclass_fields__)
    return [Point(**{k: v for k, v in item.items() if k in fields}) for item in run.points]


def _seen_words(run: WhatIfRun) -> str:
    individually = run.kind == WhatIfKind.INDIVIDUAL or (
        run.kind == WhatIfKind.SIZE and run.params.get("individual")
    )
    return "individually in class" if individually else "in class"


def _short(point: Point, seen: str) -> str:
    if point.all_seen:
        return f"every student can be seen {seen} with all their minutes"
    return (
        f"{students(point.short_students)} cannot be seen {seen} with all their minutes "
        f"({point.short_minutes} minutes a week short)"
    )


def argument(run: WhatIfRun, points: Sequence[Point]) -> list[str]:
    """The run's result as sentences a provider can hand to an administrator, from the
    figures only: for sizes, the largest caseload tried and the largest at which every
    student can be seen; otherwise today against the change."""
    solved = [p for p in points if p.solved]
    if not solved:
        return []
    seen = _seen_words(run)
    if run.kind != WhatIfKind.SIZE:
        if len(solved) < 2:
            return []
        today, changed = solved[0], solved[1]
        change = (
            "with every group session individual"
            if run.kind == WhatIfKind.INDIVIDUAL
            else changed.label[0].lower() + changed.label[1:]
        )
        today_seen = "in class" if run.kind == WhatIfKind.INDIVIDUAL else seen
        pair = [
            f"Today, with {students(today.students)}, {_short(today, today_seen)}; "
            f"{today.travel_minutes} minutes of travel a week.",
            f"{change[0].upper()}{change[1:]} ({students(changed.students)}), "
            f"{_short(changed, seen)}; {changed.travel_minutes} minutes of travel a week.",
        ]
        if any(p.cut_short and not p.all_seen for p in (today, changed)):
            pair.append(CUT_SHORT)
        return pair
    by_size = sorted(solved, key=lambda p: p.students)
    largest = by_size[-1]
    fit = [p for p in by_size if p.all_seen]
    sentences = []
    if fit and fit[-1] is largest:
        sentences.append(
            f"Even at {students(largest.students)}, every student can be seen {seen} with all "
            "their minutes."
        )
    elif fit:
        best = fit[-1]
        sentences.append(
            f"At {students(largest.students)}, {largest.short_students} cannot be seen {seen} "
            f"with all their minutes; at {best.students}, all can."
        )
    else:
        smallest = by_size[0]
        sentences.append(
            f"At {students(largest.students)}, {largest.short_students} cannot be seen {seen} "
            f"with all their minutes; even at {smallest.students}, "
            f"{smallest.short_students} cannot."
        )
    current = len(run.scenario.get("students", []))
    # Today's figures, unless a sentence above already gave them or said them for more.
    said = {
        largest.students,
        *(p.students for p in fit[-1:]),
        *(() if fit else [by_size[0].students]),
    }
    everyone = largest.all_seen
    for point in by_size:
        if point.students == current and current not in said and not (everyone and point.all_seen):
            sentences.append(
                f"With today's caseload of {students(current)}, {_short(point, seen)}."
            )
    if any(p.cut_short and not p.all_seen for p in by_size):
        sentences.append(CUT_SHORT)
    return sentences
