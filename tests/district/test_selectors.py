"""The week-grid layout and the travel matrix."""

from __future__ import annotations

import datetime as dt

from pushin.district.selectors import GridItem, travel_matrix, week_grid
from pushin.timespans import monday_of


def test_week_grid_default_hours_and_positions():
    grid = week_grid([GridItem(day="wed", start=dt.time(10, 30), end=dt.time(11), label="Math")])
    assert [h.label for h in grid.hours] == [f"{h}:00" for h in range(8, 15)]
    assert grid.height == 7 * 60 * 1.2
    (placed,) = grid.days[2].items
    assert (placed.top, placed.height) == (150 * 1.2, 30 * 1.2)
    assert all(not d.items for i, d in enumerate(grid.days) if i != 2)


def test_week_grid_stretches_to_early_and_late_items():
    grid = week_grid(
        [
            GridItem(day="mon", start=dt.time(7, 15), end=dt.time(8), label="Arrival"),
            GridItem(day="fri", start=dt.time(15), end=dt.time(16, 10), label="Club"),
        ]
    )
    assert grid.hours[0].label == "7:00"
    assert grid.hours[-1].label == "16:00"
    assert grid.days[0].items[0].top == 15 * 1.2


def test_week_grid_dates_from_any_day_of_the_week():
    grid = week_grid([], week_of=dt.date(2026, 11, 19))
    assert [d.date for d in grid.days] == [dt.date(2026, 11, 16 + i) for i in range(5)]
    assert monday_of(dt.date(2026, 11, 22)) == dt.date(2026, 11, 16)


def test_travel_matrix_is_symmetric(world):
    rows = travel_matrix([world.school, world.other_school])
    values = [[c.minutes for c in row.cells] for row in rows]
    assert values == [[0, 15], [15, 0]]
    assert rows[0].cells[0].diagonal
