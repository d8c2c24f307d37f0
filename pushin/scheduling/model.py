"""The CP-SAT formulation: one boolean per candidate session on the slot grid.

Conflicts are precomputed cliques (at-most-one constraints), which CP-SAT propagates far
better than interval variables at this size:
- a student has at most one session a day and at most the mandated number a week;
- a provider's sessions that cover a common slot exclude each other;
- inside one window, a session at location B starting at t excludes every session at
  location A (A != B) that ends during (t - gap(A, B), t];
- a provider's direct minutes a day stay under the limit.
Travel cost (objective level 6) is a small per-provider-day state machine over session
start times ("which school was I at last"), built only when that level is optimised.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .candidates import Candidate, CandidateBuilder
from .scenario import Scenario
from .timeutil import DAYS

LinearExpr = cp_model.LinearExprT


def location_of(scenario: Scenario, candidate: Candidate) -> str:
    """Where a session happens, as far as moving between sessions is concerned."""
    return candidate.classroom if scenario.room_change_minutes > 0 else candidate.school


def gap_between(scenario: Scenario, a: Candidate, b: Candidate) -> int:
    """Minutes the provider needs between a session at a's place and one at b's."""
    if a.school != b.school:
        return scenario.travel_minutes(a.school, b.school)
    if a.classroom != b.classroom:
        return scenario.room_change_minutes
    return 0


@dataclass
class ScheduleModel:
    scenario: Scenario
    candidates: Sequence[Candidate]
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: list[cp_model.IntVar] = field(default_factory=list)
    # The boolean behind each adjacent-day pair (level 7), for evaluating a hint.
    spread_pairs: list[tuple[cp_model.IntVar, list[int], list[int]]] = field(default_factory=list)
    # previous-plan session id -> candidate index (sessions that could stay unchanged)
    keepable: dict[str, int] = field(default_factory=dict)
    previous_count: int = 0
    fit_ceiling: int = 0  # no plan has more fit than this (each student's best days)
    # Auxiliary variables' values as functions of the candidates' values (complete hints).
    _aux: list[Callable[[Sequence[int]], dict[int, int]]] = field(default_factory=list)
    _travel: LinearExpr | None = None

    @classmethod
    def build(cls, scenario: Scenario, builder: CandidateBuilder) -> ScheduleModel:
        self = cls(scenario, builder.candidates)
        self.x = [self.model.new_bool_var(f"x{c.index}") for c in self.candidates]
        self._student_limits()
        self._provider_limits()
        previous = scenario.previous_plan
        if previous is not None:
            self.previous_count = len(previous.sessions)
            for session in previous.sessions:
                index = builder.index_of(session.signature)
                if index is not None:
                    self.keepable[session.id] = index
        return self

    def solution_of(self, solver: cp_model.CpSolver) -> list[int] | None:
        """Each candidate's value in the solver's last answer; None when the answer holds
        no solution of this model (see `answer_of`)."""
        answer = self.answer_of(solver)
        return None if answer is None else [answer[var.index] for var in self.x]

    def answer_of(self, solver: cp_model.CpSolver) -> list[int] | None:
        """Every variable's value in the solver's last answer, read once; None when the
        answer holds no solution of this model (none found, or one said FEASIBLE without
        it). Read value by value through `solver.value`, an answer without a solution gives
        whatever memory holds (seen once under load: a "plan" of every candidate)."""
        solution = solver.response_proto.solution
        if len(solution) != len(self.model.proto.variables):
            return None
        return [int(value) for value in solution]

    # --- constraints -------------------------------------------------------------------

    def _student_limits(self) -> None:
        per_day: dict[tuple[str, str], list[int]] = defaultdict(list)
        per_week: dict[str, list[int]] = defaultdict(list)
        for c in self.candidates:
            for member in c.students:
                per_day[(member, c.day)].append(c.index)
                per_week[member].append(c.index)
        for indices in per_day.values():
            if len(indices) > 1:
                self.model.add_at_most_one(self.x[i] for i in indices)
        for student_id, indices in per_week.items():
            student = self.scenario.student_by_id[student_id]
            needed = student.sessions_needed
            if len({self.candidates[i].day for i in indices}) > needed:
                self.model.add(sum(self.x[i] for i in indices) <= needed)

    def _provider_limits(self) -> None:
        by_provider_day: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            by_provider_day[(c.provider, c.day)].append(c)
        for (provider_id, _day), day_candidates in sorted(by_provider_day.items()):
            self._no_overlap(day_candidates)
            self._travel_gaps(day_candidates)
            limit = self.scenario.provider_by_id[provider_id].max_direct_minutes_per_day
            if limit is not None and sum(c.minutes for c in day_candidates) > limit:
                self.model.add(sum(c.minutes * self.x[c.index] for c in day_candidates) <= limit)

    def _covering(self, day_candidates: Sequence[Candidate]) -> dict[int, list[int]]:
        """slot time -> candidates running during that slot."""
        slot = self.scenario.slot_minutes
        covering: dict[int, list[int]] = defaultdict(list)
        for c in day_candidates:
            for t in range(c.start, c.end, slot):
                covering[t].append(c.index)
        return covering

    def _no_overlap(self, day_candidates: Sequence[Candidate]) -> None:
        # Two sessions overlap exactly when one covers the other's start, so one clique
        # per distinct start time is enough.
        covering = self._covering(day_candidates)
        for t in sorted({c.start for c in day_candidates}):
            if len(covering[t]) > 1:
                self.model.add_at_most_one(self.x[i] for i in covering[t])

    def _travel_gaps(self, day_candidates: Sequence[Candidate]) -> None:
        """Inside a window, a session ending at A at e and one starting at B at t need
        t - e >= gap(A, B). One boolean per (location, start) and (location, end), each
        the sum of its candidates (at most one, as they overlap), makes every such
        conflict a two-literal clause instead of a large clique.
        """
        by_group: dict[int, list[Candidate]] = defaultdict(list)
        for c in day_candidates:
            by_group[c.window_group].append(c)
        for group in by_group.values():
            by_location: dict[str, list[Candidate]] = defaultdict(list)
            for c in group:
                by_location[location_of(self.scenario, c)].append(c)
            if len(by_location) < 2:
                continue
            starts = {loc: self._indicators(cands, "start") for loc, cands in by_location.items()}
            ends = {loc: self._indicators(cands, "end") for loc, cands in by_location.items()}
            for loc_b, cands_b in by_location.items():
                for loc_a, cands_a in by_location.items():
                    gap = gap_between(self.scenario, cands_a[0], cands_b[0])
                    if loc_a == loc_b or gap <= 0:
                        continue
                    for t, starting in starts[loc_b].items():
                        for e, ending in ends[loc_a].items():
                            if t - gap < e <= t:
                                self.model.add_bool_or([starting.Not(), ending.Not()])

    def _indicators(
        self, candidates: Sequence[Candidate], which: str
    ) -> dict[int, cp_model.IntVar]:
        """time -> a boolean equal to "one of these candidates starts (ends) then"."""
        grouped: dict[int, list[int]] = defaultdict(list)
        for c in candidates:
            grouped[c.start if which == "start" else c.end].append(c.index)
        result = {}
        for time, indices in grouped.items():
            if len(indices) == 1:
                result[time] = self.x[indices[0]]
                continue
            indicator = self.model.new_bool_var("")
            self.model.add(sum(self.x[i] for i in indices) == indicator)
            self._define(indicator, [(i, 1) for i in indices])
            result[time] = indicator
        return result

    def _define(
        self, var: cp_model.IntVar, terms: Sequence[tuple[int, int]], constant: int = 0
    ) -> None:
        """Record var == constant + sum(coef * x[i]) for hint completion."""
        index = var.index
        pairs = list(terms)
        self._aux.append(lambda v: {index: constant + sum(c * v[i] for i, c in pairs)})

    def complete_hint(self, values: Sequence[int]) -> dict[int, int]:
        """Every variable's value for the plan given by the candidates' `values`."""
        result = {var.index: value for var, value in zip(self.x, values, strict=True)}
        for compute in self._aux:
            result.update(compute(values))
        return result

    def pin(self, indices: Sequence[int]) -> None:
        for index in indices:
            self.model.add(self.x[index] == 1)

    # --- objective levels --------------------------------------------------------------

    def _weighted(self, weights: Sequence[int]) -> LinearExpr:
        pairs = [(self.x[i], w) for i, w in enumerate(weights) if w]
        return cp_model.LinearExpr.weighted_sum([v for v, _ in pairs], [w for _, w in pairs])

    def shortfall_minutes(self) -> LinearExpr:
        """Sum of per-student shortfall variables in [0, mandate]: their domains alone
        give CP-SAT the bound 0, so a plan that serves everyone is proven at once."""
        terms: dict[str, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for c in self.candidates:
            for member in c.students:
                terms[member].append((self.x[c.index], c.minutes))
        total: list[LinearExpr] = []
        fixed = 0
        for student in self.scenario.students:
            if not terms[student.id]:
                fixed += student.minutes_per_week
                continue
            short = self.model.new_int_var(0, student.minutes_per_week, "")
            pairs = terms[student.id]
            self.model.add(
                short
                == student.minutes_per_week
                - cp_model.LinearExpr.weighted_sum([v for v, _ in pairs], [m for _, m in pairs])
            )
            self._define(short, [(v.index, -m) for v, m in pairs], student.minutes_per_week)
            total.append(short)
        return fixed + cp_model.LinearExpr.sum(total)

    def fit_per_student(self) -> LinearExpr:
        """Sum of per-student fit variables bounded by the student's best possible fit."""
        terms: dict[str, list[tuple[cp_model.IntVar, int]]] = defaultdict(list)
        for c in self.candidates:
            for member, fit in zip(c.students, c.member_fit, strict=True):
                if fit:
                    terms[member].append((self.x[c.index], fit))
        total: list[LinearExpr] = []
        for student_id, pairs in terms.items():
            needed = self.scenario.student_by_id[student_id].sessions_needed
            best = sorted((f for _, f in pairs), reverse=True)
            per_day_best: dict[str, int] = {}
            for c_var, fit in pairs:
                day = self.candidates[c_var.index].day if c_var.index < len(self.x) else ""
                per_day_best[day] = max(per_day_best.get(day, 0), fit)
            ceiling = sum(sorted(per_day_best.values(), reverse=True)[:needed]) if best else 0
            self.fit_ceiling += ceiling
            fit_var = self.model.new_int_var(0, ceiling, "")
            self.model.add(
                fit_var
                == cp_model.LinearExpr.weighted_sum([v for v, _ in pairs], [f for _, f in pairs])
            )
            self._define(fit_var, [(v.index, f) for v, f in pairs])
            total.append(fit_var)
        return cp_model.LinearExpr.sum(total)

    def scheduled_minutes(self) -> LinearExpr:
        return self._weighted([c.student_minutes for c in self.candidates])

    def moved_sessions(self) -> LinearExpr:
        kept = [self.x[i] for i in self.keepable.values()]
        return self.previous_count - cp_model.LinearExpr.sum(kept)

    def fit_scaled(self) -> LinearExpr:
        return self._weighted([c.fit_scaled for c in self.candidates])

    def preferences(self) -> LinearExpr:
        return self._weighted([c.preference for c in self.candidates])

    def session_count(self) -> LinearExpr:
        return cp_model.LinearExpr.sum(self.x)

    def spread_penalty(self) -> LinearExpr:
        """Pairs of a student's sessions on adjacent days."""
        used: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for c in self.candidates:
            for student in c.students:
                used[student][c.day].append(c.index)
        terms = []
        for student_id, by_day in used.items():
            if self.scenario.student_by_id[student_id].sessions_needed < 2:
                continue
            for day, next_day in itertools.pairwise(DAYS):
                if by_day.get(day) and by_day.get(next_day):
                    both = self.model.new_bool_var("")
                    self.model.add(
                        sum(self.x[i] for i in by_day[day])
                        + sum(self.x[i] for i in by_day[next_day])
                        <= 1 + both
                    )
                    terms.append(both)
                    self._aux.append(_both_days(both.index, by_day[day], by_day[next_day]))
                    self.spread_pairs.append((both, by_day[day], by_day[next_day]))
        return cp_model.LinearExpr.sum(terms)

    def travel_minutes(self) -> LinearExpr:
        if self._travel is None:
            self._travel = self._build_travel()
        return self._travel

    def _build_travel(self) -> LinearExpr:
        """Per provider and day: last[s][k] = the latest session started by event k is at
        school s; a session at s' starting at event k after last[s][k-1] costs the drive.
        """
        by_provider_day: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            by_provider_day[(c.provider, c.day)].append(c)
        terms: list[LinearExpr] = []
        for day_candidates in by_provider_day.values():
            schools = sorted({c.school for c in day_candidates})
            if len(schools) < 2:
                continue
            starting: dict[tuple[str, int], list[int]] = defaultdict(list)
            for c in day_candidates:
                starting[(c.school, c.start)].append(c.index)
            previous: dict[str, cp_model.IntVar] = {}
            # (time, last vars by school, [(moved var, from school, to school)])
            events: list[tuple[int, dict[str, int], list[tuple[int, str, str]]]] = []
            for t in sorted({c.start for c in day_candidates}):
                starts = {s: sum(self.x[i] for i in starting.get((s, t), [])) for s in schools}
                any_start = sum(starts.values())
                last = {s: self.model.new_bool_var("") for s in schools}
                self.model.add(sum(last.values()) <= 1)
                for s in schools:
                    if starting.get((s, t)):
                        self.model.add(last[s] >= starts[s])
                    if s in previous:
                        self.model.add(last[s] >= previous[s] - any_start)
                moves: list[tuple[int, str, str]] = []
                for s_to in schools:
                    if not starting.get((s_to, t)):
                        continue
                    for s_from, was_there in previous.items():
                        minutes = self.scenario.travel_minutes(s_from, s_to)
                        if s_from == s_to or minutes == 0:
                            continue
                        moved = self.model.new_bool_var("")
                        self.model.add(moved >= was_there + starts[s_to] - 1)
                        terms.append(minutes * moved)
                        moves.append((moved.index, s_from, s_to))
                events.append((t, {s: v.index for s, v in last.items()}, moves))
                previous = last
            self._aux.append(_travel_states(events, dict(starting)))
        return sum(terms)


def _travel_states(
    events: list[tuple[int, dict[str, int], list[tuple[int, str, str]]]],
    starting: dict[tuple[str, int], list[int]],
) -> Callable[[Sequence[int]], dict[int, int]]:
    """The smallest values of one provider-day's travel variables for a plan."""

    def compute(values: Sequence[int]) -> dict[int, int]:
        result: dict[int, int] = {}
        where: str | None = None
        for t, last, moves in events:
            here = [s for s in last if any(values[i] for i in starting.get((s, t), []))]
            for moved, s_from, s_to in moves:
                result[moved] = int(where == s_from and s_to in here)
            if here:
                where = here[0]
            for s, var in last.items():
                result[var] = int(s == where)
        return result

    return compute


def _both_days(
    var: int, first: Sequence[int], second: Sequence[int]
) -> Callable[[Sequence[int]], dict[int, int]]:
    def compute(values: Sequence[int]) -> dict[int, int]:
        return {var: int(any(values[i] for i in first) and any(values[i] for i in second))}

    return compute
