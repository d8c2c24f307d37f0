"""Staged lexicographic solve: each objective level is optimised, then fixed.

Levels (docs/scenario-format.md): 1 shortfall, 2 moved sessions (re-plans), 3 fit minutes,
4 preferences, 5 sessions, 6 travel, 7 adjacent-day pairs. A level proven optimal is
fixed to its value (== constraint) before the next; a level cut short by its time budget
is fixed to the incumbent's value (<=, so later levels can still improve the plan) and the
plan is `feasible` with that level's best proven bound.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from . import anytime as _anytime
from .candidates import FIT_SCALE, Candidate, CandidateBuilder, enumerate_candidates
from .daybound import day_plan_bound
from .explain import explain_shortfalls
from .jsonread import ScenarioError, ScenarioIssue
from .lns import improve_by_days
from .metrics import measure, stats_of
from .model import LinearExpr, ScheduleModel
from .packing import Packer, improve_fit
from .parts import part_scenario, provider_components
from .plan import Plan, PlannedSession
from .relax import lp_order, relax_level, relax_shortfall
from .scenario import Scenario


@dataclass(frozen=True)
class Level:
    name: str
    expression: Callable[[ScheduleModel], LinearExpr]
    maximize: bool
    share: float  # relative share of the time limit
    scale: float = 1.0  # model units per reported unit


def _levels(scenario: Scenario) -> list[Level]:
    levels = [
        Level("shortfall", lambda m: m.shortfall_minutes(), False, 4.0),
        Level("moved_sessions", lambda m: m.moved_sessions(), False, 1.0),
        Level("fit_minutes", lambda m: m.fit_per_student(), True, 2.0, FIT_SCALE),
        Level("preferences", lambda m: m.preferences(), True, 1.0),
        Level("sessions", lambda m: m.session_count(), False, 1.0),
        Level("travel", lambda m: m.travel_minutes(), False, 1.5),
        Level("spread", lambda m: m.spread_penalty(), False, 0.5),
    ]
    if scenario.previous_plan is None:
        levels = [level for level in levels if level.name != "moved_sessions"]
    return levels


# How a caller's `time_limit` and `deterministic_limit` become stage budgets: see solve().
UNLIMITED_DETERMINISTIC = 1e9
# Python work per candidate: enumeration, model building, hint, explanation, and each
# stage's model copy and presolve (which CP-SAT does not count as deterministic time).
OVERHEAD_SECONDS_PER_CANDIDATE = 1e-4
MIN_STAGE_DETERMINISTIC = 0.05
MIN_STAGE_SECONDS = 0.05
PRESOLVE_MIN_DETERMINISTIC = 0.5
PRESOLVE_MIN_SECONDS = 1.5  # presolve costs up to a second of wall time per stage
STOP_BELOW_DETERMINISTIC = 0.05  # a stage's share under which the rest is skipped
STOP_BELOW_SECONDS = 0.15  # the same, by wall
# Local search on the starting plan (Packer.improve), under the same kind of rule.
LOCAL_SEARCH_SECONDS_PER_CANDIDATE = 6e-5
LOCAL_SEARCH_SHARE = 0.15  # below this wall-clock safety net a stage is not started
LOCAL_SEARCH_KEEP = 0.25  # the share of the time limit it leaves for the levels' search
# The LP relaxation (relax.py) costs about this much per candidate; it runs when that is
# at most LP_SHARE of the time limit (a rule on the input only, so still deterministic).
LP_SECONDS_PER_CANDIDATE = 1.2e-4
# Two days at a time (lns.py) before CP-SAT's whole-week search, on the levels where it
# pays: this share of the level's budget (wall or deterministic), if at least the minimum.
LNS_LEVELS = ("shortfall", "fit_minutes")
LNS_SHARE = 0.75
LNS_MIN_SECONDS = 1.0
LP_SHARE = 0.4
# LP diving (relax.py) before the local search: measured on `small` (seed 0), the dive
# costs more than the LP itself and its plan improves less under Packer.improve (330 ->
# 300 minutes short) than the plain LP-order packing does (450 -> 180), so it is off.
LP_DIVE_ROUNDS = 0
# The fit level's bound over whole provider-days (daybound.py): at most this share of
# the level's time by wall, or this many rounds by deterministic budget (`small` needs
# about 200 rounds, 1.6 s, to converge).
DAY_BOUND_SHARE = 0.5
DAY_BOUND_ROUNDS = 300
# ... and again for the plan's own shortfall, when the fit level made it shorter: at
# most this share of the seconds left (small: about 0.5 s to converge).
TIGHTER_BOUND_SHARE = 0.05


@dataclass(frozen=True)
class _Solved:
    """What a solve chose, and its figures (`Stats.extra`); `unproven`: the first level
    not proven and its bound (None: every level proven)."""

    chosen: list[Candidate]
    unproven: tuple[str, float] | None
    extra: dict[str, Any]


def solve(
    scenario: Scenario,
    *,
    time_limit: float = 30,
    workers: int = 2,
    seed: int = 0,
    deterministic_limit: float | None = None,
    anytime: _anytime.Anytime | None = None,
) -> Plan:
    """The best plan within `time_limit` seconds; raises ScenarioError on bad pins.

    Providers who share no child are independent parts (parts.py), planned one after
    another by `_solve_parts`; one part is planned by `_solve_whole`, whose docstring says
    how the time is spent.
    """
    started = time.perf_counter()
    components = provider_components(scenario)
    settings = _Settings(time_limit, workers, seed, deterministic_limit)
    if len(components) > 1:
        solved = _solve_parts(scenario, components, settings, anytime)
    else:
        solved = _solve_whole(scenario, settings, anytime)
    return build_plan(
        scenario,
        sessions_from_candidates(scenario, solved.chosen),
        status="optimal" if solved.unproven is None else "feasible",
        seconds=time.perf_counter() - started,
        unproven=solved.unproven,
        extra=solved.extra,
    )


@dataclass(frozen=True)
class _Settings:
    time_limit: float
    workers: int
    seed: int
    deterministic_limit: float | None


def _solve_whole(
    scenario: Scenario, settings: _Settings, anytime: _anytime.Anytime | None
) -> _Solved:
    """The best plan of `scenario` as one problem within `time_limit` seconds.

    Two ways to spend the time (`stats.budget` says which one a plan used):
    - `time_limit` alone ("wall"): the whole time is used unless every level is proven
      first. Each objective level gets its `Level.share` of the seconds left before the
      deadline (minus a small reserve for writing the plan) as CP-SAT's
      `max_time_in_seconds`; a level proven early passes its time on to the later ones.
      The plan depends on how fast the machine is at that moment: a fixed
      deterministic-time rate (the former DETERMINISTIC_PER_SECOND) left a third to a half
      of the time unused on a quiet machine and cut stages short on a loaded one, so it
      is gone from this mode. `wall_capped_stages` lists the levels the clock stopped.
    - `deterministic_limit` ("deterministic"): that much CP-SAT deterministic time,
      shared among the levels by `Level.share` (time a proven level does not use passes
      on), with interleaved workers (`interleave_search`), so the plan depends on the
      input, seed and worker count only; `time_limit` is then a wall-clock safety net
      (twice a stage's share of the seconds left), and a stage it stops is listed in
      `wall_capped_stages` (only then can two runs differ). It always runs the LP
      relaxation.
    The Python work (candidates, LP, hints, explanations) is estimated from the number of
    candidates (OVERHEAD_SECONDS_PER_CANDIDATE, LP_SECONDS_PER_CANDIDATE): the LP runs
    when its estimate is at most LP_SHARE of the limit.
    `anytime` (anytime.py): the best plan so far as it improves, and a plan to start from.
    """
    time_limit, workers, seed = settings.time_limit, settings.workers, settings.seed
    deterministic_limit = settings.deterministic_limit
    deadline = time.perf_counter() + time_limit
    builder = enumerate_candidates(scenario)
    candidates = builder.candidates
    pinned = _pinned_candidates(scenario, builder)
    schedule = ScheduleModel.build(scenario, builder)
    schedule.pin([c.index for c in pinned])
    overhead = OVERHEAD_SECONDS_PER_CANDIDATE * len(candidates)
    relaxation = None
    lp_cost = LP_SECONDS_PER_CANDIDATE * len(candidates)
    use_lp = lp_cost <= LP_SHARE * time_limit or deterministic_limit is not None
    if use_lp:
        mandated = sum(s.minutes_per_week for s in scenario.students)
        packer = _start_packer(scenario, candidates, schedule, pinned)
        relaxation = relax_shortfall(
            schedule,
            mandated,
            packer,
            rounds=LP_DIVE_ROUNDS,
            stop_at=_safety_net(deadline, time_limit, lp_cost),
        )
        overhead += lp_cost
    order = lp_order(candidates, relaxation.values) if relaxation else None
    values = _initial_hint(scenario, candidates, schedule, pinned, order)
    if relaxation is not None and relaxation.dive:  # the LP dive's plan, if it is better
        packer.try_add_all(order or ())
        dived = [1 if c.index in packer.chosen_set else 0 for c in candidates]
        if _scheduled(candidates, dived) > _scheduled(candidates, values):
            values = dived
    values = _anytime.start_from(anytime, scenario, builder, pinned, values)
    # The starting plan is the first best plan so far (the local search may take most of
    # the time limit), and again once the local search has improved it.
    watch = _anytime.watch(anytime, candidates, [var.index for var in schedule.x])
    if watch is not None:
        watch.settled("start", values, {})
    if LOCAL_SEARCH_SECONDS_PER_CANDIDATE * len(candidates) <= LOCAL_SEARCH_SHARE * time_limit:
        search_cost = LOCAL_SEARCH_SECONDS_PER_CANDIDATE * len(candidates)
        values = _improve(
            scenario,
            candidates,
            values,
            pinned,
            # the local search is worth more than the whole-week search (small, seed 0:
            # 450 -> 180 minutes short), so it may take up to three quarters of the time
            _safety_net(deadline, time_limit, search_cost, keep=LOCAL_SEARCH_KEEP),
        )
        overhead += search_cost
    if watch is not None:
        watch.settled("start", values, {})
    known: dict[str, int] = {}
    if relaxation is not None:
        known["shortfall"] = relaxation.shortfall_bound
    by_wall = deterministic_limit is None
    deterministic_total = UNLIMITED_DETERMINISTIC if by_wall else float(deterministic_limit or 0)
    reserve = min(0.1 * overhead, 0.1 * time_limit)  # wall seconds kept for the plan

    levels = _levels(scenario)
    unproven: tuple[str, float] | None = None
    stage_seconds: dict[str, float] = {}
    stage_deterministic: dict[str, float] = {}
    stage_values: dict[str, list[float]] = {}
    remaining_share = sum(level.share for level in levels)
    remaining_det = deterministic_total
    full_hint: dict[int, int] = {}
    wall_capped: list[str] = []  # stages the wall clock, not the budget, cut short
    decided: set[str] = set()  # levels the plan's earlier levels leave no choice in
    for number, level in enumerate(levels):
        stage_share = remaining_det * level.share / remaining_share
        if by_wall:  # in seconds, against the same floor
            wall_share = (deadline - reserve - time.perf_counter()) * level.share / remaining_share
            stage_share = wall_share * STOP_BELOW_DETERMINISTIC / STOP_BELOW_SECONDS
        cheap = level.name == "moved_sessions"  # no search when the previous plan stays
        if unproven is not None and stage_share < STOP_BELOW_DETERMINISTIC and not cheap:
            # The plan is `feasible` anyway and too little budget is left to change it:
            # keep the incumbent and skip building the remaining levels (re-plans with a
            # short limit save most of their Python time here).
            break
        stage_start = time.perf_counter()
        fraction = level.share / remaining_share
        det_budget = max(MIN_STAGE_DETERMINISTIC, remaining_det * fraction)
        # By wall: the stage's share of what is left. Deterministic: a safety net of twice
        # that, so that a slow stage on a loaded machine cannot starve the later ones.
        wall_left = deadline - reserve - stage_start
        wall_budget = fraction * wall_left if by_wall else min(wall_left, 2 * fraction * wall_left)
        remaining_share -= level.share
        expression = level.expression(schedule)
        sign = -1 if level.maximize else 1
        target = _known_bound(scenario, schedule, level.name)
        if level.name == "fit_minutes" and use_lp and lp_cost <= LP_SHARE * _left(deadline):
            # The LP bound of the fit level with the levels before it fixed: far tighter
            # than each student's best days (fit_ceiling), and CP-SAT rarely proves it.
            lp = relax_level(schedule, [c.fit_scaled for c in candidates], maximize=True)
            if lp is not None:
                known[level.name] = math.floor(lp[0] + 1e-6)
        if level.name == "fit_minutes" and "shortfall" in stage_values:
            day_bound, clock_stopped = _fit_day_bound(
                scenario,
                candidates,
                values,
                shortfall=math.floor(stage_values["shortfall"][0]),
                stop_at=time.perf_counter() + DAY_BOUND_SHARE * wall_budget,
                by_wall=by_wall,
            )
            if day_bound is not None:
                known[level.name] = min(known.get(level.name, day_bound), day_bound)
            if clock_stopped:
                wall_capped.append(level.name)
        if level.name in known:
            bounds = [b for b in (known[level.name], target) if b is not None]
            target = min(bounds) if level.maximize else max(bounds)
        if level.name == "fit_minutes":  # more fit at the same minutes, kept sessions kept
            keep = {c.index for c in pinned} | set(schedule.keepable.values())
            values = improve_fit(
                scenario,
                candidates,
                values,
                keep,
                _safety_net(deadline, time_limit, 1e-5 * len(candidates), keep=0),
            )
            full_hint = {}
        incumbent = [candidates[i] for i, value in enumerate(values) if value]
        incumbent_value = sign * _level_value(scenario, schedule, level.name, incumbent)
        proven_bound: float | None = None
        det_used = 0.0
        wall_budget -= time.perf_counter() - stage_start  # building the level
        lns_seconds = LNS_SHARE * wall_budget
        if (
            level.name in LNS_LEVELS
            and scenario.previous_plan is None  # re-plans: few moves matter more
            and not (target is not None and incumbent_value <= sign * target)
            and (lns_seconds >= LNS_MIN_SECONDS or not by_wall)
        ):
            lns_start = time.perf_counter()
            values, det_used, clock_stopped = improve_by_days(
                scenario,
                candidates,
                values,
                {c.index for c in pinned},
                stop_at=lns_start + lns_seconds,
                deterministic=None if by_wall else LNS_SHARE * det_budget,
                workers=workers,
                seed=seed,
                on_better=_reporter(watch, level.name, stage_values),
                reached=_meets(scenario, schedule, candidates, level.name, sign, target),
            )
            full_hint = {}
            if clock_stopped and not by_wall:
                wall_capped.append(level.name)
            det_budget = max(MIN_STAGE_DETERMINISTIC, det_budget - det_used)
            wall_budget -= time.perf_counter() - lns_start
            incumbent = [candidates[i] for i, value in enumerate(values) if value]
            incumbent_value = sign * _level_value(scenario, schedule, level.name, incumbent)
        if target is not None and incumbent_value <= sign * target:
            # The incumbent meets a bound proven without search: nothing to search.
            best, status = incumbent_value, cp_model.OPTIMAL
        elif wall_budget < MIN_STAGE_SECONDS:  # overloaded machine: keep the incumbent
            best, status = incumbent_value, cp_model.FEASIBLE
            wall_capped.append(level.name)
        else:
            if target is not None:  # a valid cut: CP-SAT stops as soon as it meets it
                schedule.model.add(sign * expression >= sign * target)
            schedule.model.minimize(sign * expression)
            _set_hint(schedule, values, full_hint)
            solver = cp_model.CpSolver()
            _configure(solver, det_budget, wall_budget, workers, seed, by_wall=by_wall)
            status = solver.solve(
                schedule.model,
                None
                if watch is None
                else watch.stage(
                    level.name, sign, level.scale, incumbent_value, target, stage_values
                ),
            )
            det_used += solver.deterministic_time
            if status != cp_model.OPTIMAL and (
                by_wall or solver.deterministic_time < 0.99 * det_budget
            ):
                wall_capped.append(level.name)  # stopped by the clock, not a det. budget
            answer = schedule.answer_of(solver)
            solved = answer is not None
            if answer is not None and (
                status == cp_model.OPTIMAL or solver.objective_value <= incumbent_value
            ):
                values = [answer[var.index] for var in schedule.x]
                full_hint = dict(enumerate(answer))
                best = round(solver.objective_value)
            else:  # nothing better than the incumbent within the budget: keep it
                best = incumbent_value
                status = cp_model.FEASIBLE
            if solved:
                proven_bound = solver.best_objective_bound
        if level.name == "fit_minutes" and status == cp_model.FEASIBLE:
            tighter, clock_stopped = _fit_bound_at_plans_shortfall(
                scenario, schedule, values, stage_values, deadline, by_wall=by_wall
            )
            if tighter is not None:
                target = tighter if target is None else min(target, tighter)
            if clock_stopped:
                wall_capped.append(level.name)
        if not by_wall:
            remaining_det = max(0.0, remaining_det - det_used)
        stage_deterministic[level.name] = round(det_used, 3)
        if status == cp_model.FEASIBLE:
            proven = proven_bound if proven_bound is not None else -float("inf")
            if target is not None:
                proven = max(proven, sign * target)
            stage_values[level.name] = [sign * best / level.scale, sign * proven / level.scale]
            if unproven is None:
                unproven = (level.name, sign * proven / level.scale)
        else:
            stage_values[level.name] = [sign * best / level.scale] * 2
        if status == cp_model.OPTIMAL:
            schedule.model.add(sign * expression == best)
        else:
            schedule.model.add(sign * expression <= best)
        stage_seconds[level.name] = round(time.perf_counter() - stage_start, 3)
        if watch is not None:
            watch.settled(level.name, values, stage_values)
        forced = unproven is None and _plan_is_forced(schedule, level.name, values)
        if status == cp_model.OPTIMAL and forced:
            for later in levels[number + 1 :]:
                stage_seconds[later.name] = stage_deterministic[later.name] = 0.0
                decided.add(later.name)
            break

    chosen = [candidates[i] for i, value in enumerate(values) if value]
    for level in levels:  # a later stage may have improved an earlier level's value
        if level.name in stage_values or level.name in decided:
            final = _level_value(scenario, schedule, level.name, chosen) / level.scale
            bound = final if level.name in decided else stage_values[level.name][1]
            stage_values[level.name] = [final, bound]
    return _Solved(
        chosen=chosen,
        unproven=unproven,
        extra={
            "candidates": len(candidates),
            "budget": "wall" if by_wall else "deterministic",
            "time_limit": time_limit,
            "stage_seconds": stage_seconds,
            "stage_deterministic_time": stage_deterministic,
            "deterministic_time": round(sum(stage_deterministic.values()), 3),
            # empty: the plan depends only on the input, seed and workers
            "wall_capped_stages": list(dict.fromkeys(wall_capped)),
            # level -> [value, best proven bound], in the level's reported unit
            "stage_values": stage_values,
        },
    )


def _solve_parts(
    scenario: Scenario,
    parts: Sequence[tuple[str, ...]],
    settings: _Settings,
    anytime: _anytime.Anytime | None,
) -> _Solved:
    """Independent parts one after another, each with its providers' share of the time
    left (or of the deterministic time left): a part proven early passes its time on,
    and with the providers' time added up each gets as long as it would alone. As one
    problem, CP-SAT's search and the days' search spread over every part at once (large,
    60 s: 1220 minutes short and fit 5856.5, against 990 and 7021.5 in parts).

    The levels are fixed part by part, so a later level's bound holds given each part's
    earlier levels (as one problem: given their sum)."""
    deadline = time.perf_counter() + settings.time_limit
    sizes = [len(part) for part in parts]
    deterministic_left = settings.deterministic_limit
    reports = _anytime.parts(anytime, scenario)
    solved: list[_Solved] = []
    for number, part in enumerate(parts):
        share = sizes[number] / sum(sizes[number:])
        part_settings = dataclasses.replace(
            settings,
            time_limit=share * max(0.0, deadline - time.perf_counter()),
            deterministic_limit=None
            if deterministic_left is None
            else share * max(0.0, deterministic_left),
        )
        result = _solve_whole(
            part_scenario(scenario, part),
            part_settings,
            reports.part(part, pending=parts[number + 1 :]) if reports else None,
        )
        if deterministic_left is not None:
            deterministic_left -= result.extra["deterministic_time"]
        if reports is not None:
            reports.done(result.chosen, result.extra["stage_values"])
        solved.append(result)
    return _combined(scenario, parts, solved, settings.time_limit)


def _combined(
    scenario: Scenario,
    parts: Sequence[tuple[str, ...]],
    solved: Sequence[_Solved],
    time_limit: float,
) -> _Solved:
    """One answer from the parts': figures added up level by level (a level some part did
    not reach is left out, as one problem leaves out the levels it has no time for)."""
    names = [level.name for level in _levels(scenario)]
    extras = [result.extra for result in solved]
    stage_values = {
        name: [sum(e["stage_values"][name][i] for e in extras) for i in (0, 1)]
        for name in names
        if all(name in e["stage_values"] for e in extras)
    }
    first = min(
        (names.index(result.unproven[0]) for result in solved if result.unproven), default=None
    )
    unproven = None if first is None else (names[first], stage_values[names[first]][1])

    def added(key: str) -> dict[str, float]:
        return {
            name: round(sum(e[key].get(name, 0.0) for e in extras), 3)
            for name in names
            if any(name in e[key] for e in extras)
        }

    capped = {name for e in extras for name in e["wall_capped_stages"]}
    return _Solved(
        chosen=[candidate for result in solved for candidate in result.chosen],
        unproven=unproven,
        extra={
            **extras[0],
            "candidates": sum(e["candidates"] for e in extras),
            "stage_seconds": added("stage_seconds"),
            "stage_deterministic_time": added("stage_deterministic_time"),
            "deterministic_time": round(sum(e["deterministic_time"] for e in extras), 3),
            "time_limit": time_limit,
            "wall_capped_stages": [name for name in names if name in capped],
            "stage_values": stage_values,
            "parts": [list(part) for part in parts],
        },
    )


def _fit_day_bound(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    values: Sequence[int],
    *,
    shortfall: int,
    stop_at: float,
    by_wall: bool,
) -> tuple[int | None, bool]:
    """The fit level's bound over whole provider-days (daybound.py), with shortfall at
    most `shortfall`; and whether the clock, not the rounds, stopped it by deterministic
    budget (a safety net: then the plan may depend on the machine's load)."""
    mandated = sum(s.minutes_per_week for s in scenario.students)
    rounds = None if by_wall else DAY_BOUND_ROUNDS
    bound = day_plan_bound(
        scenario,
        candidates,
        [c.fit_scaled for c in candidates],
        values,
        min_student_minutes=mandated - shortfall,
        max_rounds=rounds,
        stop_at=stop_at,
    )
    if bound is None:
        return None, False
    clock_stopped = not by_wall and not bound.converged and bound.rounds != rounds
    # Plans' fit is whole in model units, so the bound's floor holds; the slack covers
    # floating-point error in a sum of some million units.
    return math.floor(bound.value + 1e-6 * max(1.0, abs(bound.value))), clock_stopped


def _fit_bound_at_plans_shortfall(
    scenario: Scenario,
    schedule: ScheduleModel,
    values: Sequence[int],
    stage_values: dict[str, list[float]],
    deadline: float,
    *,
    by_wall: bool,
) -> tuple[int | None, bool]:
    """The fit bound for plans as short as this one, when the fit level's search scheduled
    more minutes than the shortfall level left (its two-day search may): a plan better at
    the fit level is at most as short, so this bound holds for it and is tighter than the
    one at the shortfall level's value. Also whether the clock stopped it (as
    `_fit_day_bound`)."""
    if "shortfall" not in stage_values:
        return None, False
    chosen = [c for c, value in zip(schedule.candidates, values, strict=True) if value]
    short = _level_value(scenario, schedule, "shortfall", chosen)
    if short >= math.floor(stage_values["shortfall"][0]):
        return None, False
    return _fit_day_bound(
        scenario,
        schedule.candidates,
        values,
        shortfall=short,
        stop_at=time.perf_counter() + TIGHTER_BOUND_SHARE * _left(deadline),
        by_wall=by_wall,
    )


def _meets(
    scenario: Scenario,
    schedule: ScheduleModel,
    candidates: Sequence[Candidate],
    name: str,
    sign: int,
    target: int | None,
) -> Callable[[Sequence[int]], bool]:
    """Whether a plan's value of level `name` meets `target`, a bound proven without
    search (then nothing can do better)."""

    def meets(values: Sequence[int]) -> bool:
        if target is None:
            return False
        chosen = [c for c, value in zip(candidates, values, strict=True) if value]
        return sign * _level_value(scenario, schedule, name, chosen) <= sign * target

    return meets


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.perf_counter())


