"""Deleting a dated exception."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.district.models import TimetableException
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


@pytest.fixture
def exception(world) -> TimetableException:
    return TimetableException.objects.create(
        classroom=world.classroom,
        date=dt.date(2026, 11, 19),
        start=dt.time(10),
        end=dt.time(10, 45),
        activity="assembly",
        created_by=world.teacher,
    )


def url(exception: TimetableException) -> str:
    return reverse("district:exception_delete", args=[exception.classroom_id, exception.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, exception, name):
    response = login(persona_user(world, name)).post(url(exception))
    assert response.status_code == EXPECTED[name]
    gone = not TimetableException.objects.filter(pk=exception.pk).exists()
    if name == "anonymous":
        assert is_login_redirect(response)
    assert gone is (EXPECTED[name] == 302 and name != "anonymous")


def test_get_is_not_allowed(world, login, exception):
    assert login(world.teacher).get(url(exception)).status_code == 405


def test_exception_of_another_room_is_404(world, login):
    other = TimetableException.objects.create(
        classroom=world.other_classroom,
        date=dt.date(2026, 11, 19),
        start=dt.time(10),
        end=dt.time(10, 45),
        kind="cancelled",
    )
    response = login(world.teacher).post(
        reverse("district:exception_delete", args=[world.classroom.pk, other.pk])
    )
    assert response.status_code == 404
    assert TimetableException.objects.filter(pk=other.pk).exists()


def test_htmx_delete_returns_the_body_and_records_who(world, login, exception):
    response = login(world.provider.user).post(url(exception), {"week": "2026-11-16"}, **HTMX)
    assert response.status_code == 200
    assert "Deleted the exception Thu Nov 19 10:00-10:45: Assembly." in response.content.decode()
    entry = AuditEntry.objects.get(object_type="district.timetableexception", action="delete")
    assert entry.actor == world.provider.user
    assert entry.object_id == str(exception.pk)
