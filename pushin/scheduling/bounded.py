"""A whole solve, bounded: size checked before, memory and wall clock limited during.

CP-SAT's time limit bounds the search only. Enumerating candidates and building the model
grow with the caseload (group candidates with the number of classmates who can share a
session), so a large enough scenario can take gigabytes and minutes before the search
begins. Two guards, used by the web app's worker and by the command line:

- `check_size` estimates the number of candidates from the students' possible places
  (linear time, nothing enumerated) and refuses a scenario above `SizeLimits`, with the
  numbers, before anything is queued or solved;
- `solve_bounded` runs the solve in a child process (forked from a server that holds the
  engine and nothing else, so the worker's memory, threads and connections are not
  inherited: `solver_processes`) with an address-space limit and a wall-clock deadline. A run
  past either ends as `SolveTooLarge` / `SolveOutOfTime` and the caller goes on; a caller
  can also stop it (`should_stop`), e.g. when the provider cancels the run, follow the
  best plan so far (`on_progress`, at most every `progress_seconds`) and start from an
  earlier plan (`start_from`, "keep improving"; see anytime.py).

Limits (documented in docs/solver-limits.md): by default 1,500 students and 300,000
candidate sessions per run, 4 GiB of address space and the time limit plus a margin.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import select
import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from typing import Any

from .jsonread import ScenarioError, ScenarioIssue
from .scenario import Scenario

MAX_STUDENTS = 1_500
MAX_CANDIDATES = 300_000
MEMORY_MB = 4_096
# A SystemError counts as out of memory when the address space is this close to the cap.
NEAR_THE_CAP = 0.9
# Past the time limit, the child may still explain shortfalls and return its plan.
WALL_MARGIN_SECONDS = 60.0
WALL_FACTOR = 1.5


@dataclass(frozen=True)
class SizeLimits:
    students: int = MAX_STUDENTS
    candidates: int = MAX_CANDIDATES


@dataclass(frozen=True)
class SizeEstimate:
    students: int
    candidates: int


class SolveError(Exception):
    """The solve did not finish with a plan; the message is for the person who asked."""


class TooLarge(SolveError):
    """Refused or stopped because the scenario is too large."""


class OutOfTime(SolveError):
    """The child ran past its wall-clock deadline and was stopped."""


class Cancelled(SolveError):
    """Stopped because the caller asked (the provider cancelled the run)."""


def estimate_size(scenario: Scenario) -> SizeEstimate:
    """An upper bound on the candidates `enumerate_candidates` would build: each
    student's own places, plus, for each place several group-compatible students share,
    every group of 2 up to the largest group size allowed there."""
    from .candidates import group_key, student_slots

    singles = 0
    sharing: dict[tuple[tuple[str, str, str, int], str, int], int] = defaultdict(int)
    largest: dict[tuple[str, str, str, int], int] = defaultdict(int)
    for student in scenario.students:
        if student.minutes_per_week == 0 or not student.goals:
            continue
        slots = student_slots(scenario, student)
        singles += len(slots)
        if student.grouping == "group_ok":
            key = group_key(student)
            largest[key] = max(largest[key], student.max_group)
            for slot in slots:
                sharing[(key, slot.block.id, slot.start)] += 1
    groups = 0
    for (key, _block, _start), count in sharing.items():
        for size in range(2, min(largest[key], count) + 1):
            groups += math.comb(count, size)
    return SizeEstimate(students=len(scenario.students), candidates=singles + groups)


def check_size(scenario: Scenario, limits: SizeLimits = SizeLimits()) -> SizeEstimate:
    """The estimate, or TooLarge with the numbers and the limits."""
    if len(scenario.students) > limits.students:
        raise TooLarge(
            f"{len(scenario.students):,} students in one run; the limit is "
            f"{limits.students:,}. Plan fewer providers at once."
        )
    estimate = estimate_size(scenario)
    if estimate.candidates > limits.candidates:
        raise TooLarge(
            f"{estimate.students:,} students could be seen in about "
            f"{estimate.candidates:,} different sessions; the limit is "
            f"{limits.candidates:,}. Plan fewer providers at once, or split the caseload."
        )
    return estimate


# What the fork server loads once, so that a solve's process starts with it loaded.
ENGINE_MODULES = [
    "pushin.scheduling.anytime",
    "pushin.scheduling.bounded",
    "pushin.scheduling.district",
    "pushin.scheduling.solve",
]


def solver_processes() -> ForkServerContext | SpawnContext:
    """Where solves' processes come from. A spawned process starts Python and imports
    OR-Tools before every solve (0.7 s on a 2-core machine, more than a small re-plan's
    search); a fork server does that once per worker, then forks a process per solve from
    itself: single-threaded, with the engine loaded and nothing of the worker's (its
    threads, database connections, memory). It exits when the worker does. Spawned where
    there is no fork server (Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(ENGINE_MODULES)  # no effect once the server runs
    return context


def _die_with_worker(worker_pid: int) -> None:
    """Linux: end this process as soon as the worker that asked for the solve dies
    (killed, out of memory). Otherwise the orphan would solve on, holding its memory, with
    nobody left to read its answer. Its parent is the fork server, which outlives the
    worker while a process it forked runs, so the kernel's parent-death signal cannot
    say it: a thread waits on the worker's pidfd instead. It runs as soon as the solve
    lets go of the interpreter, which CP-SAT's search does (a thread ticking every 0.1 s
    beside a 6 s solve of `small` never waited more than 0.15 s). Best effort where there
    is no pidfd."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return
    try:
        worker = pidfd_open(worker_pid)
    except ProcessLookupError:  # the worker died before the solve began
        os._exit(1)
    except OSError:  # a kernel before 5.3
        return

    def exit_when_the_worker_ends() -> None:
        select.select([worker], [], [])  # readable once the worker has exited
        os._exit(1)

    threading.Thread(target=exit_when_the_worker_ends, name="worker-watch", daemon=True).start()


OUT_OF_MEMORY_EXIT = 75  # the child ran out of memory even to say so


def _out_of_memory(error: Exception, cap_bytes: int | None = None) -> bool:
    """The solve hit the memory cap: a MemoryError, or, as often, a solver thread whose
    stack could not be mapped under the cap (EAGAIN when it starts), or C code that failed
    to allocate without saying so ("error return without exception set", seen once
    building candidates) while the process's address space is near the cap."""
    if isinstance(error, MemoryError):
        return True
    text = str(error)
    if isinstance(error, SystemError) and cap_bytes is not None:
        return _address_space() >= NEAR_THE_CAP * cap_bytes
    return isinstance(error, RuntimeError) and (
        "Resource temporarily unavailable" in text or "can't start new thread" in text
    )


def _address_space() -> int:
    """This process's virtual memory in bytes (what RLIMIT_AS caps); 0 where /proc has
    no answer."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(
    conn: Connection,
    scenario_data: dict[str, Any],
    time_limit: float,
    workers: int,
    seed: int,
    memory_mb: int,
    worker_pid: int,
    progress_seconds: float | None = None,
    start_from: dict[str, Any] | None = None,
) -> None:
    """The solve, in its own process: the answer goes back through `conn`, and with
    `progress_seconds` the best plan so far, at most that often. It is sent from the
    engine's report itself (CP-SAT's solution callback, or between stages), where the
    best plan is known, not from a thread polling for it. A report
    within `progress_seconds` of the last one sent is dropped (the next one, the end of
    the stage or the final plan say more)."""
    _die_with_worker(worker_pid)
    import resource

    # The solver's libraries are loaded first: the limit is for the work, not the code.
    from .anytime import Anytime, Progress, progress_plan
    from .district import needs_district, plan_district, plan_seconds
    from .plan import plan_from_dict, plan_to_dict
    from .scenario import parse_scenario
    from .solve import solve

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    last_sent = [-math.inf]

    def send_progress(progress: Progress) -> None:
        assert progress_seconds is not None
        now = time.monotonic()
        if now - last_sent[0] < progress_seconds:
            return
        last_sent[0] = now
        conn.send(("progress", plan_to_dict(progress_plan(scenario, progress))))

    try:
        try:
            scenario = parse_scenario(scenario_data)
            anytime = None
            if progress_seconds is not None or start_from is not None:
                anytime = Anytime(
                    on_progress=None if progress_seconds is None else send_progress,
                    start_from=plan_from_dict(start_from).sessions if start_from else (),
                )
            if needs_district(scenario):
                # A child on several caseloads: a district plan (district.py), each provider
                # with the whole time limit, one after another (a daemonic process starts
                # no pool); the best-so-far progress comes at the end only.
                plan = plan_district(
                    scenario, time_limit=time_limit, workers=workers, seed=seed
                ).plan
            else:  # providers sharing no child: the limit for each, one after another
                total = plan_seconds(scenario_data, time_limit)
                plan = solve(
                    scenario, time_limit=total, workers=workers, seed=seed, anytime=anytime
                )
            conn.send(("plan", plan_to_dict(plan)))
        except ScenarioError as error:
            conn.send(("scenario", [(issue.path, issue.message) for issue in error.errors]))
        except Exception as error:  # the parent reports it; the traceback is for the log
            if _out_of_memory(error, limit):
                # The exit code says it, with nothing allocated: under the cap, with the
                # model still held by the traceback, malloc can spin for good (seen: one
                # run in three hung until its deadline building an answer or an exception).
                os._exit(OUT_OF_MEMORY_EXIT)
            conn.send(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
    except MemoryError:
        os._exit(OUT_OF_MEMORY_EXIT)  # out of memory even to report another error
    finally:
        conn.close()


def solve_bounded(
    scenario_data: dict[str, Any],
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    memory_mb: int = MEMORY_MB,
    wall_seconds: float | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    poll_seconds: float = 0.5,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    progress_seconds: float = 1.0,
    start_from: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Solve in a child process; returns the pushin-plan/1 dict. Raises TooLarge (out of
    memory), OutOfTime (past the deadline), Cancelled (`should_stop()` said so),
    ScenarioError (the engine refused the input, e.g. a pin it cannot keep) or SolveError
    (anything else the child reported or died of). `on_progress` gets the best plan so
    far (a `feasible` pushin-plan/1 dict) at most every `progress_seconds`; `start_from`,
    a plan of the same scenario to start from. `time_limit` is each provider's: a scenario
    of several takes up to `plan_seconds` (district.py)."""
    from .district import plan_seconds

    wall = (
        wall_seconds if wall_seconds is not None else time_limit * WALL_FACTOR + WALL_MARGIN_SECONDS
    )
    # Several providers get the whole time limit each, one after another: the deadline
    # grows with them (one keeps the deadline given).
    seconds = plan_seconds(scenario_data, time_limit)
    if seconds > time_limit:
        wall = max(wall, seconds * WALL_FACTOR + WALL_MARGIN_SECONDS)
    deadline = time.monotonic() + wall
    context = solver_processes()
    parent, child = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(
            child,
            scenario_data,
            time_limit,
            workers,
            seed,
            memory_mb,
            os.getpid(),
            progress_seconds if on_progress is not None else None,
            start_from,
        ),
        daemon=True,
    )
    process.start()
    child.close()
    try:
        while True:
            if parent.poll(poll_seconds):
                try:
                    kind, payload = parent.recv()
                except EOFError:
                    break  # the child died without answering
                if kind == "plan":
                    assert isinstance(payload, dict)
                    return payload
                if kind == "progress":
                    if on_progress is not None:
                        on_progress(payload)
                elif kind == "scenario":
                    raise ScenarioError([ScenarioIssue(path, message) for path, message in payload])
                else:
                    raise SolveError(str(payload))
            elif not process.is_alive():
                break
            if should_stop():
                raise Cancelled("cancelled")
            if time.monotonic() > deadline:
                raise OutOfTime("the solve ran past its time and was stopped")
        process.join(5)
        if process.exitcode == OUT_OF_MEMORY_EXIT:
            raise TooLarge(f"the solve needed more than {memory_mb:,} MB of memory")
        if process.exitcode is not None and process.exitcode < 0:
            raise TooLarge(
                f"the solve was stopped by the system (signal {-process.exitcode}), "
                "most likely for using too much memory"
            )
        raise SolveError(f"the solver process ended without a plan (exit {process.exitcode})")
    finally:
        parent.close()
        if process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
