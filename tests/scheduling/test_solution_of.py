"""Reading a stage's answer (ScheduleModel.solution_of): only from a solution of the
model. An answer that says FEASIBLE but holds no solution gave, read value by value, a
"plan" of every candidate (11 million broken rules, seen once on a loaded machine)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from pushin.scheduling.candidates import enumerate_candidates
from pushin.scheduling.generate import generate_scenario
from pushin.scheduling.model import ScheduleModel


@dataclass
class Response:
    solution: list[int] = field(default_factory=list)


@dataclass
class Answer:
    """What solution_of reads of a CpSolver."""

    response_proto: Response


def schedule() -> ScheduleModel:
    scenario = generate_scenario(students=6, schools=1, providers=1, seed=1)
    return ScheduleModel.build(scenario, enumerate_candidates(scenario))


def test_a_solved_model_gives_each_candidates_value() -> None:
    model = schedule()
    model.model.maximize(sum(model.x))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model.model) == cp_model.OPTIMAL
    values = model.solution_of(solver)
    assert values == [solver.value(x) for x in model.x]
    assert sum(values) > 0
    answer = model.answer_of(solver)  # every variable: the next stage's full hint
    assert answer is not None
    assert len(answer) == len(model.model.proto.variables)
    assert [answer[x.index] for x in model.x] == values


def test_an_answer_without_a_solution_gives_none() -> None:
    model = schedule()
    size = len(model.model.proto.variables)
    assert model.solution_of(Answer(Response([]))) is None  # type: ignore[arg-type]
    assert model.answer_of(Answer(Response([]))) is None  # type: ignore[arg-type]
    assert model.solution_of(Answer(Response([1] * (size - 1)))) is None  # type: ignore[arg-type]
    full = model.solution_of(Answer(Response([1] * size)))  # type: ignore[arg-type]
    assert full == [1] * len(model.x)