def _reporter(
    watch: _anytime.Watch | None, level: str, stage_values: dict[str, list[float]]
) -> Callable[[list[int]], None] | None:
    """Each better plan the two-day search finds, to an anytime listener."""
    if watch is None:
        return None
    listener = watch

    def report(values: list[int]) -> None:
        listener.settled(level, values, stage_values)

    return report


def _configure(
    solver: cp_model.CpSolver,
    deterministic: float,
    seconds: float,
    workers: int,
    seed: int,
    *,
    by_wall: bool = False,
) -> None:
    params = solver.parameters
    if not by_wall:
        params.max_deterministic_time = deterministic
    # By wall: the budget. Deterministic: a safety net only (on a normal machine the
    # deterministic budget decides, so the result does not depend on load).
    params.max_time_in_seconds = max(0.05, seconds)
    params.num_workers = workers
    params.random_seed = seed
    # Interleaved workers: the same seed and worker count give the same plan.
    params.interleave_search = workers > 1
    # Presolve's probing costs more deterministic time than the whole search on these
    # models (about 1.0 per pass on `small`) and finds little; symmetry stays on (caseloads
    # have many interchangeable students).
    params.cp_model_probing_level = 0
    # Presolve costs up to a second of wall time per stage that CP-SAT does not count as
    # deterministic time; with a small budget the search from the complete hint is better
    # use of it (a rule on the budget only, so still deterministic).
    params.cp_model_presolve = (
        seconds >= PRESOLVE_MIN_SECONDS if by_wall else deterministic >= PRESOLVE_MIN_DETERMINISTIC
    )


