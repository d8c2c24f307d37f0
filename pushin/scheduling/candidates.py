"""Every session that could happen: who, where, when, with which focus goal.

A candidate is one (students, block, start) on the slot grid that already satisfies every
rule about a single session (rules 1-3, the provider's windows and busy times, students'
unavailable times). What remains for the model is how candidates interact: overlaps,
travel, daily limits, one session per student per day, mandates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from .scenario import Block, Classroom, Provider, Scenario, Student, Window
from .timeutil import overlaps

# Fit weights are scaled to integers for CP-SAT; 1000 keeps three decimals exactly.
FIT_SCALE = 1000


@dataclass(frozen=True)
class Candidate:
    index: int
    provider: str
    classroom: str
    school: str
    block: str
    day: str
    start: int
    end: int
    delivery: str
    students: tuple[str, ...]
    focus: tuple[tuple[str, str], ...]  # (student, goal)
    fit_scaled: int  # sum over students of fit * minutes * FIT_SCALE
    member_fit: tuple[int, ...]  # each student's share of fit_scaled, in `students` order
    preference: int  # teacher's word on the block, plus small_group students in a group
    window_group: int  # sessions in one group of overlapping windows need travel gaps

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def student_minutes(self) -> int:
        return self.minutes * len(self.students)


@dataclass(frozen=True)
class StudentSlot:
    """One place a student could be seen: a block and start, with the best focus goal."""

    block: Block
    start: int
    goal: str
    fit_scaled: int


def best_goal(scenario: Scenario, student: Student, activity: str) -> tuple[str, float] | None:
    """The student's goal that fits `activity` best (push-in), or None if none fits (above
    0 and at least the scenario's `min_fit`)."""
    best: tuple[str, float] | None = None
    for goal in student.goals:
        weight = scenario.fit_weight(goal.domain, activity)
        if scenario.fits(weight) and (best is None or weight > best[1]):
            best = (goal.id, weight)
    return best


def block_is_open_to(scenario: Scenario, student: Student, block: Block) -> bool:
    """Rule 2 for one block: a fitting goal (push-in) or a pull-out activity."""
    if student.delivery == "pull_out":
        return block.activity in scenario.pull_out_activities
    return best_goal(scenario, student, block.activity) is not None


