"""Why a student is short: computed by relaxing one condition at a time.

For each short student we ask, in order: does any block of the classroom fit at all
(no_fitting_block)? would the provider be there and free (provider_unavailable)? is the
student free (student_unavailable)? and, on the days the student still has no session,
what stops one more session next to the plan's other sessions: an overlap with other
students' sessions (capacity), only the travel time (travel), or only the provider's
daily limit (daily_limit)?
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .candidates import (
    block_is_open_to,
    grid_starts,
    provider_windows,
    window_groups,
)
from .plan import PlannedSession, Reason, Shortfall
from .scenario import Block, Provider, Scenario, Student, Window
from .timeutil import DAYS, format_hhmm, format_span, overlaps


def explain_shortfalls(scenario: Scenario, sessions: Sequence[PlannedSession]) -> list[Shortfall]:
    minutes: dict[str, int] = defaultdict(int)
    for session in sessions:
        for student_id in session.students:
            minutes[student_id] += session.minutes
    result = []
    for student in scenario.students:
        missing = student.minutes_per_week - minutes[student.id]
        if missing > 0:
            reasons = tuple(_reasons(scenario, student, sessions))
            result.append(Shortfall(student.id, missing, reasons))
    return result


def _describe(scenario: Scenario, student: Student, block: Block) -> str:
    """The block by its id and time, "b40 (Wed 09:55-10:40) in B. Chen's room". The engine
    does not name activities: the web app names the block from its vocabulary."""
    return (
        f"{block.id} ({format_span(block.day, block.start, block.end)}) "
        f"in {_room_words(scenario, student.classroom)}"
    )


def _room_words(scenario: Scenario, classroom: str) -> str:
    room = scenario.classroom_by_id[classroom]
    return f"{room.teacher or room.id}'s room"


def _session_words(scenario: Scenario, session: PlannedSession, school: str) -> str:
    """Where the provider is instead: "with st3, st4 in D. Okafor's room at Cedar (10:00-10:30)"."""
    room = scenario.classroom_by_id[session.classroom]
    where = _room_words(scenario, session.classroom)
    if room.school != school:
        other = scenario.school_by_id.get(room.school)
        where += f" at {other.name if other is not None else room.school}"
    span = f"{format_hhmm(session.start)}-{format_hhmm(session.end)}"
    return f"with {', '.join(sorted(session.students))} in {where} ({span})"


def _days(days: set[str]) -> str:
    return ", ".join(day.capitalize() for day in DAYS if day in days) or "no day"


def _reasons(
    scenario: Scenario, student: Student, sessions: Sequence[PlannedSession]
) -> list[Reason]:
    room = scenario.classroom_by_id[student.classroom]
    provider = scenario.provider_by_id[student.provider]
    needed = student.sessions_needed
    length = student.session_minutes
    fitting = [
        b
        for b in room.blocks
        if block_is_open_to(scenario, student, b) and len(grid_starts(scenario, b, length))
    ]
    goals = ", ".join(goal.domain.replace("_", " ") for goal in student.goals)
    what = "is open for pull-out" if student.delivery == "pull_out" else f"fits {goals}"
    fit_days = {b.day for b in fitting}
    if len(fit_days) < needed and (below := _below_min_fit(scenario, student, fitting)):
        return [below]
    if len(fit_days) < needed:
        return [
            Reason(
                "no_fitting_block",
                f"Only {_days(fit_days)} {'has' if len(fit_days) == 1 else 'have'} a "
                f"{length}-minute block in {room.teacher or room.id}'s room that {what}; "
                f"{needed} sessions a week are mandated.",
            )
        ]
    reasons: list[Reason] = []
    provider_days: set[str] = set()
    student_days: set[str] = set()
    provider_notes: list[str] = []
    student_notes: list[str] = []
    for block in fitting:
        for start in grid_starts(scenario, block, length):
            end = start + length
            blocker = _provider_blocker(provider, room.school, block.day, start, end)
            if blocker:
                provider_notes.append(f"{_describe(scenario, student, block)} {blocker}")
                continue
            provider_days.add(block.day)
            busy = [
                u
                for u in student.unavailable
                if u.day == block.day and overlaps(start, end, u.start, u.end)
            ]
            if busy:
                student_notes.append(
                    f"{_describe(scenario, student, block)} overlaps the student's "
                    f"unavailable time {format_hhmm(busy[0].start)}-{format_hhmm(busy[0].end)}"
                )
                continue
            student_days.add(block.day)
    if len(provider_days) < needed:
        reasons.append(Reason("provider_unavailable", _first_of(provider_notes, fit_days)))
    elif len(student_days) < needed:
        reasons.append(Reason("student_unavailable", _first_of(student_notes, provider_days)))
    reasons += _plan_reasons(scenario, student, provider, sessions, fitting)
    if not reasons:
        reasons.append(
            Reason(
                "capacity",
                "The provider's time on the open days is taken by other sessions "
                "(or the solver stopped before placing this one).",
            )
        )
    return reasons


def _below_min_fit(scenario: Scenario, student: Student, fitting: Sequence[Block]) -> Reason | None:
    """With `min_fit` set: the days it closes (blocks that fit a goal, but less well),
    or None when it closes none."""
    if student.delivery != "push_in" or scenario.min_fit <= 0:
        return None
    room = scenario.classroom_by_id[student.classroom]
    length = student.session_minutes
    lower: list[tuple[Block, float]] = []
    for block in room.blocks:
        if block in fitting or not len(grid_starts(scenario, block, length)):
            continue
        weight = max(scenario.fit_weight(g.domain, block.activity) for g in student.goals)
        if weight > 0:
            lower.append((block, weight))
    fit_days = {b.day for b in fitting}
    if not {b.day for b, _ in lower} - fit_days:
        return None
    goals = ", ".join(goal.domain.replace("_", " ") for goal in student.goals)
    shown = "; ".join(f"{_describe(scenario, student, b)} fits at {w:g}" for b, w in lower[:3]) + (
        f" (and {len(lower) - 3} more)" if len(lower) > 3 else ""
    )
    return Reason(
        "below_min_fit",
        f"No time at an activity that fits the goal ({goals}) at min_fit "
        f"{scenario.min_fit:g} or better: only {_days(fit_days)} "
        f"{'has' if len(fit_days) == 1 else 'have'} such a {length}-minute block in "
        f"{_room_words(scenario, student.classroom)}, and {student.sessions_needed} sessions "
        f"a week are mandated. Below min_fit: {shown}.",
    )


def _first_of(notes: list[str], days: set[str]) -> str:
    shown = list(dict.fromkeys(notes))[:3]
    more = f" (and {len(notes) - 3} more)" if len(notes) > 3 else ""
    return "; ".join(shown) + more + f". Possible on: {_days(days)}."


def _provider_blocker(provider: Provider, school: str, day: str, start: int, end: int) -> str:
    """Why the provider cannot be there then, in words, or '' when she can."""
    if not provider_windows(provider, school, day, start, end):
        return f"is outside {provider.name}'s working time at that school"
    for busy in provider.busy:
        if busy.day == day and overlaps(start, end, busy.start, busy.end):
            return (
                f"overlaps {provider.name}'s busy time "
                f"{format_hhmm(busy.start)}-{format_hhmm(busy.end)}"
            )
    return ""


def _plan_reasons(
    scenario: Scenario,
    student: Student,
    provider: Provider,
    sessions: Sequence[PlannedSession],
    fitting: list[Block],
) -> list[Reason]:
    """On days without a session for the student: what blocks one more session?"""
    room = scenario.classroom_by_id[student.classroom]
    own_days = {s.day for s in sessions if student.id in s.students}
    groups = window_groups(provider)
    day_sessions: dict[str, list[PlannedSession]] = defaultdict(list)
    for session in sessions:
        if session.provider == provider.id:
            day_sessions[session.day].append(session)
    # A time that fits is taken when the provider is in another session then, wherever
    # that session is (another room, another school): name that session and its room.
    capacity: dict[str, dict[str, PlannedSession]] = defaultdict(dict)
    travel_notes: list[str] = []
    limit_notes: list[str] = []
    for block in fitting:
        if block.day in own_days:
            continue
        for start in grid_starts(scenario, block, student.session_minutes):
            end = start + student.session_minutes
            windows = provider_windows(provider, room.school, block.day, start, end)
            if _provider_blocker(provider, room.school, block.day, start, end) or any(
                u.day == block.day and overlaps(start, end, u.start, u.end)
                for u in student.unavailable
            ):
                continue
            group = min(groups[w] for w in windows)
            overlapping = [
                s for s in day_sessions[block.day] if overlaps(start, end, s.start, s.end)
            ]
            for session in overlapping:
                capacity[_describe(scenario, student, block)][session.id] = session
            if overlapping:
                continue
            too_close = _too_close(scenario, provider, room.school, room.id, block.day, start, end,
                                   group, groups, day_sessions[block.day])  # fmt: skip
            if too_close:
                travel_notes.append(f"{_describe(scenario, student, block)}: {too_close}")
                continue
            limit = provider.max_direct_minutes_per_day
            used = sum(s.minutes for s in day_sessions[block.day])
            if limit is not None and used + student.session_minutes > limit:
                limit_notes.append(
                    f"{_describe(scenario, student, block)}: {provider.name} already has "
                    f"{used} of {limit} direct minutes on {block.day.capitalize()}"
                )
    reasons = []
    if capacity:
        place, others = next(iter(capacity.items()))
        busy = "; ".join(
            _session_words(scenario, session, room.school)
            for session in sorted(others.values(), key=lambda s: (s.start, s.id))
        )
        reasons.append(
            Reason(
                "capacity",
                f"{place}: {provider.name} is in another session then, {busy}"
                + (f" (and {len(capacity) - 1} more times)" if len(capacity) > 1 else "")
                + ".",
            )
        )
    if travel_notes:
        reasons.append(Reason("travel", _first_of(travel_notes, set())))
    if limit_notes:
        reasons.append(Reason("daily_limit", _first_of(limit_notes, set())))
    return reasons


def _too_close(
    scenario: Scenario,
    provider: Provider,
    school: str,
    classroom: str,
    day: str,
    start: int,
    end: int,
    group: int,
    groups: dict[Window, int],
    others: list[PlannedSession],
) -> str:
    for other in others:
        other_room = scenario.classroom_by_id[other.classroom]
        other_windows = provider_windows(provider, other_room.school, day, other.start, other.end)
        if not other_windows or min(groups[w] for w in other_windows) != group:
            continue
        if other_room.school != school:
            gap = scenario.travel_minutes(other_room.school, school)
        elif other.classroom != classroom:
            gap = scenario.room_change_minutes
        else:
            gap = 0
        if other.end <= start < other.end + gap or end <= other.start < end + gap:
            return (
                f"the {gap}-minute trip to or from the session at "
                f"{format_span(day, other.start, other.end)} in "
                f"{other_room.teacher or other_room.id}'s room does not fit"
            )
    return ""