def _set_hint(schedule: ScheduleModel, values: Sequence[int], full: dict[int, int]) -> None:
    """Hint every variable: the candidates, and every auxiliary variable whose value
    follows from them (the previous stage's solution, or computed from `values`)."""
    hint = schedule.model.proto.solution_hint
    hint.vars.clear()
    hint.values.clear()
    complete = schedule.complete_hint(values)
    if full and all(
        full.get(var.index) == value for var, value in zip(schedule.x, values, strict=True)
    ):
        complete = {**full, **complete}
    # Only whole values within int64 (a value of any other kind once reached here on a
    # loaded machine's bench run and made extend() raise; a hint may leave variables out).
    pairs = [
        (index, int(value))
        for index, value in sorted(complete.items())
        if float(value).is_integer() and abs(value) < 2**62
    ]
    hint.vars.extend([index for index, _ in pairs])
    hint.values.extend([value for _, value in pairs])


def _plan_is_forced(schedule: ScheduleModel, name: str, values: Sequence[int]) -> bool:
    """After shortfall is proven optimal and `moved_sessions` proven 0 (every session of
    the previous plan kept) with the plan exactly the previous plan, the fixed shortfall
    leaves no room to add a session: every later level is decided."""
    if name != "moved_sessions" or schedule.previous_count != len(schedule.keepable):
        return False
    kept = set(schedule.keepable.values())
    return all(bool(v) == (i in kept) for i, v in enumerate(values))