def grid_starts(scenario: Scenario, block: Block, minutes: int) -> range:
    """Starts on the slot grid that keep a session of `minutes` inside the block."""
    slot = scenario.slot_minutes
    first = -(-block.start // slot) * slot
    return range(first, block.end - minutes + 1, slot)


def provider_windows(
    provider: Provider, school: str, day: str, start: int, end: int
) -> list[Window]:
    """The windows that cover the whole session at that school (empty: not available)."""
    return [
        window
        for window in provider.available
        if window.day == day
        and window.start <= start
        and end <= window.end
        and window.school in (None, school)
    ]


def provider_is_free(provider: Provider, school: str, day: str, start: int, end: int) -> bool:
    if not provider_windows(provider, school, day, start, end):
        return False
    return not any(
        busy.day == day and overlaps(start, end, busy.start, busy.end) for busy in provider.busy
    )


def student_is_free(student: Student, day: str, start: int, end: int) -> bool:
    return not any(
        item.day == day and overlaps(start, end, item.start, item.end)
        for item in student.unavailable
    )


def student_slots(scenario: Scenario, student: Student) -> list[StudentSlot]:
    """Every (block, start) where this student alone could be seen."""
    room = scenario.classroom_by_id[student.classroom]
    provider = scenario.provider_by_id[student.provider]
    minutes = student.session_minutes
    slots = []
    for block in room.blocks:
        if not block_is_open_to(scenario, student, block):
            continue
        if student.delivery == "pull_out":
            goal, weight = student.goals[0].id, 0.0  # pull-out adds no fit
        else:
            goal, weight = best_goal(scenario, student, block.activity) or ("", 0.0)
        fit_scaled = round(weight * FIT_SCALE) * minutes
        for start in grid_starts(scenario, block, minutes):
            end = start + minutes
            if provider_is_free(provider, room.school, block.day, start, end) and student_is_free(
                student, block.day, start, end
            ):
                slots.append(StudentSlot(block, start, goal, fit_scaled))
    return slots


def window_groups(provider: Provider) -> dict[Window, int]:
    """Number the provider's windows so overlapping windows of a day share a number.

    Travel time is needed between consecutive sessions of one window (the provider is
    free to place windows so that the drive happens between them); overlapping windows
    are merged, which only ever asks for more travel time, never less.
    """
    groups: dict[Window, int] = {}
    ordered = sorted(provider.available, key=lambda w: (w.day, w.start, w.end))
    number, current_day, current_end = -1, "", -1
    for window in ordered:
        if window.day != current_day or window.start >= current_end:
            number += 1
            current_day, current_end = window.day, window.end
        current_end = max(current_end, window.end)
        groups[window] = number
    return groups


class CandidateBuilder:
    """Collects candidates, numbering them and computing their objective terms."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.candidates: list[Candidate] = []
        self._groups = {p.id: window_groups(p) for p in scenario.providers}
        self._by_signature: dict[tuple[str, str, str, int, int, frozenset[str]], int] = {}
        self._window_group_of: dict[tuple[str, str, str, int, int], int | None] = {}
        self._fit_of: dict[tuple[str, str, str], int] = {}  # (student, goal, activity)

    def add(
        self, students: Iterable[Student], block: Block, start: int, focus: dict[str, str]
    ) -> Candidate | None:
        members = sorted(students, key=lambda s: s.id)
        first = members[0]
        room = self.scenario.classroom_by_id[first.classroom]
        provider = self.scenario.provider_by_id[first.provider]
        end = start + first.session_minutes
        signature = (provider.id, room.id, block.day, start, end, frozenset(s.id for s in members))
        if signature in self._by_signature:
            return self.candidates[self._by_signature[signature]]
        window_key = (provider.id, room.school, block.day, start, end)
        if window_key not in self._window_group_of:
            windows = provider_windows(provider, room.school, block.day, start, end)
            groups = self._groups[provider.id]
            self._window_group_of[window_key] = min((groups[w] for w in windows), default=None)
        window_group = self._window_group_of[window_key]
        if window_group is None:
            return None
        member_fit = [0] * len(members)
        if first.delivery == "push_in":
            for number, student in enumerate(members):
                key = (student.id, focus[student.id], block.activity)
                fit = self._fit_of.get(key)
                if fit is None:
                    domain = next(g.domain for g in student.goals if g.id == key[1])
                    weight = self.scenario.fit_weight(domain, block.activity)
                    fit = self._fit_of[key] = round(weight * FIT_SCALE) * first.session_minutes
                member_fit[number] = fit
        preference = 0
        if first.delivery == "push_in":
            preference += {"good": 1, "bad": -1}.get(block.teacher_preference or "", 0)
        if len(members) >= 2:
            preference += sum(1 for s in members if s.comfort == "small_group")
        candidate = Candidate(
            index=len(self.candidates),
            provider=provider.id,
            classroom=room.id,
            school=room.school,
            block=block.id,
            day=block.day,
            start=start,
            end=end,
            delivery=first.delivery,
            students=tuple(s.id for s in members),
            focus=tuple((s.id, focus[s.id]) for s in members),
            fit_scaled=sum(member_fit),
            member_fit=tuple(member_fit),
            preference=preference,
            window_group=window_group,
        )
        self._by_signature[signature] = candidate.index
        self.candidates.append(candidate)
        return candidate

    def index_of(self, signature: tuple[str, str, str, int, int, frozenset[str]]) -> int | None:
        return self._by_signature.get(signature)


def group_key(student: Student) -> tuple[str, str, str, int]:
    return (student.classroom, student.provider, student.delivery, student.session_minutes)


def enumerate_candidates(scenario: Scenario) -> CandidateBuilder:
    """Individual and group candidates for every student with a mandate."""
    builder = CandidateBuilder(scenario)
    slots_of: dict[str, list[StudentSlot]] = {}
    for student in scenario.students:
        if student.minutes_per_week == 0 or not student.goals:
            continue
        slots_of[student.id] = student_slots(scenario, student)
        for slot in slots_of[student.id]:
            builder.add([student], slot.block, slot.start, {student.id: slot.goal})
    groupable: dict[tuple[str, str, str, int], list[Student]] = defaultdict(list)
    for student in scenario.students:
        if student.grouping == "group_ok" and student.id in slots_of:
            groupable[group_key(student)].append(student)
    for members in groupable.values():
        _add_groups(builder, members, slots_of)
    return builder


def _add_groups(
    builder: CandidateBuilder, members: list[Student], slots_of: dict[str, list[StudentSlot]]
) -> None:
    """Every subset of 2..max_group compatible students at every start they share."""
    by_place = {
        s.id: {(slot.block.id, slot.start): slot for slot in slots_of[s.id]} for s in members
    }
    largest = min(max(s.max_group for s in members), len(members))
    for size in range(2, largest + 1):
        for group in combinations(members, size):
            if size > min(s.max_group for s in group):
                continue
            shared = set(by_place[group[0].id])
            for student in group[1:]:
                shared &= set(by_place[student.id])
            for place in sorted(shared, key=lambda p: (p[0], p[1])):
                block = by_place[group[0].id][place].block
                focus = {s.id: by_place[s.id][place].goal for s in group}
                builder.add(group, block, place[1], focus)


def classroom_of(scenario: Scenario, student: Student) -> Classroom:
    return scenario.classroom_by_id[student.classroom]
