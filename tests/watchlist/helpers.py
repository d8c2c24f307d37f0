"""A watch-list entry in the test world: a classmate of `student` in `classroom` (Room 2A,
Maple: the provider serves it, the teacher teaches it). Every name is made up."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pushin.accounts.models import User
from pushin.district.models import Classroom
from pushin.watchlist.models import WatchEntry
from pushin.watchlist.services import watch_entry_create, watch_observation_add
from tests.factories import World

WATCHED_NAME = "Quinn"


def make_entry(
    world: World,
    *,
    observations: int = 3,
    by: User | None = None,
    classroom: Classroom | None = None,
    first_name: str = WATCHED_NAME,
) -> WatchEntry:
    actor = by or world.teacher
    entry = watch_entry_create(
        actor=actor,
        classroom=classroom or world.classroom,
        first_name=first_name,
        last_initial="z",
        observed_on=dt.date(2026, 11, 2),
        activity="writing",
        seen="Pencil grip tires after two lines; copies from the board slowly.",
        strategy_tried="Pencil grip",
        outcome="partly",
        outcome_note="Wrote four lines",
    )
    for day, activity in [(dt.date(2026, 11, 9), "centers"), (dt.date(2026, 11, 16), "writing")][
        : observations - 1
    ]:
        watch_observation_add(
            actor=actor,
            entry=entry,
            observed_on=day,
            activity=activity,
            seen="Left the table twice during the activity.",
            strategy_tried="Wiggle cushion" if activity == "centers" else "",
            outcome="worked" if activity == "centers" else "",
        )
    return entry


def entry_url(name: str, entry: WatchEntry) -> str:
    return reverse(f"watchlist:{name}", args=[entry.pk])


def observation_post(**extra: str) -> dict[str, str]:
    data = {
        "observed_on": "2026-12-01",
        "activity": "math",
        "seen": "Counted on fingers, then gave up.",
        "strategy_tried": "",
        "outcome": "",
        "outcome_note": "",
    }
    data.update(extra)
    return data