def _known_bound(scenario: Scenario, schedule: ScheduleModel, name: str) -> int | None:
    """Bounds that need no search (presolve hides them from CP-SAT's own bound)."""
    if name == "shortfall":
        days: dict[str, set[str]] = {}
        for c in schedule.candidates:
            for member in c.students:
                days.setdefault(member, set()).add(c.day)
        return sum(
            max(0, s.minutes_per_week - min(len(days.get(s.id, ())), s.sessions_needed)
                * s.session_minutes)
            for s in scenario.students
        )  # fmt: skip
    if name == "moved_sessions":
        return schedule.previous_count - len(schedule.keepable)
    if name == "fit_minutes":
        return schedule.fit_ceiling
    if name in ("travel", "spread"):
        return 0
    return None


def _level_value(
    scenario: Scenario, schedule: ScheduleModel, name: str, chosen: Sequence[Candidate]
) -> int:
    """A level's value for a set of candidates, in model units (for an unimproved hint)."""
    if name == "shortfall":
        mandated = sum(s.minutes_per_week for s in scenario.students)
        return mandated - sum(c.student_minutes for c in chosen)
    if name == "moved_sessions":
        kept = set(schedule.keepable.values())
        return schedule.previous_count - sum(1 for c in chosen if c.index in kept)
    if name == "fit_minutes":
        return sum(c.fit_scaled for c in chosen)
    if name == "preferences":
        return sum(c.preference for c in chosen)
    if name == "sessions":
        return len(chosen)
    measures = measure(scenario, sessions_from_candidates(scenario, chosen))
    if name == "travel":
        return measures.travel_minutes
    return measures.adjacent_day_pairs


