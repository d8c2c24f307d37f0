"""A proven bound over whole provider-days (column generation), tighter than the LP's.

The LP relaxation (relax.py) lets a provider's day hold fractions of sessions that no
real day could hold together. Here the fractions are of whole day plans instead: a
master LP (GLOP) chooses, for each provider-day, a mix of day plans, under each student's
weekly and daily limits (and the provider's daily minutes, and a floor on scheduled
minutes when the level before fixed shortfall). Its prices then ask each provider-day
for its most valuable day plan: a dynamic program over the day's sessions in time order
(no overlap, travel between schools inside one window of availability). That day plan
joins the master, and so on.

At every round the prices give a Lagrangian bound: the prices times the limits, plus
each provider-day's best day plan at those prices. It holds for any prices, so the bound
is proven whether or not the rounds run to the end. The day program may let a student
appear twice in a day and checks travel between consecutive sessions only: both allow
more than a real day, so the bound stays a bound (the master's per-student-day rows take
the first back).

Measured on `small` (seed 0), to the end of the rounds: the fit level with shortfall at
most 180 minutes is bounded by 1708 fit-minutes (in 1 s) against the LP's 1798.5;
shortfall by 62.5 minutes against the LP's 55 (docs/benchmark-notes.md).
"""

from __future__ import annotations

import bisect
import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from .candidates import Candidate
from .model import gap_between, location_of
from .scenario import Scenario

# A day plan joins the master only when it beats the price of its provider-day by this.
MIN_IMPROVEMENT = 1e-6
# Scheduled minutes short of the floor cost this many times the most weight a
# student-minute can carry in the master, so that the first day plans need not meet the
# floor (any price gives a bound; a huge one gives a useless first bound and upsets GLOP).
FLOOR_PENALTY = 10
# How far the prices stay toward those of the best bound so far (0: the master's alone).
# Measured on `small` and `medium`: 0.8 takes 40 % fewer rounds than none, 0.5 35 %.
SMOOTHING = 0.8


@dataclass(frozen=True)
class DayBound:
    value: float  # no plan has more of the weighted sum
    rounds: int
    converged: bool  # no day plan improves the master: the bound is the master's value


@dataclass
class _Slot:
    """Sessions of one provider-day at one place, start and end (the program's unit)."""

    location: str
    group: int
    start: int
    end: int
    members: list[int]  # candidate indices


class _Day:
    """One provider-day's dynamic program over its slots in time order."""

    def __init__(self, scenario: Scenario, candidates: Sequence[Candidate]) -> None:
        slots: dict[tuple[str, int, int, int], _Slot] = {}
        where: dict[str, Candidate] = {}
        for c in candidates:
            location = location_of(scenario, c)
            where.setdefault(location, c)
            key = (location, c.window_group, c.start, c.end)
            slot = slots.get(key)
            if slot is None:
                slot = slots[key] = _Slot(location, c.window_group, c.start, c.end, [])
            slot.members.append(c.index)
        self.slots = sorted(slots.values(), key=lambda s: (s.start, s.end, s.location))
        # Every slot's candidates one after another, to take each slot's best at once.
        self.members = np.array([i for s in self.slots for i in s.members], dtype=np.int64)
        sizes = [len(s.members) for s in self.slots]
        self.offsets = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
        # Per (location, group): slot numbers by end, to find those that can come before.
        by_end: dict[tuple[str, int], list[int]] = defaultdict(list)
        for number, slot in enumerate(self.slots):
            by_end[(slot.location, slot.group)].append(number)
        for numbers in by_end.values():
            numbers.sort(key=lambda n: self.slots[n].end)
        self.keys = list(by_end)
        self.key_slots = [by_end[key] for key in self.keys]
        key_ends = [[self.slots[n].end for n in numbers] for numbers in self.key_slots]
        # For each slot: (key, how many of the key's slots end early enough to precede it).
        self.before: list[list[tuple[int, int]]] = []
        for slot in self.slots:
            row = []
            for key_number, (location, group) in enumerate(self.keys):
                if group != slot.group:
                    continue
                gap = gap_between(scenario, where[location], where[slot.location])
                count = bisect.bisect_right(key_ends[key_number], slot.start - gap)
                if count:
                    row.append((key_number, count))
            self.before.append(row)

    def best_plan(self, slot_value: Sequence[float]) -> tuple[float, list[int]]:
        """The most valuable chain of slots at these values, and its slots."""
        count = len(self.slots)
        best = [0.0] * count
        came_from = [-1] * count
        prefix: list[list[tuple[float, int]]] = [[] for _ in self.keys]
        done_group, group_top = None, (0.0, -1)  # best chain ending in an earlier window
        running = (0.0, -1)
        for number, slot in enumerate(self.slots):
            if slot.group != done_group:
                group_top, done_group = running, slot.group
            top = group_top
            for key_number, needed in self.before[number]:
                table = prefix[key_number]
                numbers = self.key_slots[key_number]
                while len(table) < needed:  # those slots start earlier: already computed
                    n = numbers[len(table)]
                    last = table[-1] if table else (0.0, -1)
                    table.append((best[n], n) if best[n] > last[0] else last)
                if table[needed - 1][0] > top[0]:
                    top = table[needed - 1]
            best[number] = slot_value[number] + top[0]
            came_from[number] = top[1]
            if best[number] > running[0]:
                running = (best[number], number)
        value, number = running
        chain = []
        while number >= 0:
            chain.append(number)
            number = came_from[number]
        return value, chain[::-1]


