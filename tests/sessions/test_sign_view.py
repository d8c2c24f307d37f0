"""POST sign: the provider signs; the page then asks a reason for every change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.sessions.models import DatedSession
from pushin.sessions.services import attendance_record
from tests.sessions.factories import dated_session
from tests.sessions.helpers import PERSONAS, is_login_redirect, persona_user

EXPECTED = {
    "provider": 302,  # back to the session page
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    session = dated_session(world)
    attendance_record(
        actor=world.provider.user, record=session.members.get(), attendance="delivered"
    )
    response = login(persona_user(world, name)).post(reverse("sessions:sign", args=[session.pk]))
    assert response.status_code == EXPECTED[name]
    session.refresh_from_db()
    assert session.is_signed == (name == "provider")
    if name == "provider":
        assert response["Location"] == reverse("sessions:detail", args=[session.pk])
    if name == "anonymous":
        assert is_login_redirect(response)


def test_missing_attendance_is_explained(world, login):
    session = dated_session(world)
    response = login(world.provider.user).post(
        reverse("sessions:sign", args=[session.pk]), follow=True
    )
    assert (
        "Record the attendance of every student before signing (1 missing)."
        in response.content.decode()
    )
    assert DatedSession.objects.get(pk=session.pk).status == "planned"
