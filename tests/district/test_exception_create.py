"""Adding a dated exception (a test, an assembly, a cancelled class) to a timetable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.district.models import Closure, TimetableException
from tests.district.personas import HTMX, PERSONAS, is_login_redirect, persona_user

EXPECTED = {
    "provider": 302,
    "other_provider": 403,  # no students in the room
    "teacher": 302,
    "other_teacher": 404,
    "para": 404,
    "admin": 302,
    "anonymous": 302,
}
# A Thursday ahead of the tests' frozen today (Wed Dec 2, 2026): a teacher's change is
# refused for a day that has passed.
THURSDAY = "2026-12-10"
VALID = {
    "date": THURSDAY,
    "start": "10:00",
    "end": "10:45",
    "kind": "activity",
    "activity": "test",
    "note": "Spelling test",
    "week": "2026-12-07",
}


def url(world) -> str:
    return reverse("district:exception_create", args=[world.classroom.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    user = persona_user(world, name)
    response = login(user).post(url(world), VALID)
    assert response.status_code == EXPECTED[name]
    exists = TimetableException.objects.filter(classroom=world.classroom).exists()
    if name == "anonymous":
        assert is_login_redirect(response)
        assert not exists
    elif response.status_code == 302:
        assert exists
        assert TimetableException.objects.get().created_by == user
    else:
        assert not exists


def test_htmx_create_shows_it_in_the_week_and_the_list(world, login):
    response = login(world.teacher).post(url(world), VALID, **HTMX)
    assert response.status_code == 200
    exception = TimetableException.objects.get()
    assert (exception.kind, exception.activity, exception.note) == (
        "activity",
        "test",
        "Spelling test",
    )
    assert exception.created_by == world.teacher
    assert response.context["week"].week_exceptions == [exception]
    html = response.content.decode()
    assert "Recorded Thu Dec 10 10:00-10:45: Test / assessment." in html
    assert "by Teacher Tester" in html


def test_cancelled_needs_no_activity_and_drops_one(world, login):
    login(world.teacher).post(url(world), {**VALID, "kind": "cancelled", "activity": "math"})
    exception = TimetableException.objects.get()
    assert (exception.kind, exception.activity) == ("cancelled", "")


def refused(login, world, **changes):
    response = login(world.teacher).post(url(world), {**VALID, **changes}, **HTMX)
    assert response.status_code == 200
    assert not TimetableException.objects.exists()
    return response.context["exception_form"]


def test_weekend_date_is_refused(world, login):
    form = refused(login, world, date="2026-12-12")
    assert form.errors["date"] == ["That is a weekend: pick a school day (Monday to Friday)."]


def test_closure_date_is_refused(world, login):
    Closure.objects.create(
        district=world.district,
        name="Snow days",
        start=dt.date(2026, 12, 17),
        end=dt.date(2026, 12, 18),
    )
    form = refused(login, world, date="2026-12-17")
    assert form.errors["date"] == [
        "There is no school that day: Snow days (2026-12-17..2026-12-18)."
    ]


def test_date_outside_the_school_year_is_refused(world, login):
    form = refused(login, world, date="2027-07-06")
    assert form.errors["date"] == [
        "That date is outside the school year (Aug 31, 2026 to Jun 18, 2027)."
    ]


def test_a_teachers_past_date_is_refused(world, login):
    form = refused(login, world, date="2026-12-01")  # yesterday
    assert form.errors["date"] == [
        "Tue Dec 1 has passed: report a change for today or a school day ahead."
    ]


def test_end_before_start_is_refused(world, login):
    form = refused(login, world, start="11:00", end="10:00")
    assert form.errors["end"] == ["The end must be after the start."]


def test_different_activity_needs_the_activity(world, login):
    form = refused(login, world, activity="")
    assert form.errors["activity"] == ["Say which activity replaces the usual one."]


def test_overlapping_exception_on_the_same_day_is_refused(world, login):
    login(world.teacher).post(url(world), VALID)
    response = login(world.teacher).post(url(world), {**VALID, "start": "10:30", "end": "11:00"})
    assert TimetableException.objects.count() == 1
    assert response.context["exception_form"].non_field_errors() == [
        "This overlaps the exception Thu Dec 10 10:00-10:45: Test / assessment already recorded "
        "for this room. Delete that one first."
    ]