def day_plan_bound(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    weights: Sequence[int],
    start: Sequence[int],
    *,
    min_student_minutes: int | None = None,
    max_rounds: int | None = None,
    stop_at: float = math.inf,
) -> DayBound | None:
    """The best bound on sum(weights x chosen) that `max_rounds` rounds, or the rounds
    until `stop_at` (a `time.perf_counter()` value), prove, starting from the plan `start`
    (0/1 per candidate); `min_student_minutes`: only plans scheduling at least that many
    student-minutes. None if GLOP fails."""
    day_plans = DayPlans.start(scenario, candidates, weights, start, min_student_minutes)
    if day_plans is None:
        return None
    return day_plans.bound(max_rounds=max_rounds, stop_at=stop_at)


class DayPlans:
    """The master LP and the day programs, kept between rounds."""

    def __init__(self, master: _Master, programs: list[_Day], pricing: _Pricing) -> None:
        self.master = master
        self.programs = programs
        self.pricing = pricing

    @classmethod
    def start(
        cls,
        scenario: Scenario,
        candidates: Sequence[Candidate],
        weights: Sequence[int],
        start: Sequence[int],
        min_student_minutes: int | None,
    ) -> DayPlans | None:
        by_day: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in candidates:
            by_day[(c.provider, c.day)].append(c)
        days = sorted(by_day)
        master = _Master.empty(scenario, candidates, weights, days, min_student_minutes)
        if master is None:
            return None
        for number, key in enumerate(days):
            chosen = [c.index for c in by_day[key] if start[c.index]]
            if chosen:
                master.add_plan(number, chosen)
        programs = [_Day(scenario, by_day[key]) for key in days]
        return cls(master, programs, _Pricing(candidates, weights, master))

    def _solved(self) -> bool:
        """Solve the master; if GLOP gives up on its warm start (ABNORMAL, seen once in a
        few hundred rounds), once more on a master built anew with the same day plans."""
        optimal: int = pywraplp.Solver.OPTIMAL
        if self.master.solver.Solve() == optimal:
            return True
        rebuilt = self.master.rebuilt()
        if rebuilt is None:
            return False
        self.master = rebuilt
        return bool(rebuilt.solver.Solve() == optimal)

    def bound(self, *, max_rounds: int | None = None, stop_at: float = math.inf) -> DayBound | None:
        """Rounds until no day plan improves the master, `max_rounds`, or `stop_at`."""
        bound, rounds, converged = math.inf, 0, False
        center: _Prices | None = None  # the prices of the best bound so far
        while not converged:
            if not self._solved():
                break
            rounds += 1
            prices = self.master.prices()
            # Wentges smoothing: price between the best bound's prices and the master's,
            # which jump about; once that finds nothing, the master's own prices decide.
            tries = [prices] if center is None else [center.toward(prices, SMOOTHING), prices]
            for priced in tries:
                bound_now, plans = _price_days(self.programs, self.pricing, priced, prices)
                if bound_now < bound:
                    bound, center = bound_now, priced
                if plans:
                    break
            else:
                converged = True
            if converged or time.perf_counter() > stop_at or rounds == max_rounds:
                break
            for number, chosen in plans:
                self.master.add_plan(number, chosen)
        if not rounds:
            return None
        return DayBound(bound, rounds, converged)


