"""Weekly lessons: stored ahead like the standing schedule's occurrences, never in the
past; ending one removes only future unopened occurrences; the planner never overlaps it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pushin.lessons.models import ClassLesson, Topic, WeeklyLesson
from pushin.lessons.weekly import weekly_lesson_create, weekly_lesson_end, weekly_lessons_sync
from pushin.planning.scenario_build import scenario_build
from pushin.scheduling.scenario import Interval
from pushin.sessions.models import DatedSession, SessionStudent
from pushin.timespans import minutes_of
from tests.factories import World
from tests.lessons.helpers import THURSDAY, working_week

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def lworld(world: World) -> World:
    working_week(world)
    return world


def _weekly(world: World) -> WeeklyLesson:
    return weekly_lesson_create(
        actor=world.provider.user,
        provider=world.provider,
        classroom=world.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        topic=Topic.KEYBOARDING,
        plan="Home row, then a sentence.",
    )


def _occurrences(lesson: WeeklyLesson) -> list[DatedSession]:
    return list(DatedSession.objects.filter(class_lesson__weekly=lesson).order_by("date", "start"))


def test_creating_a_weekly_lesson_stores_this_and_next_weeks_occurrences(lworld: World) -> None:
    lesson = _weekly(lworld)
    assert (lesson.day, lesson.effective_from, lesson.effective_to) == ("thu", THURSDAY, None)
    dates = [s.date for s in _occurrences(lesson)]
    assert dates[:3] == [THURSDAY, THURSDAY + dt.timedelta(7), THURSDAY + dt.timedelta(14)]
    assert all(d.isoweekday() == 4 for d in dates)
    assert dates[-1] <= lworld.district.school_year_end
    first = _occurrences(lesson)[0]
    assert (first.start, first.end, first.standing_id) == (dt.time(10), dt.time(10, 45), None)
    assert first.class_lesson.topic == Topic.KEYBOARDING
    assert list(SessionStudent.objects.filter(session=first).values_list("student", flat=True)) == [
        lworld.student.pk
    ]
    again = weekly_lessons_sync(provider=lworld.provider, actor=None)
    assert (again.created, again.removed) == (0, 0)  # idempotent


def test_nothing_is_stored_before_today_or_once_started(lworld: World) -> None:
    lesson = WeeklyLesson.objects.create(
        provider=lworld.provider,
        classroom=lworld.classroom,
        day="wed",
        start=dt.time(10),
        end=dt.time(10, 30),
        topic=Topic.HANDWRITING,
        effective_from=dt.date(2026, 11, 4),
    )
    weekly_lessons_sync(provider=lworld.provider, actor=None)
    dates = [s.date for s in _occurrences(lesson)]
    assert dates
    assert dates[0] == TODAY + dt.timedelta(7)  # today's 10:00 has started


def test_ending_removes_only_future_unopened_occurrences(lworld: World) -> None:
    lesson = _weekly(lworld)
    called_off, *rest = _occurrences(lesson)
    DatedSession.objects.filter(pk=called_off.pk).update(cancel_reason="teacher_absent")
    assert rest
    ended = weekly_lesson_end(actor=lworld.provider.user, lesson=lesson)
    assert not ended.active
    assert ended.effective_to == THURSDAY - dt.timedelta(days=1)
    assert _occurrences(lesson) == [called_off]  # the record of the call-off stays
    assert not DatedSession.objects.filter(pk__in=[s.pk for s in rest]).exists()
    assert not ClassLesson.objects.filter(session_id__in=[s.pk for s in rest]).exists()
    with pytest.raises(ValidationError):
        weekly_lesson_end(actor=lworld.provider.user, lesson=ended)


def test_a_weekly_lesson_is_busy_time_of_every_week(lworld: World) -> None:
    _weekly(lworld)
    busy = Interval("thu", minutes_of(dt.time(10)), minutes_of(dt.time(10, 45)))
    for week in (None, THURSDAY + dt.timedelta(21)):
        scenario, _ = scenario_build(
            district=lworld.district, providers=[lworld.provider], week_of=week
        )
        [provider] = scenario.providers
        assert busy in provider.busy


def test_a_weekly_lesson_must_be_at_a_free_block(lworld: World) -> None:
    _weekly(lworld)
    with pytest.raises(ValidationError):
        weekly_lesson_create(
            actor=lworld.provider.user,
            provider=lworld.provider,
            classroom=lworld.classroom,
            date=THURSDAY + dt.timedelta(7),
            start=dt.time(10),
            end=dt.time(10, 45),
            topic=Topic.HANDWRITING,
        )
    assert WeeklyLesson.objects.count() == 1


def test_the_lessons_page_places_and_ends_a_weekly_lesson(lworld: World, login) -> None:
    from django.urls import reverse

    from pushin.ids import encode_id

    client = login(lworld.provider.user)
    url = reverse("lessons:new") + f"?classroom={encode_id(lworld.classroom.pk)}&week=2026-11-30"
    assert "Every week" in client.get(url).content.decode()
    response = client.post(
        url, {"slot": "2026-12-03 10:00 10:45", "topic": Topic.KEYBOARDING, "weekly": "on"}
    )
    assert response.status_code == 302
    lesson = WeeklyLesson.objects.get()
    assert (lesson.provider, lesson.classroom, lesson.day) == (
        lworld.provider,
        lworld.classroom,
        "thu",
    )
    assert len(_occurrences(lesson)) > 1
    home = client.get(reverse("lessons:home")).content.decode()
    assert "every Thursday 10:00\u201310:45" in home
    end = reverse("lessons:weekly_end", args=[lesson.pk])
    assert login(lworld.other_provider.user).post(end).status_code == 404
    assert WeeklyLesson.objects.get().active
    client = login(lworld.provider.user)
    assert client.post(end).status_code == 302
    assert not WeeklyLesson.objects.get().active
    assert _occurrences(lesson) == []
    assert "every Thursday" not in client.get(reverse("lessons:home")).content.decode()


def test_a_closure_takes_the_occurrence_off_and_back(lworld: World) -> None:
    from pushin.district.services import closure_create, closure_delete

    lesson = _weekly(lworld)
    snow_day = THURSDAY + dt.timedelta(7)
    closure = closure_create(
        actor=lworld.admin, district=lworld.district, name="Snow", start=snow_day, end=snow_day
    )
    dates = [s.date for s in _occurrences(lesson)]
    assert snow_day not in dates
    assert THURSDAY in dates
    closure_delete(actor=lworld.admin, closure=closure)
    assert snow_day in [s.date for s in _occurrences(lesson)]


def test_a_plan_accepted_after_a_weekly_lesson_never_overlaps_it(lworld: World, settings) -> None:
    from pushin.planning.services import plan_accept
    from pushin.timespans import spans_overlap
    from tests.planning.helpers import solved_run

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    settings.PUSHIN_PLAN_TIME_LIMIT = 2.0
    lesson = _weekly(lworld)
    [schedule] = plan_accept(run=solved_run(lworld), user=lworld.provider.user)
    weekly = list(schedule.sessions.all())
    assert weekly
    assert not any(
        s.day == lesson.day and spans_overlap(s.start, s.end, lesson.start, lesson.end)
        for s in weekly
    )
    for occurrence in _occurrences(lesson):
        others = DatedSession.objects.filter(
            provider=lworld.provider, date=occurrence.date, cancel_reason=""
        ).exclude(pk=occurrence.pk)
        assert not any(
            spans_overlap(o.start, o.end, occurrence.start, occurrence.end) for o in others
        )


def test_a_request_is_answered_by_one_lesson_not_a_weekly_one(lworld: World, login) -> None:
    from django.urls import reverse

    from pushin.ids import encode_id
    from pushin.lessons.models import LessonRequest

    asked = LessonRequest.objects.create(
        classroom=lworld.classroom,
        requested_by=lworld.teacher,
        topic=Topic.KEYBOARDING,
        by_when=dt.date(2026, 12, 18),
    )
    url = reverse("lessons:new") + f"?request={encode_id(asked.pk)}&week=2026-11-30"
    response = login(lworld.provider.user).post(
        url, {"slot": "2026-12-03 10:00 10:45", "topic": Topic.KEYBOARDING, "weekly": "on"}
    )
    assert response.status_code == 400
    assert "answered by one lesson" in response.content.decode()
    assert not WeeklyLesson.objects.exists()
    assert not ClassLesson.objects.exists()
