"""Changing and deleting a weekly block."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.district.models import ActivityBlock
from tests.district.personas import HTMX, PERSONAS, is_login_redirect, persona_user

GET_EXPECTED = {
    "provider": 200,
    "other_provider": 403,  # no students in the room: its week is read-only for them
    "teacher": 200,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}
POST_EXPECTED = {**GET_EXPECTED, **{k: 302 for k, v in GET_EXPECTED.items() if v == 200}}


def writing(world) -> ActivityBlock:
    return ActivityBlock.objects.get(classroom=world.classroom, day="mon")


def url(world, block: ActivityBlock | None = None) -> str:
    block = block or writing(world)
    return reverse("district:block_edit", args=[block.classroom_id, block.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(url(world))
    assert response.status_code == GET_EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", PERSONAS)
def test_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(
        url(world), {"day": "mon", "start": "09:00", "end": "09:30", "activity": "writing"}
    )
    assert response.status_code == POST_EXPECTED[name]
    changed = writing(world).end == dt.time(9, 30)
    assert changed is (response.status_code == 302 and name != "anonymous")


@pytest.mark.parametrize("name", PERSONAS)
def test_delete_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(url(world), {"action": "delete"})
    assert response.status_code == POST_EXPECTED[name]
    gone = not ActivityBlock.objects.filter(classroom=world.classroom, day="mon").exists()
    assert gone is (response.status_code == 302 and name != "anonymous")


def test_block_of_another_room_is_404_even_through_a_visible_room(world, login):
    other = ActivityBlock.objects.get(classroom=world.other_classroom, day="mon")
    response = login(world.teacher).get(
        reverse("district:block_edit", args=[world.classroom.pk, other.pk])
    )
    assert response.status_code == 404


def test_htmx_get_returns_the_edit_form_only(world, login):
    response = login(world.teacher).get(url(world), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card editor"')
    assert 'value="09:45"' in html


def test_update_saves_and_records_who(world, login):
    block = writing(world)
    response = login(world.teacher).post(
        url(world, block),
        {
            "day": "wed",
            "start": "13:00",
            "end": "13:40",
            "activity": "centers",
            "teacher_preference": "good",
        },
        **HTMX,
    )
    assert response.status_code == 200
    block.refresh_from_db()
    assert (block.day, block.start, block.end, block.activity, block.teacher_preference) == (
        "wed",
        dt.time(13),
        dt.time(13, 40),
        "centers",
        "good",
    )
    entry = AuditEntry.objects.get(object_type="district.activityblock", action="update")
    assert entry.actor == world.teacher
    assert set(entry.detail["fields"]) == {"day", "start", "end", "activity", "teacher_preference"}


def test_update_into_an_overlap_is_refused(world, login):
    block = writing(world)
    response = login(world.teacher).post(
        url(world, block),
        {"day": "thu", "start": "10:30", "end": "11:00", "activity": "writing"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.context["edit_form"].non_field_errors() == [
        "This overlaps the block Thursday 10:00-10:45 Literacy centers in the same classroom. "
        "Change the times or edit that block first."
    ]
    block.refresh_from_db()
    assert block.day == "mon"


def test_a_block_may_keep_its_own_times(world, login):
    response = login(world.teacher).post(
        url(world), {"day": "mon", "start": "09:00", "end": "09:45", "activity": "math"}
    )
    assert response.status_code == 302
    assert writing(world).activity == "math"


def test_end_before_start_is_refused(world, login):
    response = login(world.teacher).post(
        url(world), {"day": "mon", "start": "09:00", "end": "08:00", "activity": "writing"}
    )
    assert response.status_code == 200
    assert response.context["edit_form"].errors["end"] == ["The end must be after the start."]


def test_delete_via_htmx_returns_the_body(world, login):
    response = login(world.admin).post(url(world), {"action": "delete"}, **HTMX)
    assert response.status_code == 200
    assert "Deleted Monday 09:00-09:45 Writing." in response.content.decode()
    assert AuditEntry.objects.filter(object_type="district.activityblock", action="delete").exists()
