"""Two synthetic watch-list entries for the demo district, in the teacher login's room.

One noted by the teacher, with three observations (its summary for the intervention team
is ready), one noted by the room's provider with a single observation. The names are made
up; the dates are school days in the weeks before `today`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pushin.district.models import Classroom, District, Provider
from pushin.watchlist.models import WatchEntry, WatchObservation
from pushin.watchlist.services import watch_expiry

# (weeks before today, activity, what was seen, strategy tried, outcome, note)
TEACHER_NOTES = [
    (
        3,
        "writing",
        "Holds the pencil in a fist; letters float off the line after a few words.",
        "",
        "",
        "",
    ),
    (
        2,
        "centers",
        "Avoids the cutting station; tears the paper instead of cutting.",
        "Loop scissors",
        "partly",
        "Cut along straight lines, not curves",
    ),
    (
        1,
        "writing",
        "Copies two lines from the board in the time others copy five.",
        "Near-point copy on the desk",
        "worked",
        "Finished the copying with the class",
    ),
]
PROVIDER_NOTES = [
    (
        1,
        "carpet",
        "Leans on classmates and slides off the carpet square during read-aloud.",
        "Wiggle cushion",
        "did_not",
        "",
    ),
]


def _school_day_before(today: dt.date, weeks: int, first: dt.date) -> dt.date:
    day = today - dt.timedelta(weeks=weeks)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return max(day, min(first, today))


def demo_watch_entries(district: District, *, featured_room: Classroom, today: dt.date) -> int:
    """The demo's watch entries; how many were made (none if the room has no provider)."""
    provider = Provider.objects.filter(students__classroom=featured_room).order_by("pk").first()
    if provider is None or featured_room.teacher is None:
        return 0
    expires_on = watch_expiry(district=district, today=today)
    made = 0
    for first_name, initial, author, notes in (
        ("Tess", "R", featured_room.teacher, TEACHER_NOTES),
        ("Omar", "K", provider.user, PROVIDER_NOTES),
    ):
        entry = WatchEntry.objects.create(
            district=district,
            classroom=featured_room,
            first_name=first_name,
            last_initial=initial,
            created_by=author,
            created_at=timezone.now(),
            expires_on=expires_on,
        )
        WatchObservation.objects.bulk_create(
            WatchObservation(
                entry=entry,
                observed_on=_school_day_before(today, weeks, district.school_year_start),
                activity=activity,
                seen=seen,
                strategy_tried=strategy,
                outcome=outcome,
                outcome_note=note,
                author=author,
            )
            for weeks, activity, seen, strategy, outcome, note in notes
        )
        made += 1
    return made
