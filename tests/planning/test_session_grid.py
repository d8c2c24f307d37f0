"""The planned week's grid: room for a session's three lines, and the drive between two
schools with its minutes first (a short leg shows only the start of its label)."""

from __future__ import annotations

from pushin.planning.selectors import PLAN_PX_PER_MINUTE, SessionView, session_grid

NINE = 9 * 60


def session(start: int, school: str, name: str) -> SessionView:
    return SessionView(
        ident=f"s{start}",
        day="mon",
        start=start,
        end=start + 30,
        school=school,
        school_name=name,
        room="Room 2A",
        activity="Writing",
        initials=("AB",),
    )


def test_a_half_hour_session_has_room_for_three_lines_and_the_drive_says_its_minutes_first():
    grid = session_grid(
        [session(NINE, "sch1", "Maple"), session(NINE + 45, "sch2", "Cedar Elementary")],
        colours={"sch1": "school-0", "sch2": "school-1"},
        minutes_between={frozenset(("sch1", "sch2")): 15},
    )
    first, drive, second = grid.days[0].items
    assert first.height == 30 * PLAN_PX_PER_MINUTE >= 3 * 15 + 4  # three .75rem lines
    assert (drive.item.label, drive.height) == ("15 min drive to Cedar Elementary", 15 * 2.0)
    assert second.top - first.top == 45 * PLAN_PX_PER_MINUTE