def _pinned_candidates(scenario: Scenario, builder: CandidateBuilder) -> list[Candidate]:
    previous = scenario.previous_plan
    if previous is None or not scenario.pinned:
        return []
    by_id = previous.session_by_id()
    result: list[Candidate] = []
    issues: list[ScenarioIssue] = []
    for number, session_id in enumerate(scenario.pinned):
        index = builder.index_of(by_id[session_id].signature)
        if index is None:
            issues.append(
                ScenarioIssue(
                    f"$.pinned[{number}]",
                    f"pinned session {session_id} is no longer possible in this scenario "
                    "(its block, the provider's time or a student changed)",
                )
            )
        else:
            result.append(builder.candidates[index])
    packer = Packer(scenario, builder.candidates)
    for candidate in result:
        if not packer.try_add(candidate):
            issues.append(ScenarioIssue("$.pinned", f"pinned sessions clash ({candidate.block})"))
    if issues:
        raise ScenarioError(issues)
    return result


def _safety_net(deadline: float, time_limit: float, estimate: float, keep: float = 0.5) -> float:
    """When a Python step with this estimated cost must stop on an overloaded machine:
    three times the estimate from now, but leaving `keep` of the time limit for what
    follows."""
    return min(time.perf_counter() + 3 * estimate, deadline - keep * time_limit)


