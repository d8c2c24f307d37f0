"""A world where the provider works every weekday at any school, so the rooms' blocks
(Mon 09:00 writing, Thu 10:00 centers) are free for lessons."""

from __future__ import annotations

import datetime as dt

from pushin.district.models import Availability
from pushin.lessons.models import ClassLesson, Topic
from pushin.lessons.services import lesson_schedule
from pushin.vocabulary import Weekday
from tests.factories import World

THURSDAY = dt.date(2026, 12, 3)  # the day after the suite's frozen today
NEXT_MONDAY = dt.date(2026, 12, 7)


def working_week(world: World) -> None:
    for provider in (world.provider, world.other_provider):
        for day in Weekday.values:
            Availability.objects.create(
                provider=provider, day=day, start=dt.time(8), end=dt.time(15)
            )


def thursday_lesson(world: World, topic: str = Topic.HANDWRITING) -> ClassLesson:
    return lesson_schedule(
        actor=world.provider.user,
        provider=world.provider,
        classroom=world.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        topic=topic,
        plan="Letter formation warm-up, then a sentence on raised-line paper.",
    )
