"""What a re-plan changes: the one matching of a previous plan's sessions to a new plan's.

Every count of a re-plan comes from here: the engine's `moved_sessions` statistic (a
previous session not kept exactly as it was), the diff a page shows and its totals. So the
totals can never say "moved 3" beside a diff that lists two moved sessions and a dropped one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .plan import PlannedSession


@dataclass(frozen=True)
class PlanChanges:
    kept: tuple[tuple[PlannedSession, PlannedSession], ...]  # (before, after), unchanged
    moved: tuple[tuple[PlannedSession, PlannedSession], ...]  # the same students elsewhere
    dropped: tuple[PlannedSession, ...]  # before, with no session after
    added: tuple[PlannedSession, ...]  # after, new

    @property
    def changed(self) -> int:
        """Previous sessions not kept as they were (moved or dropped): `moved_sessions`."""
        return len(self.moved) + len(self.dropped)


def plan_changes(
    previous: Sequence[PlannedSession], current: Sequence[PlannedSession]
) -> PlanChanges:
    """Kept: the same provider, room, day, times and students (`PlannedSession.signature`).
    A previous session not kept is moved to a new session with the same students, else one
    sharing a student; with none left, it is dropped. New sessions left over are added."""
    by_signature: dict[object, list[PlannedSession]] = {}
    for session in current:
        by_signature.setdefault(session.signature, []).append(session)
    kept: list[tuple[PlannedSession, PlannedSession]] = []
    unmatched: list[PlannedSession] = []
    taken: set[int] = set()
    for old in previous:
        same = [s for s in by_signature.get(old.signature, []) if id(s) not in taken]
        if same:
            taken.add(id(same[0]))
            kept.append((old, same[0]))
        else:
            unmatched.append(old)
    remaining = [s for s in current if id(s) not in taken]
    moved: list[tuple[PlannedSession, PlannedSession]] = []
    dropped: list[PlannedSession] = []
    for old in unmatched:
        students = set(old.students)
        match = next((s for s in remaining if set(s.students) == students), None)
        if match is None:
            match = next((s for s in remaining if students & set(s.students)), None)
        if match is None:
            dropped.append(old)
        else:
            remaining.remove(match)
            moved.append((old, match))
    return PlanChanges(
        kept=tuple(kept), moved=tuple(moved), dropped=tuple(dropped), added=tuple(remaining)
    )
