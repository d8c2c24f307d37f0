from __future__ import annotations

import datetime as dt

import pytest

from pushin.district.models import Availability
from pushin.vocabulary import Weekday
from tests.factories import World, make_world


def give_availability(world: World) -> None:
    """Both providers work 08:00-15:00 at any school, every day."""
    for provider in (world.provider, world.other_provider):
        for day in Weekday.values:
            Availability.objects.create(
                provider=provider, day=day, start=dt.time(8), end=dt.time(15)
            )


@pytest.fixture
def pworld(db: None, _immediate_tasks: None) -> World:
    """The shared test world, with working hours for both providers."""
    world = make_world()
    give_availability(world)
    return world


@pytest.fixture(autouse=True)
def _immediate_tasks(settings) -> None:
    """Tasks run inline unless a test asks for the database queue."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    settings.PUSHIN_PLAN_TIME_LIMIT = 2.0
