"""One matching of a previous plan to a new one: the engine's `moved_sessions` statistic
and a re-plan's diff both come from `plan_changes`, so they agree."""

from __future__ import annotations

from pushin.scheduling.changes import plan_changes
from pushin.scheduling.plan import PlannedSession


def session(ident: str, day: str, start: int, *students: str, room: str = "r1") -> PlannedSession:
    return PlannedSession(
        id=ident,
        provider="p1",
        classroom=room,
        block="b1",
        day=day,
        start=start,
        end=start + 30,
        delivery="push_in",
        students=tuple(students),
    )


BEFORE = [
    session("sess-1", "mon", 540, "a"),  # kept
    session("sess-2", "tue", 540, "b"),  # moved: the same student on Wednesday
    session("sess-3", "thu", 600, "c", "d"),  # moved: c alone on Friday
    session("sess-4", "thu", 660, "e"),  # dropped
]
AFTER = [
    session("sess-1", "mon", 540, "a"),
    session("sess-5", "wed", 540, "b"),
    session("sess-6", "fri", 600, "c"),
    session("sess-7", "fri", 660, "f"),  # added
]


def test_kept_moved_dropped_and_added() -> None:
    changes = plan_changes(BEFORE, AFTER)
    assert [(old.id, new.id) for old, new in changes.kept] == [("sess-1", "sess-1")]
    assert [(old.id, new.id) for old, new in changes.moved] == [
        ("sess-2", "sess-5"),
        ("sess-3", "sess-6"),
    ]
    assert [old.id for old in changes.dropped] == ["sess-4"]
    assert [new.id for new in changes.added] == ["sess-7"]
    # The engine's statistic: previous sessions not kept as they were, moved or dropped.
    assert changes.changed == 3


def test_the_same_session_in_another_room_is_moved_not_kept() -> None:
    changes = plan_changes(
        [session("s1", "mon", 540, "a")], [session("s2", "mon", 540, "a", room="r2")]
    )
    assert (len(changes.kept), len(changes.moved), changes.changed) == (0, 1, 1)
