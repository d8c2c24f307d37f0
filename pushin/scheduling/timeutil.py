"""Days and "HH:MM" times; internally a time is minutes since midnight."""

from __future__ import annotations

import re

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
DAY_INDEX: dict[str, int] = {day: index for index, day in enumerate(DAYS)}
DAY_LABEL: dict[str, str] = {day: day.capitalize() for day in DAYS}

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(text: str) -> int | None:
    """Minutes since midnight, or None when text is not a 24 h "HH:MM"."""
    match = _HHMM.match(text)
    if match is None:
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_span(day: str, start: int, end: int) -> str:
    """'Mon 09:00-09:45', the form every message uses."""
    return f"{DAY_LABEL.get(day, day)} {format_hhmm(start)}-{format_hhmm(end)}"


def overlaps(start_a: int, end_a: int, start_b: int, end_b: int) -> bool:
    return start_a < end_b and start_b < end_a
