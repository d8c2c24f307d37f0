"""The planner treats the provider's whole-class lessons as busy time (docs/lessons.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from pushin.planning.scenario_build import scenario_build
from pushin.planning.services import plan_accept
from pushin.planning.week import is_replannable
from pushin.scheduling.scenario import Interval
from pushin.sessions.models import DatedSession
from pushin.timespans import minutes_of, spans_overlap
from tests.factories import World
from tests.lessons.helpers import NEXT_MONDAY, THURSDAY, thursday_lesson, working_week
from tests.planning.helpers import solved_run

pytestmark = pytest.mark.django_db

LESSON_BUSY = Interval("thu", minutes_of(dt.time(10)), minutes_of(dt.time(10, 45)))


@pytest.fixture
def pworld(world: World, settings) -> World:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    settings.PUSHIN_PLAN_TIME_LIMIT = 2.0
    working_week(world)
    return world


def _busy(world: World, week_of: dt.date | None) -> tuple[Interval, ...]:
    scenario, _ = scenario_build(
        district=world.district, providers=[world.provider], week_of=week_of
    )
    [provider] = [p for p in scenario.providers if p.id == f"p{world.provider.pk}"]
    return provider.busy


def test_a_placed_lesson_is_busy_time_of_its_week_and_the_usual_week(pworld: World) -> None:
    assert LESSON_BUSY not in _busy(pworld, None)
    thursday_lesson(pworld)
    assert LESSON_BUSY in _busy(pworld, THURSDAY)
    assert LESSON_BUSY in _busy(pworld, None)  # still to come: the usual week keeps it free
    assert LESSON_BUSY not in _busy(pworld, NEXT_MONDAY)  # another week: free
    other, _ = scenario_build(
        district=pworld.district, providers=[pworld.other_provider], week_of=THURSDAY
    )
    assert all(LESSON_BUSY not in p.busy for p in other.providers)


def test_a_called_off_lesson_is_not_busy_time(pworld: World) -> None:
    lesson = thursday_lesson(pworld)
    DatedSession.objects.filter(pk=lesson.session_id).update(cancel_reason="teacher_absent")
    assert LESSON_BUSY not in _busy(pworld, THURSDAY)


def test_a_plan_accepted_after_a_lesson_never_overlaps_it(pworld: World) -> None:
    lesson = thursday_lesson(pworld)
    run = solved_run(pworld)
    assert run.plan_data is not None
    [schedule] = plan_accept(run=run, user=pworld.provider.user)
    weekly = list(schedule.sessions.all())
    assert weekly  # the Monday block is still planned
    for session in weekly:
        assert not (
            session.day == "thu"
            and spans_overlap(session.start, session.end, dt.time(10), dt.time(10, 45))
        )
    on_the_day = DatedSession.objects.filter(provider=pworld.provider, date=THURSDAY)
    assert list(on_the_day) == [lesson.session]


def test_a_one_week_replan_never_moves_a_lesson(pworld: World) -> None:
    lesson = thursday_lesson(pworld)
    session = DatedSession.objects.select_related("class_lesson").get(pk=lesson.session_id)
    from django.utils import timezone

    assert not is_replannable(session, timezone.localtime())


def test_moving_a_weekly_session_onto_a_lesson_is_refused(pworld: World) -> None:
    from pushin.lessons.models import ClassLesson, Topic
    from pushin.planning.services import PlanRefused, session_move
    from tests.planning.test_session_move import centers, thursday_session

    session = thursday_session(pworld)  # Thu 10:00-10:30
    later = DatedSession.objects.create(
        provider=pworld.provider,
        classroom=pworld.classroom,
        date=THURSDAY + dt.timedelta(days=7),
        start=dt.time(10, 30),
        end=dt.time(10, 45),
    )
    ClassLesson.objects.create(session=later, classroom=pworld.classroom, topic=Topic.KEYBOARDING)
    with pytest.raises(PlanRefused):
        session_move(
            session=session, user=pworld.provider.user, block=centers(pworld), start=dt.time(10, 15)
        )
    session.refresh_from_db()
    assert session.start == dt.time(10)
