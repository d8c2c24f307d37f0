"""Adding candidates one at a time while keeping every rule: hints and the greedy baseline.

Uses the same pairwise notion of conflict as model.py (overlap, the gap between two
locations inside one window, daily limit, one session per student per day, mandate).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .candidates import Candidate
from .model import gap_between
from .scenario import Scenario


class Packer:
    def __init__(self, scenario: Scenario, candidates: Sequence[Candidate]) -> None:
        self.scenario = scenario
        self.candidates = candidates
        self.chosen: list[int] = []
        self.chosen_set: set[int] = set()
        self.fixed: set[int] = set()  # never taken out by `improve` (pins)
        self._provider_day: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        self._student_days: dict[str, set[str]] = defaultdict(set)

    def conflicts(self, candidate: Candidate) -> bool:
        for student_id in candidate.students:
            days = self._student_days[student_id]
            student = self.scenario.student_by_id[student_id]
            if candidate.day in days or len(days) >= student.sessions_needed:
                return True
        same_day = self._provider_day[(candidate.provider, candidate.day)]
        limit = self.scenario.provider_by_id[candidate.provider].max_direct_minutes_per_day
        if limit is not None and candidate.minutes + sum(c.minutes for c in same_day) > limit:
            return True
        return any(self.sessions_clash(other, candidate) for other in same_day)

    def sessions_clash(self, a: Candidate, b: Candidate) -> bool:
        if a.start < b.end and b.start < a.end:
            return True
        if a.window_group != b.window_group:
            return False
        first, second = (a, b) if a.start < b.start else (b, a)
        return second.start < first.end + gap_between(self.scenario, first, second)

    def add(self, candidate: Candidate) -> None:
        self.chosen.append(candidate.index)
        self.chosen_set.add(candidate.index)
        self._provider_day[(candidate.provider, candidate.day)].append(candidate)
        for student_id in candidate.students:
            self._student_days[student_id].add(candidate.day)

    def try_add(self, candidate: Candidate) -> bool:
        if self.conflicts(candidate):
            return False
        self.add(candidate)
        return True

    def try_add_all(self, candidates: Iterable[Candidate]) -> None:
        for candidate in candidates:
            self.try_add(candidate)

    def remove(self, candidate: Candidate) -> None:
        self.chosen.remove(candidate.index)
        self.chosen_set.discard(candidate.index)
        self._provider_day[(candidate.provider, candidate.day)].remove(candidate)
        for student_id in candidate.students:
            self._student_days[student_id].discard(candidate.day)

    def blockers(self, candidate: Candidate) -> set[int] | None:
        """The chosen sessions that stop `candidate` (None: something else does, e.g. a
        student's weekly mandate or the daily limit)."""
        result: set[int] = set()
        same_day = self._provider_day[(candidate.provider, candidate.day)]
        for student_id in candidate.students:
            days = self._student_days[student_id]
            student = self.scenario.student_by_id[student_id]
            if len(days - {candidate.day}) >= student.sessions_needed:
                return None
            if candidate.day in days:
                for other in same_day:
                    if student_id in other.students:
                        result.add(other.index)
                if not result:  # that day's session is with another provider
                    return None
        result.update(o.index for o in same_day if self.sessions_clash(o, candidate))
        limit = self.scenario.provider_by_id[candidate.provider].max_direct_minutes_per_day
        if limit is not None:
            kept = sum(o.minutes for o in same_day if o.index not in result)
            if kept + candidate.minutes > limit:
                return None
        return None if result & self.fixed else result

    def improve(
        self, mandated_of: dict[str, int], rounds: int = 2, stop_at: float = math.inf
    ) -> None:
        """Local search on scheduled student-minutes: put in a candidate for a student who
        is short, take out the sessions in its way, refill greedily; keep the change only
        if the plan schedules more minutes. Deterministic (fixed orders); `stop_at` (a
        `time.perf_counter()` value) is a wall-clock safety net only."""
        by_student: dict[str, list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            for student_id in c.students:
                by_student[student_id].append(c)
        for options in by_student.values():
            options.sort(key=lambda c: (-c.student_minutes, c.index))
        for _ in range(rounds):
            improved = False
            for student_id in sorted(by_student):
                if time.perf_counter() > stop_at:
                    return
                if self._minutes(student_id) >= mandated_of[student_id]:
                    continue
                for c in by_student[student_id]:
                    if c.index in self.chosen_set:
                        continue
                    blocking = self.blockers(c)
                    if blocking is None or len(blocking) > 2:
                        continue
                    if self._exchange(c, blocking, by_student):
                        improved = True
                        break
            if not improved:
                break

    def _minutes(self, student_id: str) -> int:
        return sum(c.minutes for c in self._provider_day_all() if student_id in c.students)

    def _provider_day_all(self) -> list[Candidate]:
        return [self.candidates[i] for i in self.chosen]

    def _exchange(
        self, candidate: Candidate, blocking: set[int], by_student: dict[str, list[Candidate]]
    ) -> bool:
        removed = [self.candidates[i] for i in sorted(blocking)]
        before = sum(c.student_minutes for c in removed)
        for other in removed:
            self.remove(other)
        self.add(candidate)
        gained = candidate.student_minutes
        added: list[Candidate] = []
        affected = sorted({s for c in removed for s in c.students})
        for student_id in affected:
            for option in by_student[student_id]:
                if option.index not in self.chosen_set and self.try_add(option):
                    added.append(option)
                    gained += option.student_minutes
                    break
        if gained > before:
            return True
        for option in added:
            self.remove(option)
        self.remove(candidate)
        for other in removed:
            self.add(other)
        return False


def improve_fit(
    scenario: Scenario,
    candidates: Sequence[Candidate],
    values: Sequence[int],
    keep: set[int],
    stop_at: float = math.inf,
    rounds: int = 3,
) -> list[int]:
    """Hill climbing on fit that leaves every earlier level as it is: a chosen session
    (not in `keep`: pins, sessions kept from the previous plan) moves to the candidate of
    the same students with the most fit that fits beside the others, when it has more.
    The same students mean the same minutes, so shortfall does not change. Deterministic
    (fixed orders); `stop_at` is a wall-clock safety net only."""
    packer = Packer(scenario, candidates)
    for candidate, value in zip(candidates, values, strict=True):
        if value:
            packer.add(candidate)
    same_students: dict[tuple[str, ...], list[Candidate]] = defaultdict(list)
    for c in candidates:
        same_students[c.students].append(c)
    for options in same_students.values():
        options.sort(key=lambda c: (-c.fit_scaled, -c.preference, c.index))
    for _ in range(rounds):
        improved = False
        for index in sorted(packer.chosen):
            if time.perf_counter() > stop_at:
                break
            current = candidates[index]
            if index in keep or index not in packer.chosen_set:
                continue
            packer.remove(current)
            moved = False
            for option in same_students[current.students]:
                if option.fit_scaled <= current.fit_scaled:
                    break
                if packer.try_add(option):
                    moved = True
                    break
            if moved:
                improved = True
            else:
                packer.add(current)
        if not improved:
            break
    return [1 if c.index in packer.chosen_set else 0 for c in candidates]
