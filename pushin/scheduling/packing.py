"""Adding candidates one at a time while keeping every rule: hints and the greedy baseline.

Uses the same pairwise notion of conflict as model.py (overlap, the gap between two
locations inside one window, daily limit, one session per student per day, mandate).
"""

from __future__ import annotations

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
