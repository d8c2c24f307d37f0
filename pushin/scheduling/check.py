"""Validity rules 1-8 of docs/scenario-format.md, re-derived from the scenario alone.

Written apart from candidates.py and model.py on purpose: a bug there must not hide here.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from .plan import Plan, PlannedSession
from .scenario import Provider, Scenario
from .timeutil import format_span


@dataclass(frozen=True)
class Violation:
    rule: int
    message: str

    def __str__(self) -> str:
        return f"rule {self.rule}: {self.message}"


def check_plan(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every rule the plan breaks (empty when valid)."""
    if plan.status == "invalid_input":
        return [Violation(1, "an invalid_input plan has sessions")] if plan.sessions else []
    found: list[Violation] = []
    known = [s for s in plan.sessions if _known_ids(scenario, s, found)]
    for session in known:
        _rule1_block(scenario, session, found)
        _rule2_fit(scenario, session, found)
        _rule3_members(scenario, session, found)
    _rule4_provider(scenario, known, found)
    _rule5_students(scenario, known, found)
    _rule6_minutes(scenario, plan, known, found)
    _rule7_identity(scenario, plan, found)
    _rule8_stats(scenario, plan, known, found)
    _rule9_persons(scenario, known, found)
    return found


def _label(session: PlannedSession) -> str:
    return f"session {session.id} ({format_span(session.day, session.start, session.end)})"


def _known_ids(scenario: Scenario, session: PlannedSession, found: list[Violation]) -> bool:
    ok = True
    if session.classroom not in scenario.classroom_by_id:
        found.append(Violation(1, f"{_label(session)}: unknown classroom {session.classroom}"))
        ok = False
    if session.provider not in scenario.provider_by_id:
        found.append(Violation(3, f"{_label(session)}: unknown provider {session.provider}"))
        ok = False
    for student in session.students:
        if student not in scenario.student_by_id:
            found.append(Violation(3, f"{_label(session)}: unknown student {student}"))
            ok = False
    if not session.students:
        found.append(Violation(3, f"{_label(session)}: no students"))
        ok = False
    return ok


def _rule1_block(scenario: Scenario, session: PlannedSession, found: list[Violation]) -> None:
    room = scenario.classroom_by_id[session.classroom]
    block = next((b for b in room.blocks if b.id == session.block), None)
    label = _label(session)
    if block is None:
        found.append(Violation(1, f"{label}: block {session.block} is not in {room.id}"))
    elif not (
        block.day == session.day and block.start <= session.start and session.end <= block.end
    ):
        found.append(Violation(1, f"{label} is not inside block {block.id}"))
    slot = scenario.slot_minutes
    if session.start % slot or session.end % slot:
        found.append(Violation(1, f"{label} is off the {slot}-minute grid"))
    for student_id in session.students:
        length = scenario.student_by_id[student_id].session_minutes
        if session.end - session.start != length:
            found.append(
                Violation(
                    1,
                    f"{label} lasts {session.end - session.start} min, "
                    f"{student_id} has {length}-minute sessions",
                )
            )


def _rule2_fit(scenario: Scenario, session: PlannedSession, found: list[Violation]) -> None:
    block = scenario.block_by_id.get(session.block)
    if block is None:
        return
    label = _label(session)
    # Blocks and goals by id (the web app names them from its vocabulary), with the
    # block's time: "g12 does not fit b40 (Wed 09:55-10:40)".
    where = f"{block.id} ({format_span(block.day, block.start, block.end)})"
    if session.delivery == "pull_out" and block.activity not in scenario.pull_out_activities:
        found.append(Violation(2, f"{label}: {where} is not open for pull-out"))
    for student_id in session.students:
        student = scenario.student_by_id[student_id]
        goal_id = session.focus.get(student_id)
        goal = next((g for g in student.goals if g.id == goal_id), None)
        if goal is None:
            found.append(Violation(2, f"{label}: focus {goal_id} is not a goal of {student_id}"))
        elif session.delivery == "push_in":
            weight = scenario.fit_table.get(goal.domain, {}).get(block.activity, 0.0)
            if weight <= 0:
                found.append(Violation(2, f"{label}: {goal.id} does not fit {where}"))
            elif weight < scenario.min_fit:
                found.append(
                    Violation(
                        2,
                        f"{label}: {goal.id} fits {where} at {weight:g}, "
                        f"below min_fit {scenario.min_fit:g}",
                    )
                )


