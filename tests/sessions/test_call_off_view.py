"""POST call-off and its undo: the provider calls a session off in advance, with a reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.sessions.models import DatedSession
from tests.sessions.helpers import PERSONAS, is_login_redirect, persona_user
from tests.sessions.timing import HAS_STARTED, NEEDS_REASON, THURSDAY, at, upcoming

EXPECTED = {
    "provider": 302,  # back to the session page
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


def call_off_url(session) -> str:
    return reverse("sessions:call_off", args=[session.pk])


def undo_url(session) -> str:
    return reverse("sessions:call_off_undo", args=[session.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    session = upcoming(world)
    response = login(persona_user(world, name)).post(
        call_off_url(session), {"attendance": "provider_absent", "reason": "Out sick"}
    )
    assert response.status_code == EXPECTED[name]
    session.refresh_from_db()
    assert session.cancel_reason == ("Out sick" if name == "provider" else "")
    if name == "provider":
        assert response["Location"] == reverse("sessions:detail", args=[session.pk])
    if name == "anonymous":
        assert is_login_redirect(response)


def test_call_off_shows_the_reason_and_the_undo(world, login):
    session = upcoming(world)
    client = login(world.provider.user)
    response = client.post(
        call_off_url(session),
        {"attendance": "student_unavailable", "reason": "Class trip to the museum"},
        follow=True,
    )
    html = response.content.decode()
    assert "Session called off. Every student in it is recorded as missed." in html
    assert "Called off in advance: “Class trip to the museum”." in html
    assert undo_url(session) in html
    record = session.members.get()
    assert (record.attendance, record.minutes_delivered) == ("student_unavailable", 0)


def test_call_off_without_a_reason_is_refused_with_the_message(world, login):
    session = upcoming(world)
    response = login(world.provider.user).post(
        call_off_url(session), {"attendance": "provider_absent", "reason": ""}, follow=True
    )
    assert NEEDS_REASON in response.content.decode()
    session.refresh_from_db()
    assert (session.cancel_reason, session.status) == ("", "planned")
    assert session.members.get().attendance == ""


def test_call_off_after_the_start_is_refused(world, login, time_machine):
    session = upcoming(world)
    at(time_machine, THURSDAY, 10, 15)
    response = login(world.provider.user).post(
        call_off_url(session), {"attendance": "provider_absent", "reason": "Sick"}, follow=True
    )
    assert HAS_STARTED in response.content.decode()
    assert DatedSession.objects.get(pk=session.pk).cancel_reason == ""


@pytest.mark.parametrize("name", PERSONAS)
def test_undo_permission_matrix(world, login, name):
    session = upcoming(world)
    login(world.provider.user).post(
        call_off_url(session), {"attendance": "provider_absent", "reason": "Out sick"}
    )
    response = login(persona_user(world, name)).post(undo_url(session))
    assert response.status_code == EXPECTED[name]
    session.refresh_from_db()
    assert session.cancel_reason == ("" if name == "provider" else "Out sick")
    assert session.members.get().attendance == ("" if name == "provider" else "provider_absent")


def test_get_is_not_allowed(world, login):
    session = upcoming(world)
    client = login(world.provider.user)
    assert client.get(call_off_url(session)).status_code == 405
    assert client.get(undo_url(session)).status_code == 405
