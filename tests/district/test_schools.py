"""Schools of the district and the travel-time matrix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.district.models import School, TravelTime
from tests.district.personas import HTMX, PERSONAS, is_login_redirect, persona_user

URL = reverse("district:schools")
GET_EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}
POST_EXPECTED = {
    "provider": 403,  # providers read the matrix, the administrator changes it
    "other_provider": 403,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 302,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == GET_EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    if response.status_code == 200:
        assert response.context["editable"] is (name == "admin")


@pytest.mark.parametrize("name", PERSONAS)
def test_travel_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(
        URL,
        {"action": "travel", "a": world.school.pk, "b": world.other_school.pk, "minutes": 25},
    )
    assert response.status_code == POST_EXPECTED[name]
    minutes = TravelTime.objects.get().minutes
    assert minutes == (25 if name == "admin" else 15)


@pytest.mark.parametrize("name", PERSONAS)
def test_add_school_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(
        URL, {"action": "school", "name": "Birch Middle", "code": "birch"}
    )
    assert response.status_code == POST_EXPECTED[name]
    assert School.objects.filter(code="birch").exists() is (name == "admin")


def test_matrix_is_symmetric_with_zero_diagonal(world, login):
    third = School.objects.create(district=world.district, name="Aspen Middle", code="aspen")
    response = login(world.provider.user).get(URL)
    rows = {
        row.school.code: {c.b.code: c.minutes for c in row.cells}
        for row in response.context["matrix"]
    }
    assert rows["maple"] == {"aspen": None, "cedar": 15, "maple": 0}
    assert rows["cedar"]["maple"] == 15
    assert rows["aspen"]["aspen"] == 0
    html = response.content.decode()
    assert "Not entered yet" in html
    assert 'type="number"' not in html  # read-only for providers
    assert third.name in html


def test_admin_cell_edit_via_htmx_updates_both_cells(world, login):
    # Entered from the higher-pk school's row: stored once, ordered.
    response = login(world.admin).post(
        URL,
        {"action": "travel", "a": world.other_school.pk, "b": world.school.pk, "minutes": 40},
        **HTMX,
    )
    assert response.status_code == 200
    travel = TravelTime.objects.get()
    assert (travel.from_school, travel.to_school, travel.minutes) == (
        world.school,
        world.other_school,
        40,
    )
    html = response.content.decode()
    assert f'id="cell-{world.other_school.pk}-{world.school.pk}"' in html
    mirror = f'id="cell-{world.school.pk}-{world.other_school.pk}" class="travel-cell"'
    assert f'{mirror} hx-swap-oob="true"' in html
    assert html.count('value="40"') == 2


@pytest.mark.parametrize("minutes", ["-1", "241", "abc", ""])
def test_out_of_range_minutes_are_refused(world, login, minutes):
    response = login(world.admin).post(
        URL,
        {"action": "travel", "a": world.school.pk, "b": world.other_school.pk, "minutes": minutes},
        **HTMX,
    )
    assert response.status_code == 200
    assert TravelTime.objects.get().minutes == 15
    assert 'role="alert"' in response.content.decode()
    assert "hx-swap-oob" not in response.content.decode()


def test_same_school_twice_is_refused(world, login):
    response = login(world.admin).post(
        URL, {"action": "travel", "a": world.school.pk, "b": world.school.pk, "minutes": 5}, **HTMX
    )
    assert "pick two different schools" in response.content.decode()
    assert TravelTime.objects.count() == 1


def test_school_of_another_district_is_404(world, login):
    from pushin.district.models import District

    elsewhere = District.objects.create(
        name="Elsewhere",
        school_year_start=world.district.school_year_start,
        school_year_end=world.district.school_year_end,
    )
    foreign = School.objects.create(district=elsewhere, name="Far", code="far")
    response = login(world.admin).post(
        URL, {"action": "travel", "a": world.school.pk, "b": foreign.pk, "minutes": 5}
    )
    assert response.status_code == 404
    assert login(world.admin).get(URL).content.decode().count("Far") == 0


def test_non_htmx_cell_post_redirects_with_a_message(world, login):
    client = login(world.admin)
    response = client.post(
        URL,
        {"action": "travel", "a": world.school.pk, "b": world.other_school.pk, "minutes": 300},
        follow=True,
    )
    assert "Ensure this value is less than or equal to 240." in response.content.decode()


def test_duplicate_school_code_is_refused(world, login):
    response = login(world.admin).post(
        URL, {"action": "school", "name": "Maple II", "code": "maple"}
    )
    assert response.status_code == 200
    assert response.context["school_form"].errors["code"] == [
        "Another school already uses the code “maple”."
    ]
    assert School.objects.filter(district=world.district).count() == 2


def test_bad_school_code_is_refused(world, login):
    response = login(world.admin).post(URL, {"action": "school", "name": "Oak", "code": "oak tree"})
    assert "code" in response.context["school_form"].errors