def _rule3_members(scenario: Scenario, session: PlannedSession, found: list[Violation]) -> None:
    label = _label(session)
    size = len(session.students)
    if len(set(session.students)) != size:
        found.append(Violation(3, f"{label} lists a student twice"))
    for student_id in session.students:
        student = scenario.student_by_id[student_id]
        if (student.classroom, student.provider, student.delivery) != (
            session.classroom,
            session.provider,
            session.delivery,
        ):
            found.append(
                Violation(3, f"{label}: {student_id} has another classroom, provider or delivery")
            )
        if size > 1 and student.grouping == "individual":
            found.append(Violation(3, f"{label}: {student_id} must be seen alone"))
        if size > student.max_group:
            found.append(Violation(3, f"{label}: {size} students, {student_id} allows "
                                      f"{student.max_group}"))  # fmt: skip


def _school(scenario: Scenario, session: PlannedSession) -> str:
    return scenario.classroom_by_id[session.classroom].school


def _windows_holding(provider: Provider, school: str, session: PlannedSession) -> list[int]:
    return [
        number
        for number, w in enumerate(provider.available)
        if w.day == session.day
        and w.start <= session.start
        and session.end <= w.end
        and (w.school is None or w.school == school)
    ]


def _rule4_provider(
    scenario: Scenario, sessions: list[PlannedSession], found: list[Violation]
) -> None:
    per_day: dict[tuple[str, str], list[PlannedSession]] = defaultdict(list)
    for session in sessions:
        provider = scenario.provider_by_id[session.provider]
        label = _label(session)
        if not _windows_holding(provider, _school(scenario, session), session):
            found.append(Violation(4, f"{label}: {provider.id} is not available there then"))
        for busy in provider.busy:
            if busy.day == session.day and busy.start < session.end and session.start < busy.end:
                found.append(Violation(4, f"{label} overlaps busy time of {provider.id}"))
        per_day[(session.provider, session.day)].append(session)
    for (provider_id, day), day_sessions in per_day.items():
        provider = scenario.provider_by_id[provider_id]
        ordered = sorted(day_sessions, key=lambda s: (s.start, s.end, s.id))
        for index, a in enumerate(ordered):
            for b in ordered[index + 1 :]:
                if b.start < a.end:
                    found.append(Violation(4, f"{_label(a)} overlaps {_label(b)}"))
        for a, b in itertools.pairwise(ordered):
            if b.start < a.end:
                continue
            shared = set(_windows_holding(provider, _school(scenario, a), a)) & set(
                _windows_holding(provider, _school(scenario, b), b)
            )
            if not shared:
                continue  # the first session of a window: no travel counted into it
            school_a, school_b = _school(scenario, a), _school(scenario, b)
            if school_a != school_b:
                need = scenario.travel_minutes(school_a, school_b)
            elif a.classroom != b.classroom:
                need = scenario.room_change_minutes
            else:
                need = 0
            if b.start - a.end < need:
                found.append(
                    Violation(
                        4,
                        f"{_label(b)} starts {b.start - a.end} min after {_label(a)}, "
                        f"{need} min are needed to get there",
                    )
                )
        limit = provider.max_direct_minutes_per_day
        direct = sum(s.end - s.start for s in day_sessions)
        if limit is not None and direct > limit:
            found.append(
                Violation(4, f"{provider_id} has {direct} direct minutes on {day}, limit {limit}")
            )


def _rule5_students(
    scenario: Scenario, sessions: list[PlannedSession], found: list[Violation]
) -> None:
    seen: dict[tuple[str, str], str] = {}
    for session in sessions:
        for student_id in session.students:
            key = (student_id, session.day)
            if key in seen:
                found.append(
                    Violation(
                        5,
                        f"{student_id} has two sessions on {session.day} "
                        f"({seen[key]} and {session.id})",
                    )
                )
            seen[key] = session.id
            for item in scenario.student_by_id[student_id].unavailable:
                if (
                    item.day == session.day
                    and item.start < session.end
                    and session.start < item.end
                ):
                    found.append(
                        Violation(5, f"{_label(session)}: {student_id} is unavailable then")
                    )


