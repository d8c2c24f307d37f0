"""The LP relaxation of the shortfall level (GLOP): a proven bound and a packing order.

The LP is read from the CP-SAT model itself (before any objective level is added), so it
relaxes exactly the constraints CP-SAT sees: each boolean becomes a value in [0, 1],
`at_most_one` a sum <= 1, a clause a sum >= 1. Maximising scheduled student-minutes gives
an upper bound on what any plan can schedule, i.e. a lower bound on shortfall minutes
that CP-SAT's own search often does not reach in time. The fractional solution also says
which candidates a good plan uses: packing candidates by (LP value x student-minutes)
gives a far better starting plan than packing the densest candidates first.

GLOP is deterministic (simplex, no time limit), so the bound and the order do not depend
on machine load.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from .candidates import Candidate
from .model import ScheduleModel
from .packing import Packer


@dataclass(frozen=True)
class Relaxation:
    shortfall_bound: int  # no plan has less shortfall (minutes)
    values: list[float]  # LP value of each candidate
    dive: list[int]  # candidates fixed by LP diving (a valid partial plan, in order)


def relax_shortfall(
    schedule: ScheduleModel,
    mandated: int,
    packer: Packer,
    rounds: int = 10,
    stop_at: float = math.inf,
) -> Relaxation | None:
    """Solve the LP relaxation of "most scheduled minutes"; None if GLOP fails.

    Then dive: fix the candidates with the largest LP value x student-minutes that still
    fit `packer` (a partial plan, pins and kept sessions already in it) to 1, re-solve
    (GLOP warm-starts after bound changes) and repeat for `rounds` rounds.
    `stop_at` (a `time.perf_counter()` value) is a wall-clock safety net for overloaded
    machines: no new round starts after it."""
    built = _lp_of(schedule)
    if built is None:
        return None
    solver, variables = built
    objective = solver.Objective()
    for candidate in schedule.candidates:
        objective.SetCoefficient(
            variables[schedule.x[candidate.index].index], candidate.student_minutes
        )
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    most = math.floor(objective.Value() + 1e-6)
    x = [variables[var.index] for var in schedule.x]
    values = [v.solution_value() for v in x]
    first = list(values)
    candidates = schedule.candidates
    for index in packer.chosen:
        x[index].SetLb(1)
    dive: list[int] = []
    for _ in range(rounds):
        if time.perf_counter() > stop_at:
            break
        order = lp_order(candidates, values)
        per_round = max(1, len(schedule.scenario.students) // (2 * rounds))
        added = 0
        for c in order:
            if values[c.index] < 0.05 or added >= per_round:
                break
            if c.index in packer.chosen_set or not packer.try_add(c):
                continue
            x[c.index].SetLb(1)
            dive.append(c.index)
            added += 1
        if not added or solver.Solve() != pywraplp.Solver.OPTIMAL:
            break
        values = [v.solution_value() for v in x]
    return Relaxation(max(0, mandated - most), first, dive)


def _lp_of(
    schedule: ScheduleModel,
) -> tuple[pywraplp.Solver, list[pywraplp.Variable]] | None:
    """GLOP's relaxation of the CP-SAT model as it is now (every constraint added so far,
    stage fixings included; constraints with enforcement literals are dropped)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    proto = schedule.model.proto
    infinity = solver.infinity()
    variables = []
    for var in proto.variables:
        domain = list(var.domain)
        variables.append(solver.NumVar(domain[0], domain[-1], ""))
    for ct in proto.constraints:
        if len(ct.enforcement_literal):
            continue  # a relaxation may drop constraints
        if ct.has_at_most_one():
            row = solver.Constraint(-infinity, 1)
            _add_literals(row, variables, ct.at_most_one.literals)
        elif ct.has_bool_or():
            negated = sum(1 for literal in ct.bool_or.literals if literal < 0)
            row = solver.Constraint(1 - negated, infinity)
            _add_literals(row, variables, ct.bool_or.literals)
        elif ct.has_linear():
            domain = list(ct.linear.domain)
            low = domain[0] if domain[0] > -(2**62) else -infinity
            high = domain[-1] if domain[-1] < 2**62 else infinity
            row = solver.Constraint(low, high)
            for var, coeff in zip(ct.linear.vars, ct.linear.coeffs, strict=True):
                row.SetCoefficient(variables[var], coeff)
    return solver, variables


def relax_level(
    schedule: ScheduleModel, weights: Sequence[int], maximize: bool
) -> tuple[float, list[float]] | None:
    """The LP bound of "weights x candidates" (a proven bound on the level: no plan of the
    model as it is now does better) and each candidate's LP value; None if GLOP fails."""
    built = _lp_of(schedule)
    if built is None:
        return None
    solver, variables = built
    objective = solver.Objective()
    for candidate, weight in zip(schedule.candidates, weights, strict=True):
        if weight:
            objective.SetCoefficient(variables[schedule.x[candidate.index].index], weight)
    if maximize:
        objective.SetMaximization()
    else:
        objective.SetMinimization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return objective.Value(), [variables[var.index].solution_value() for var in schedule.x]


def _add_literals(
    row: pywraplp.Constraint, variables: Sequence[pywraplp.Variable], literals: Sequence[int]
) -> None:
    for literal in literals:
        if literal >= 0:
            row.SetCoefficient(variables[literal], 1)
        else:
            row.SetCoefficient(variables[-literal - 1], -1)


def lp_order(candidates: Sequence[Candidate], values: Sequence[float]) -> list[Candidate]:
    """Candidates by LP value x student-minutes, then densest first (ties: index)."""
    return sorted(
        candidates,
        key=lambda c: (
            -round(values[c.index] * c.student_minutes, 6),
            -c.student_minutes,
            -c.fit_scaled,
            c.index,
        ),
    )