def _improve(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    values: Sequence[int],
    pinned: Sequence[Candidate],
    stop_at: float,
) -> list[int]:
    """The starting plan after Packer.improve's exchanges (pins stay)."""
    packer = Packer(scenario, candidates)
    for candidate in pinned:
        packer.add(candidate)
        packer.fixed.add(candidate.index)
    for candidate, value in zip(candidates, values, strict=True):
        if value and candidate.index not in packer.chosen_set:
            packer.add(candidate)
    mandated_of = {s.id: s.minutes_per_week for s in scenario.students}
    packer.improve(mandated_of, rounds=2, stop_at=stop_at)
    return [1 if c.index in packer.chosen_set else 0 for c in candidates]


def _scheduled(candidates: Sequence[Candidate], values: Sequence[int]) -> int:
    return sum(c.student_minutes for c, value in zip(candidates, values, strict=True) if value)


def _start_packer(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    schedule: ScheduleModel,
    pinned: Sequence[Candidate],
) -> Packer:
    """Pins, then what can stay of the previous plan."""
    packer = Packer(scenario, candidates)
    for candidate in pinned:
        packer.add(candidate)
    packer.try_add_all(candidates[i] for i in schedule.keepable.values())
    return packer


def _initial_hint(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    schedule: ScheduleModel,
    pinned: Sequence[Candidate],
    order: Sequence[Candidate] | None = None,
) -> list[int]:
    """A quick valid plan: pins, then the previous plan, then `order` (by default the
    densest candidates first)."""
    packer = _start_packer(scenario, candidates, schedule, pinned)
    if order is None:
        order = sorted(
            candidates, key=lambda c: (-c.student_minutes, -c.fit_scaled, -c.preference, c.index)
        )
    packer.try_add_all(order)
    chosen = set(packer.chosen)
    return [1 if c.index in chosen else 0 for c in candidates]


