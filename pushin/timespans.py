"""Clock and calendar arithmetic every app shares: times of day as minutes, school weeks."""

from __future__ import annotations

import datetime as dt


def minutes_of(value: dt.time) -> int:
    """Minutes since midnight (the scheduler's unit for a time of day)."""
    return value.hour * 60 + value.minute


def time_of(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def minutes_between(start: dt.time, end: dt.time) -> int:
    return minutes_of(end) - minutes_of(start)


def spans_overlap(a_start: dt.time, a_end: dt.time, b_start: dt.time, b_end: dt.time) -> bool:
    """Whether two half-open spans of one day share a minute (touching ends do not)."""
    return a_start < b_end and b_start < a_end


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the week `day` falls in."""
    return day - dt.timedelta(days=day.weekday())
