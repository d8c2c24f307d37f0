"""Anytime solving: the best plan so far while `solve()` runs, and a plan to start from.

`solve(..., anytime=Anytime(on_progress=..., start_from=...))`:

- `on_progress(Progress)` is called with the best plan so far (as candidates) and the
  values and proven bounds of the objective levels: once the starting plan is built, from
  CP-SAT's solution callback when a stage improves on its incumbent (at most every
  `min_interval` seconds per stage), and after each stage. It runs on a solver thread:
  it must be quick (copy, hand over, return). `progress_plan` makes a pushin-plan/1 `Plan`
  of it (sessions, shortfalls with reasons, stats), which takes longer: do that elsewhere.
- `start_from`: the sessions of an earlier plan of the same scenario ("keep improving"):
  they become the starting plan when they schedule at least as many minutes as the
  engine's own start. Sessions no longer possible are left out.

Observing does not change the search: the callback only reads solutions, so a run with
and without `on_progress` returns the same plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .candidates import Candidate, CandidateBuilder
from .packing import Packer
from .plan import Plan, PlannedSession
from .scenario import Scenario


@dataclass(frozen=True)
class Progress:
    """The best plan so far and what is proven.

    `stage_values`: each objective level settled so far, and the one being searched, ->
    [value, best proven bound] in the level's reported unit (as `Stats.extra`'s
    `stage_values`); `level`: the level being searched ("start" before the first stage).
    """

    level: str
    chosen: tuple[Candidate, ...]
    stage_values: Mapping[str, tuple[float, float]]
    seconds: float


@dataclass(frozen=True)
class Anytime:
    on_progress: Callable[[Progress], None] | None = None
    start_from: Sequence[PlannedSession] = ()
    min_interval: float = 0.25


@dataclass
class Watch:
    """What `solve()` holds while it runs: reports progress and gives stage callbacks."""

    anytime: Anytime
    candidates: Sequence[Candidate]
    x_indices: Sequence[int]
    started: float = field(default_factory=time.perf_counter)

    def settled(
        self, level: str, values: Sequence[int], stage_values: Mapping[str, Sequence[float]]
    ) -> None:
        """The plan after a stage (or the starting plan) and every level's figures."""
        if self.anytime.on_progress is None:
            return
        chosen = tuple(c for c, v in zip(self.candidates, values, strict=True) if v)
        figures = {name: (pair[0], pair[1]) for name, pair in stage_values.items()}
        self.anytime.on_progress(
            Progress(level, chosen, figures, time.perf_counter() - self.started)
        )

    def stage(
        self,
        level: str,
        sign: int,
        scale: float,
        incumbent: float,
        target: float | None,
        stage_values: Mapping[str, Sequence[float]],
    ) -> cp_model.CpSolverSolutionCallback | None:
        """A solution callback for one stage (None when nobody listens)."""
        if self.anytime.on_progress is None:
            return None
        return _StageCallback(self, level, sign, scale, incumbent, target, dict(stage_values))


class _StageCallback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        watch: Watch,
        level: str,
        sign: int,
        scale: float,
        incumbent: float,
        target: float | None,
        settled: dict[str, Sequence[float]],
    ) -> None:
        super().__init__()
        self.watch = watch
        self.level = level
        self.sign = sign
        self.scale = scale
        self.incumbent = incumbent
        self.target = target
        self.settled = settled
        self.last = -float("inf")

    def on_solution_callback(self) -> None:
        objective = self.objective_value
        if objective > self.incumbent:  # not better than the plan the stage began with
            return
        now = time.perf_counter()
        if now - self.last < self.watch.anytime.min_interval:
            return
        self.last = now
        bound = self.best_objective_bound
        if self.target is not None:
            bound = max(bound, self.sign * self.target)
        solution = self.response_proto.solution
        values = [solution[i] for i in self.watch.x_indices]
        figures = {
            **self.settled,
            self.level: [self.sign * objective / self.scale, self.sign * bound / self.scale],
        }
        self.watch.settled(self.level, values, figures)