def _price_days(
    programs: Sequence[_Day],
    pricing: _Pricing,
    priced: _Prices,
    master: _Prices,
) -> tuple[float, list[tuple[int, list[int]]]]:
    """The Lagrangian bound at prices `priced`, and the best day plan of each
    provider-day at those prices that improves the master (at its prices `master`)."""
    value = pricing.values(priced)
    master_value = value if priced is master else pricing.values(master)
    bound = priced.constant
    plans: list[tuple[int, list[int]]] = []
    for number, program in enumerate(programs):
        slot_best = np.maximum.reduceat(value[program.members], program.offsets)
        plan_value, chain = program.best_plan(slot_best.tolist())
        bound += max(0.0, plan_value)
        members = [program.slots[n].members for n in chain]
        chosen = [m[int(np.argmax(value[m]))] for m in members]
        if float(master_value[chosen].sum()) > master.day[number] + MIN_IMPROVEMENT:
            plans.append((number, chosen))
    return bound, plans


@dataclass(frozen=True)
class _Prices:
    student: np.ndarray  # per student: the weekly limit's price
    student_day: np.ndarray  # per (student, day) row, 0 where there is none
    day: list[float]  # per provider-day: its one-plan row
    day_minutes: np.ndarray  # per provider-day: the daily minutes limit's price
    floor: float  # per scheduled student-minute
    constant: float  # the prices times the limits

    def toward(self, other: _Prices, keep: float) -> _Prices:
        """`keep` of these prices and the rest of `other`'s."""
        move = 1 - keep
        return _Prices(
            keep * self.student + move * other.student,
            keep * self.student_day + move * other.student_day,
            other.day,
            keep * self.day_minutes + move * other.day_minutes,
            keep * self.floor + move * other.floor,
            keep * self.constant + move * other.constant,
        )