def _rule6_minutes(
    scenario: Scenario, plan: Plan, sessions: list[PlannedSession], found: list[Violation]
) -> None:
    scheduled: dict[str, int] = defaultdict(int)
    for session in sessions:
        for student_id in session.students:
            scheduled[student_id] += session.end - session.start
    short: dict[str, int] = defaultdict(int)
    for shortfall in plan.shortfalls:
        if shortfall.student not in scenario.student_by_id:
            found.append(Violation(6, f"shortfall for unknown student {shortfall.student}"))
            continue
        short[shortfall.student] += shortfall.minutes
        if shortfall.minutes > 0 and not shortfall.reasons:
            found.append(Violation(6, f"shortfall of {shortfall.student} has no reason"))
    for student in scenario.students:
        got, missing = scheduled[student.id], short[student.id]
        if got > student.minutes_per_week:
            found.append(
                Violation(
                    6, f"{student.id}: {got} min scheduled, {student.minutes_per_week} mandated"
                )
            )
        if got + missing != student.minutes_per_week:
            found.append(
                Violation(
                    6,
                    f"{student.id}: {got} scheduled + {missing} short != "
                    f"{student.minutes_per_week} mandated",
                )
            )


def _unchanged_key(session: PlannedSession) -> tuple[object, ...]:
    return (
        session.provider,
        session.classroom,
        session.day,
        session.start,
        session.end,
        frozenset(session.students),
    )


def _rule7_identity(scenario: Scenario, plan: Plan, found: list[Violation]) -> None:
    ids = [s.id for s in plan.sessions]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        found.append(Violation(7, f"session id {duplicate} is used twice"))
    previous = scenario.previous_plan
    if previous is None:
        return
    now = {s.id: s for s in plan.sessions}
    before = {s.id: s for s in previous.sessions}
    for pinned in scenario.pinned:
        old = before.get(pinned)
        new = now.get(pinned)
        if old is None:
            continue
        if new is None or _unchanged_key(new) != _unchanged_key(old):
            found.append(Violation(7, f"pinned session {pinned} does not appear unchanged"))
    old_by_key = {_unchanged_key(s): s.id for s in previous.sessions}
    for session in plan.sessions:
        old_id = old_by_key.get(_unchanged_key(session))
        if old_id is not None and old_id != session.id:
            found.append(Violation(7, f"session {session.id} is unchanged from {old_id} "
                                      "but lost its id"))  # fmt: skip
        elif old_id is None and session.id in before:
            found.append(Violation(7, f"new session {session.id} reuses an id of "
                                      "previous_plan"))  # fmt: skip


def _rule8_stats(
    scenario: Scenario, plan: Plan, sessions: list[PlannedSession], found: list[Violation]
) -> None:
    stats = plan.stats
    scheduled = sum((s.end - s.start) * len(s.students) for s in sessions)
    mandated = sum(s.minutes_per_week for s in scenario.students)
    fit = 0.0
    for session in sessions:
        block = scenario.block_by_id.get(session.block)
        if block is None or session.delivery != "push_in":
            continue
        for student_id, goal_id in session.focus.items():
            student = scenario.student_by_id.get(student_id)
            goal = next((g for g in student.goals if g.id == goal_id), None) if student else None
            if goal is not None:
                weight = scenario.fit_table.get(goal.domain, {}).get(block.activity, 0.0)
                fit += weight * (session.end - session.start)
    travel = 0
    per_day: dict[tuple[str, str], list[PlannedSession]] = defaultdict(list)
    for session in sessions:
        per_day[(session.provider, session.day)].append(session)
    for day_sessions in per_day.values():
        ordered = sorted(day_sessions, key=lambda s: s.start)
        for a, b in itertools.pairwise(ordered):
            travel += scenario.travel_minutes(_school(scenario, a), _school(scenario, b))
    moved = 0
    if scenario.previous_plan is not None:
        present = {_unchanged_key(s) for s in plan.sessions}
        moved = sum(1 for s in scenario.previous_plan.sessions if _unchanged_key(s) not in present)
    expected = {
        "mandated_minutes": mandated,
        "scheduled_minutes": scheduled,
        "shortfall_minutes": mandated - scheduled,
        "sessions": len(plan.sessions),
        "travel_minutes": travel,
        "moved_sessions": moved,
    }
    for key, value in expected.items():
        if getattr(stats, key) != value:
            found.append(Violation(8, f"stats.{key} is {getattr(stats, key)}, should be {value}"))
    if abs(stats.fit_minutes - fit) > 0.01:
        found.append(Violation(8, f"stats.fit_minutes is {stats.fit_minutes}, should be {fit:.2f}"))
    if plan.status == "optimal" and stats.bound is not None:
        found.append(Violation(8, "stats.bound must be null when the plan is optimal"))


def _rule9_persons(
    scenario: Scenario, sessions: list[PlannedSession], found: list[Violation]
) -> None:
    """One person on several caseloads: never two sessions at once; with
    `one_pull_out_a_day`, one pull-out a day."""
    from .district import person_clashes

    for clash in person_clashes(scenario, sessions):
        found.append(Violation(9, clash.message()))