def sessions_from_candidates(
    scenario: Scenario, chosen: Sequence[Candidate]
) -> list[PlannedSession]:
    """Sessions with ids: unchanged sessions keep theirs, new ones get unused ids."""
    previous_ids: dict[object, str] = {}
    used: set[str] = set()
    if scenario.previous_plan is not None:
        for session in scenario.previous_plan.sessions:
            previous_ids[session.signature] = session.id
            used.add(session.id)
    ordered = sorted(chosen, key=lambda c: (c.provider, _day_order(c.day), c.start, c.classroom))
    sessions: list[PlannedSession] = []
    counter = 0
    for c in ordered:
        signature = (c.provider, c.classroom, c.day, c.start, c.end, frozenset(c.students))
        session_id = previous_ids.get(signature)
        if session_id is None:
            counter += 1
            while f"sess-{counter}" in used:
                counter += 1
            session_id = f"sess-{counter}"
        used.add(session_id)
        sessions.append(
            PlannedSession(
                id=session_id,
                provider=c.provider,
                classroom=c.classroom,
                block=c.block,
                day=c.day,
                start=c.start,
                end=c.end,
                delivery=c.delivery,
                students=c.students,
                focus=dict(c.focus),
            )
        )
    return sessions


def _day_order(day: str) -> int:
    from .timeutil import DAY_INDEX

    return DAY_INDEX[day]