class _Master:
    """Choose a mix of day plans per provider-day under the students' limits."""

    @classmethod
    def empty(
        cls,
        scenario: Scenario,
        candidates: Sequence[Candidate],
        weights: Sequence[int],
        days: list[tuple[str, str]],
        min_student_minutes: int | None,
    ) -> _Master | None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            return None
        # Without presolve GLOP starts each round from the last basis (measured: a third
        # faster on `medium`).
        solver.SetSolverSpecificParametersAsString("use_preprocessing: false")
        return cls(solver, scenario, candidates, weights, days, min_student_minutes)

    def rebuilt(self) -> _Master | None:
        """A new master with the same day plans."""
        again = _Master.empty(
            self.scenario, self.candidates, self.weights, self.days, self.min_student_minutes
        )
        if again is None:
            return None
        for day, chosen in self.plans:
            again.add_plan(day, list(chosen))
        return again

    def __init__(
        self,
        solver: pywraplp.Solver,
        scenario: Scenario,
        candidates: Sequence[Candidate],
        weights: Sequence[int],
        days: list[tuple[str, str]],
        min_student_minutes: int | None,
    ) -> None:
        self.solver = solver
        self.scenario = scenario
        self.min_student_minutes = min_student_minutes
        self.candidates = candidates
        self.weights = weights
        self.days = days
        self.plans: list[tuple[int, tuple[int, ...]]] = []  # provider-day number, plan
        infinity = solver.infinity()
        self.student_ids = sorted({m for c in candidates for m in c.students})
        self.student_number = {s: n for n, s in enumerate(self.student_ids)}
        self.needed = np.array(
            [scenario.student_by_id[s].sessions_needed for s in self.student_ids], dtype=float
        )
        self.week = [solver.Constraint(-infinity, need) for need in self.needed]
        day_names = sorted({c.day for c in candidates})
        self.day_number = {d: n for n, d in enumerate(day_names)}
        self.day_count = len(day_names)
        # A student's one-session-a-day rows, made only when a day plan needs one (a
        # student twice in one plan, or in the plans of two providers the same day):
        # otherwise each plan keeps the rule itself, and GLOP solves a far smaller LP.
        self.student_day: dict[int, pywraplp.Constraint] = {}
        self.plans_with: dict[int, list[tuple[pywraplp.Variable, int]]] = defaultdict(list)
        self.days_with: dict[int, set[int]] = defaultdict(set)
        self.one_plan = [solver.Constraint(-infinity, 1) for _ in days]
        self.limits = np.zeros(len(days))
        self.minutes_rows: list[pywraplp.Constraint | None] = []
        for number, (provider_id, _day) in enumerate(days):
            limit = scenario.provider_by_id[provider_id].max_direct_minutes_per_day
            self.minutes_rows.append(None if limit is None else solver.Constraint(-infinity, limit))
            self.limits[number] = limit or 0
        self.floor_row = None
        if min_student_minutes is not None:
            self.floor_row = solver.Constraint(min_student_minutes, infinity)
            short = solver.NumVar(0, infinity, "")
            self.floor_row.SetCoefficient(short, 1)
            heaviest = max(
                (w / c.student_minutes for c, w in zip(candidates, weights, strict=True)),
                default=1,
            )
            solver.Objective().SetCoefficient(short, -FLOOR_PENALTY * max(heaviest, 1))
        solver.Objective().SetMaximization()

    def add_plan(self, day: int, chosen: list[int]) -> None:
        solver = self.solver
        self.plans.append((day, tuple(chosen)))
        var = solver.NumVar(0, 1, "")
        self.one_plan[day].SetCoefficient(var, 1)
        counts: dict[int, int] = defaultdict(int)
        for index in chosen:
            for member in self.candidates[index].students:
                counts[self.student_number[member]] += 1
        day_number = self.day_number[self.days[day][1]]
        for student, count in counts.items():
            self.week[student].SetCoefficient(var, count)
            student_day = student * self.day_count + day_number
            self.plans_with[student_day].append((var, count))
            self.days_with[student_day].add(day)
            row = self.student_day.get(student_day)
            if row is None and (count > 1 or len(self.days_with[student_day]) > 1):
                row = self.student_day[student_day] = solver.Constraint(-solver.infinity(), 1)
                for plan, plan_count in self.plans_with[student_day]:
                    row.SetCoefficient(plan, plan_count)
            elif row is not None:
                row.SetCoefficient(var, count)
        row = self.minutes_rows[day]
        if row is not None:
            row.SetCoefficient(var, sum(self.candidates[i].minutes for i in chosen))
        if self.floor_row is not None:
            self.floor_row.SetCoefficient(
                var, sum(self.candidates[i].student_minutes for i in chosen)
            )
        solver.Objective().SetCoefficient(var, sum(self.weights[i] for i in chosen))

    def prices(self) -> _Prices:
        """The master's duals, made nonnegative (any nonnegative prices give a bound)."""
        student = np.array([max(0.0, row.dual_value()) for row in self.week])
        student_day = np.zeros(len(self.student_ids) * self.day_count)
        for number, row in self.student_day.items():
            student_day[number] = max(0.0, row.dual_value())
        day_minutes = np.array(
            [0.0 if row is None else max(0.0, row.dual_value()) for row in self.minutes_rows]
        )
        floor = 0.0 if self.floor_row is None else max(0.0, -self.floor_row.dual_value())
        constant = (
            float(student @ self.needed)
            + float(student_day.sum())
            + float(day_minutes @ self.limits)
            - floor * (self.min_student_minutes or 0)
        )
        day = [max(0.0, row.dual_value()) for row in self.one_plan]
        return _Prices(student, student_day, day, day_minutes, floor, constant)


class _Pricing:
    """Each candidate's value at the master's prices, computed for all at once."""

    def __init__(
        self, candidates: Sequence[Candidate], weights: Sequence[int], master: _Master
    ) -> None:
        self.weights = np.array(weights, dtype=float)
        self.student_minutes = np.array([c.student_minutes for c in candidates], dtype=float)
        self.minutes = np.array([c.minutes for c in candidates], dtype=float)
        day_of = {key: n for n, key in enumerate(master.days)}
        self.day = np.array([day_of[(c.provider, c.day)] for c in candidates], dtype=np.int64)
        owner, student, student_day = [], [], []
        for c in candidates:
            for member in c.students:
                number = master.student_number[member]
                owner.append(c.index)
                student.append(number)
                student_day.append(number * master.day_count + master.day_number[c.day])
        self.owner = np.array(owner, dtype=np.int64)
        self.student = np.array(student, dtype=np.int64)
        self.student_day = np.array(student_day, dtype=np.int64)
        self.count = len(candidates)

    def values(self, prices: _Prices) -> np.ndarray:
        charged = prices.student[self.student] + prices.student_day[self.student_day]
        values: np.ndarray = (
            self.weights
            + prices.floor * self.student_minutes
            - prices.day_minutes[self.day] * self.minutes
            - np.bincount(self.owner, weights=charged, minlength=self.count)
        )
        return values