@dataclass
class Parts:
    """Progress of a scenario planned in independent parts (solve.py's `_solve_parts`):
    the parts planned, then the best so far of the one being planned; the parts still to
    come have no sessions yet."""

    anytime: Anytime
    scenario: Scenario
    started: float = field(default_factory=time.perf_counter)
    chosen: list[Candidate] = field(default_factory=list)
    figures: list[Mapping[str, Sequence[float]]] = field(default_factory=list)

    def part(self, providers: Sequence[str], *, pending: Sequence[Sequence[str]]) -> Anytime:
        """The `Anytime` of the part of `providers`, with the `pending` parts after it."""
        start = tuple(s for s in self.anytime.start_from if s.provider in providers)
        if self.anytime.on_progress is None:
            return Anytime(start_from=start, min_interval=self.anytime.min_interval)
        later = {provider for part in pending for provider in part}
        waiting = sum(s.minutes_per_week for s in self.scenario.students if s.provider in later)
        on_progress = self.anytime.on_progress

        def report(progress: Progress) -> None:
            figures = _added([*self.figures, progress.stage_values], waiting)
            seconds = time.perf_counter() - self.started
            chosen = (*self.chosen, *progress.chosen)
            on_progress(Progress(progress.level, chosen, figures, seconds))

        return Anytime(report, start, self.anytime.min_interval)

    def done(self, chosen: Sequence[Candidate], figures: Mapping[str, Sequence[float]]) -> None:
        self.chosen.extend(chosen)
        self.figures.append(figures)


def _added(
    parts: Sequence[Mapping[str, Sequence[float]]], waiting: int
) -> dict[str, tuple[float, float]]:
    """Each level every part has reached, its values and bounds added up. While parts
    with `waiting` mandated minutes are still to be planned, only the shortfall is known:
    theirs counts in full, with a bound of 0."""
    figures = {}
    for name in parts[-1]:
        if any(name not in part for part in parts) or (waiting and name != "shortfall"):
            continue
        value = sum(part[name][0] for part in parts) + (waiting if name == "shortfall" else 0)
        figures[name] = (value, sum(part[name][1] for part in parts))
    return figures


def parts(anytime: Anytime | None, scenario: Scenario) -> Parts | None:
    return None if anytime is None else Parts(anytime, scenario)


def watch(
    anytime: Anytime | None, candidates: Sequence[Candidate], x_indices: Sequence[int]
) -> Watch | None:
    return None if anytime is None else Watch(anytime, candidates, list(x_indices))


def start_from(
    anytime: Anytime | None,
    scenario: Scenario,
    builder: CandidateBuilder,
    pinned: Sequence[Candidate],
    values: Sequence[int],
) -> list[int]:
    """`values`, or the earlier plan's sessions (completed from `values`) when they
    schedule at least as many minutes."""
    values = list(values)
    if anytime is None or not anytime.start_from:
        return values
    candidates = builder.candidates
    packer = Packer(scenario, candidates)
    for candidate in pinned:
        packer.add(candidate)
    for session in anytime.start_from:
        index = builder.index_of(session.signature)
        if index is not None and index not in packer.chosen_set:
            packer.try_add(candidates[index])
    packer.try_add_all(c for c, v in zip(candidates, values, strict=True) if v)
    hinted = [1 if c.index in packer.chosen_set else 0 for c in candidates]

    def minutes(chosen: Sequence[int]) -> int:
        return sum(c.student_minutes for c, v in zip(candidates, chosen, strict=True) if v)

    return hinted if minutes(hinted) >= minutes(values) else values


def progress_plan(scenario: Scenario, progress: Progress) -> Plan:
    """The best plan so far as a `feasible` plan, its bound that of the level searched
    (or the first level not yet proven)."""
    from .solve import build_plan, sessions_from_candidates

    unproven = next(
        ((name, pair[1]) for name, pair in progress.stage_values.items() if pair[0] != pair[1]),
        None,
    )
    return build_plan(
        scenario,
        sessions_from_candidates(scenario, progress.chosen),
        status="feasible",
        seconds=progress.seconds,
        unproven=unproven,
        extra={
            "stage_values": {k: list(v) for k, v in progress.stage_values.items()},
            "searching": progress.level,
        },
    )
