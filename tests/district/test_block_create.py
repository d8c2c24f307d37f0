"""Adding a weekly block to a classroom's timetable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.district.models import ActivityBlock
from tests.district.personas import HTMX, PERSONAS, is_login_redirect, persona_user

EXPECTED = {
    "provider": 302,
    "other_provider": 403,  # no students in the room: its week is read-only for them
    "teacher": 302,
    "other_teacher": 404,
    "para": 404,
    "admin": 302,
    "anonymous": 302,
}
VALID = {"day": "tue", "start": "13:00", "end": "13:45", "activity": "art", "week": "2026-11-16"}


def url(world) -> str:
    return reverse("district:block_create", args=[world.classroom.pk])


def tuesday_blocks(world):
    return ActivityBlock.objects.filter(classroom=world.classroom, day="tue")


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(url(world), VALID)
    assert response.status_code == EXPECTED[name]
    created = tuesday_blocks(world).exists()
    if name == "anonymous":
        assert is_login_redirect(response)
        assert not created
    elif response.status_code == 302:
        timetable = reverse("district:timetable", args=[world.classroom.pk])
        assert response["Location"] == f"{timetable}?week=2026-11-16"
        assert created
    else:
        assert not created


def test_get_is_not_allowed(world, login):
    assert login(world.teacher).get(url(world)).status_code == 405


def test_htmx_add_returns_the_refreshed_body(world, login):
    response = login(world.teacher).post(url(world), {**VALID, "teacher_preference": "bad"}, **HTMX)
    assert response.status_code == 200
    block = tuesday_blocks(world).get()
    assert block.teacher_preference == "bad"
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="timetable-body">')
    assert "Added Tuesday 13:00-13:45 Art." in html
    assert "pref-bad" in html


def test_change_is_recorded_with_who_made_it(world, login):
    login(world.teacher).post(url(world), VALID)
    block = tuesday_blocks(world).get()
    entry = AuditEntry.objects.get(object_type="district.activityblock", object_id=str(block.pk))
    assert entry.actor == world.teacher
    assert entry.action == "create"
    assert entry.student_id is None


def test_overlap_is_refused_naming_the_clashing_block(world, login):
    response = login(world.teacher).post(
        url(world),
        {"day": "mon", "start": "09:30", "end": "10:15", "activity": "math"},
        **HTMX,
    )
    assert response.status_code == 200
    assert ActivityBlock.objects.filter(classroom=world.classroom, day="mon").count() == 1
    errors = response.context["block_form"].non_field_errors()
    assert errors == [
        "This overlaps the block Monday 09:00-09:45 Writing in the same classroom. "
        "Change the times or edit that block first."
    ]
    assert "Monday 09:00-09:45 Writing" in response.content.decode()


def test_touching_blocks_are_fine(world, login):
    login(world.teacher).post(
        url(world), {"day": "mon", "start": "09:45", "end": "10:30", "activity": "math"}
    )
    assert ActivityBlock.objects.filter(classroom=world.classroom, day="mon").count() == 2


def test_another_rooms_block_does_not_clash(world, login):
    response = login(world.admin).post(
        reverse("district:block_create", args=[world.other_classroom.pk]),
        {"day": "tue", "start": "09:00", "end": "09:45", "activity": "writing"},
    )
    assert response.status_code == 302


def test_end_before_start_is_refused(world, login):
    response = login(world.teacher).post(
        url(world), {"day": "tue", "start": "11:00", "end": "10:00", "activity": "math"}
    )
    assert response.status_code == 200
    assert response.context["block_form"].errors["end"] == ["The end must be after the start."]
    assert not tuesday_blocks(world).exists()


def test_missing_and_unknown_values_are_refused(world, login):
    response = login(world.teacher).post(
        url(world), {"day": "sat", "start": "", "end": "10:00", "activity": "knitting"}
    )
    form = response.context["block_form"]
    assert set(form.errors) == {"day", "start", "activity"}
    assert not ActivityBlock.objects.filter(classroom=world.classroom, activity="knitting").exists()
