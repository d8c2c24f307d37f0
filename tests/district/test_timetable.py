"""The classroom timetable page: week grid, exceptions, read-only and hidden rooms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.district import views
from pushin.district.models import ActivityBlock, Closure, TimetableException
from pushin.vocabulary import Activity
from tests.district.personas import HTMX, PERSONAS, is_login_redirect, persona_user

EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 200,
    "other_teacher": 404,  # not their room
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}
WEEK = "2026-11-16"  # a Monday inside the test school year


def url(world, week: str | None = WEEK) -> str:
    base = reverse("district:timetable", args=[world.classroom.pk])
    return f"{base}?week={week}" if week else base


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(url(world))
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    if response.status_code == 200:
        # A provider with no students in the room reads its week but cannot change it.
        assert response.context["editable"] is (name != "other_provider")


def test_unknown_classroom_is_404(world, login):
    response = login(world.admin).get(reverse("district:timetable", args=[999999]))
    assert response.status_code == 404


def test_week_grid_places_blocks_by_day_and_time(world, login):
    ActivityBlock.objects.filter(classroom=world.classroom, day="mon").update(
        teacher_preference="good"
    )
    response = login(world.teacher).get(url(world))
    grid = response.context["week"].grid
    assert [d.code for d in grid.days] == ["mon", "tue", "wed", "thu", "fri"]
    monday = grid.days[0]
    assert monday.date == dt.date(2026, 11, 16)
    (writing,) = monday.items
    assert writing.item.css == "act-writing pref-good"
    assert writing.top == pytest.approx(60 * 1.2)  # 09:00 is an hour below 08:00
    assert writing.height == pytest.approx(45 * 1.2)
    html = response.content.decode()
    assert 'class="week"' in html
    assert "act-centers" in html
    assert "pref-good" in html
    assert "table-wrap week-wrap" in html  # scrolls sideways on a phone


def test_exceptions_of_the_picked_week_are_shown_and_listed(world, login):
    TimetableException.objects.create(
        classroom=world.classroom,
        date=dt.date(2026, 11, 19),
        start=dt.time(10),
        end=dt.time(10, 45),
        activity=Activity.TEST,
        note="Unit test",
        created_by=world.teacher,
    )
    TimetableException.objects.create(
        classroom=world.classroom,
        date=dt.date(2026, 12, 3),
        start=dt.time(9),
        end=dt.time(10),
        kind="cancelled",
        created_by=world.teacher,
    )
    response = login(world.provider.user).get(url(world))
    week = response.context["week"]
    assert [e.date for e in week.week_exceptions] == [dt.date(2026, 11, 19)]
    thursday = week.grid.days[3]
    assert any("exc" in p.item.css and "act-test" in p.item.css for p in thursday.items)
    next_week = login(world.provider.user).get(url(world, "2026-12-02")).context["week"]
    assert [e.kind for e in next_week.week_exceptions] == ["cancelled"]
    assert next_week.monday == dt.date(2026, 11, 30)


def test_closure_of_the_week_is_marked(world, login):
    Closure.objects.create(
        district=world.district,
        name="Thanksgiving",
        start=dt.date(2026, 11, 26),
        end=dt.date(2026, 11, 27),
    )
    response = login(world.teacher).get(url(world, "2026-11-25"))
    days = response.context["week"].grid.days
    assert [d.note for d in days] == [
        "",
        "",
        "",
        "No school: Thanksgiving",
        "No school: Thanksgiving",
    ]


def test_exception_list_upcoming_first(world, login):
    today = timezone.localdate()
    past = TimetableException.objects.create(
        classroom=world.classroom,
        date=today - dt.timedelta(days=30),
        start=dt.time(9),
        end=dt.time(10),
        kind="cancelled",
    )
    soon = TimetableException.objects.create(
        classroom=world.classroom,
        date=today + dt.timedelta(days=1),
        start=dt.time(9),
        end=dt.time(10),
        kind="cancelled",
    )
    later = TimetableException.objects.create(
        classroom=world.classroom,
        date=today + dt.timedelta(days=8),
        start=dt.time(9),
        end=dt.time(10),
        kind="cancelled",
    )
    exceptions = login(world.teacher).get(url(world, None)).context["exceptions"]
    assert exceptions.upcoming == [soon, later]
    assert exceptions.past == [past]


def test_default_week_is_this_week(world, login):
    response = login(world.teacher).get(url(world, None))
    today = timezone.localdate()
    assert response.context["week"].monday == today - dt.timedelta(days=today.weekday())


def test_a_bad_week_parameter_is_a_400(world, login):
    response = login(world.teacher).get(url(world, "not-a-date"))
    assert response.status_code == 400  # tests/core/test_crafted_dates.py: every page alike
    assert "“?week=” must be a date written YYYY-MM-DD" in response.content.decode()


def test_read_only_for_someone_who_sees_but_cannot_edit(world, login, monkeypatch):
    monkeypatch.setattr(views, "can_edit_timetable", lambda user, classroom: False)
    client = login(world.provider.user)
    response = client.get(url(world))
    assert response.status_code == 200
    assert response.context["editable"] is False
    html = response.content.decode()
    assert "Add a block" not in html
    assert reverse("district:block_create", args=[world.classroom.pk]) not in html
    assert all(not p.item.url for d in response.context["week"].grid.days for p in d.items)
    post = client.post(
        reverse("district:block_create", args=[world.classroom.pk]),
        {"day": "tue", "start": "13:00", "end": "13:30", "activity": "math"},
    )
    assert post.status_code == 403
    assert not ActivityBlock.objects.filter(classroom=world.classroom, day="tue").exists()


def test_htmx_request_returns_the_body_only(world, login):
    response = login(world.teacher).get(url(world), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="timetable-body">')
    assert "<html" not in html


def test_no_n_plus_one(world, login, django_assert_max_num_queries):
    for hour in range(7, 17):
        for day in ("tue", "wed", "fri"):
            ActivityBlock.objects.create(
                classroom=world.classroom,
                day=day,
                start=dt.time(hour),
                end=dt.time(hour, 50),
                activity=Activity.MATH,
            )
    for offset in range(20):
        TimetableException.objects.create(
            classroom=world.classroom,
            date=dt.date(2026, 11, 16) + dt.timedelta(days=offset),
            start=dt.time(9),
            end=dt.time(9, 30),
            kind="cancelled",
            created_by=world.teacher,
        )
    client = login(world.teacher)
    with django_assert_max_num_queries(12):
        response = client.get(url(world))
    assert len(response.context["week"].blocks) == 32


def test_the_heading_gives_the_grade_in_words(world, login):
    page = login(world.teacher).get(url(world)).content.decode()
    assert " · Grade 2 · " in page
    assert "grade 2" not in page
