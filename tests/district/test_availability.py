"""A provider's weekly availability, busy times and contracted hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.district.models import Availability, BusyTime
from tests.district.personas import HTMX, PERSONAS, is_login_redirect, persona_user

GET_EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}
POST_EXPECTED = {**GET_EXPECTED, "provider": 302, "admin": 302}
WINDOW = {"action": "window_add", "day": "mon", "start": "08:00", "end": "12:00"}


def url(world) -> str:
    return reverse("district:availability", args=[world.provider.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(url(world))
    assert response.status_code == GET_EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    if response.status_code == 200:
        assert response.context["editable"] is True


@pytest.mark.parametrize("name", PERSONAS)
def test_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(url(world), WINDOW)
    assert response.status_code == POST_EXPECTED[name]
    assert world.provider.availability.exists() is (name in ("provider", "admin"))


def test_supervising_therapist_may_read_but_not_change(world, login):
    world.provider.supervisor = world.other_provider
    world.provider.save()
    client = login(world.other_provider.user)
    response = client.get(url(world))
    assert response.status_code == 200
    assert response.context["editable"] is False
    assert "Add window" not in response.content.decode()
    assert client.post(url(world), WINDOW).status_code == 403
    assert not world.provider.availability.exists()


def test_supervisee_cannot_see_the_supervisors_week(world, login):
    world.provider.supervisor = world.other_provider
    world.provider.save()
    response = login(world.provider.user).get(
        reverse("district:availability", args=[world.other_provider.pk])
    )
    assert response.status_code == 404


def test_add_window_pinned_to_a_school_shows_on_the_grid(world, login):
    response = login(world.provider.user).post(
        url(world), {**WINDOW, "school": world.school.pk}, **HTMX
    )
    assert response.status_code == 200
    window = world.provider.availability.get()
    assert window.school == world.school
    monday = response.context["grid"].days[0]
    assert [p.item.css for p in monday.items] == ["avail"]
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="availability-body">')
    assert "Maple Elementary" in html


def test_overlapping_windows_on_one_day_are_refused(world, login):
    client = login(world.provider.user)
    client.post(url(world), WINDOW)
    response = client.post(url(world), {**WINDOW, "start": "11:00", "end": "15:00"}, **HTMX)
    assert world.provider.availability.count() == 1
    assert response.context["window_form"].non_field_errors() == [
        "This overlaps the window Monday 08:00-12:00 on the same day. "
        "Change the times or delete that window first."
    ]
    other_day = client.post(url(world), {**WINDOW, "day": "tue"})
    assert other_day.status_code == 302
    assert world.provider.availability.count() == 2


def test_window_end_before_start_is_refused(world, login):
    response = login(world.provider.user).post(
        url(world), {**WINDOW, "start": "12:00", "end": "08:00"}
    )
    assert response.status_code == 200
    assert response.context["window_form"].errors["end"] == ["The end must be after the start."]


def test_school_of_another_district_is_not_a_choice(world, login):
    from pushin.district.models import District, School

    elsewhere = District.objects.create(
        name="Elsewhere",
        school_year_start=world.district.school_year_start,
        school_year_end=world.district.school_year_end,
    )
    far = School.objects.create(district=elsewhere, name="Far", code="far")
    response = login(world.provider.user).post(url(world), {**WINDOW, "school": far.pk})
    assert "school" in response.context["window_form"].errors
    assert not world.provider.availability.exists()


def test_delete_window(world, login):
    window = Availability.objects.create(
        provider=world.provider, day="wed", start=dt.time(8), end=dt.time(15)
    )
    response = login(world.admin).post(
        url(world), {"action": "window_delete", "id": window.pk}, **HTMX
    )
    assert response.status_code == 200
    assert not Availability.objects.filter(pk=window.pk).exists()


def test_cannot_delete_another_providers_window(world, login):
    theirs = Availability.objects.create(
        provider=world.other_provider, day="wed", start=dt.time(8), end=dt.time(15)
    )
    response = login(world.provider.user).post(
        url(world), {"action": "window_delete", "id": theirs.pk}
    )
    assert response.status_code == 404
    assert Availability.objects.filter(pk=theirs.pk).exists()


def test_busy_times_add_and_delete(world, login):
    client = login(world.provider.user)
    response = client.post(
        url(world),
        {"action": "busy_add", "day": "fri", "start": "12:00", "end": "12:30", "label": "Lunch"},
        **HTMX,
    )
    busy = BusyTime.objects.get(provider=world.provider)
    assert busy.label == "Lunch"
    friday = response.context["grid"].days[4]
    assert [p.item.label for p in friday.items] == ["Lunch"]
    client.post(url(world), {"action": "busy_delete", "id": busy.pk})
    assert not BusyTime.objects.exists()


def test_busy_end_before_start_is_refused(world, login):
    response = login(world.provider.user).post(
        url(world), {"action": "busy_add", "day": "fri", "start": "13:00", "end": "12:30"}
    )
    assert response.context["busy_form"].errors["end"] == ["The end must be after the start."]


def test_hours_are_editable(world, login):
    login(world.admin).post(
        url(world),
        {"action": "hours", "contracted_minutes_per_week": 1800, "max_direct_minutes_per_day": 300},
    )
    world.provider.refresh_from_db()
    assert world.provider.contracted_minutes_per_week == 1800
    assert world.provider.max_direct_minutes_per_day == 300


def test_hours_daily_cap_above_the_week_is_refused(world, login):
    response = login(world.provider.user).post(
        url(world),
        {"action": "hours", "contracted_minutes_per_week": 200, "max_direct_minutes_per_day": 300},
    )
    assert response.context["hours_form"].errors["max_direct_minutes_per_day"] == [
        "The daily direct maximum cannot exceed the contracted minutes for the whole week."
    ]
    world.provider.refresh_from_db()
    assert world.provider.contracted_minutes_per_week == 37 * 60 + 30


def test_unknown_action_is_404(world, login):
    assert login(world.provider.user).post(url(world), {"action": "nope"}).status_code == 404