def build_plan(
    scenario: Scenario,
    sessions: Sequence[PlannedSession],
    *,
    status: str,
    seconds: float,
    unproven: tuple[str, float] | None = None,
    extra: dict[str, object] | None = None,
) -> Plan:
    """A plan with stats, shortfalls and their computed reasons."""
    measures = measure(scenario, sessions)
    stats_extra: dict[str, object] = {
        "preferences": measures.preferences,
        "adjacent_day_pairs": measures.adjacent_day_pairs,
        "fully_served_students": 0,
        **(extra or {}),
    }
    shortfalls = explain_shortfalls(scenario, sessions)
    short_ids = {s.student for s in shortfalls}
    stats_extra["fully_served_students"] = sum(
        1 for s in scenario.students if s.id not in short_ids
    )
    bound = None
    if unproven is not None:
        bound = round(unproven[1], 3)
        stats_extra["gap"] = _gap(unproven[0], measures, bound)
    return Plan(
        status=status,
        sessions=tuple(sessions),
        shortfalls=tuple(shortfalls),
        stats=stats_of(
            measures,
            sessions=len(sessions),
            seconds=round(seconds, 3),
            bound=bound,
            unproven_level=unproven[0] if unproven else None,
            extra=stats_extra,
        ),
    )


def _gap(level: str, measures: object, bound: float) -> float:
    """Relative distance to the bound: shortfall against mandated minutes, else value."""
    from .metrics import Measures

    assert isinstance(measures, Measures)
    if level == "shortfall":
        return round((measures.shortfall_minutes - bound) / max(measures.mandated_minutes, 1), 5)
    value = {
        "moved_sessions": measures.moved_sessions,
        "fit_minutes": measures.fit_minutes,
        "preferences": measures.preferences,
        "travel": measures.travel_minutes,
        "spread": measures.adjacent_day_pairs,
    }.get(level, 0)
    return round(abs(value - bound) / max(abs(value), 1), 5)
