"""POST note: the provider's short note; nobody else can write or read it."""

from __future__ import annotations

import pytest

from pushin.sessions.models import SessionStudent
from tests.sessions.factories import dated_session
from tests.sessions.helpers import (
    HTMX,
    PERSONAS,
    POST_EXPECTED,
    is_login_redirect,
    persona_user,
    record_url,
)


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    record = dated_session(world).members.get()
    response = login(persona_user(world, name)).post(
        record_url("note", record), {"note": "Tired today"}, **HTMX
    )
    assert response.status_code == POST_EXPECTED[name]
    record.refresh_from_db()
    assert record.note == ("Tired today" if name == "provider" else "")
    if name == "provider":
        assert ">Tired today</textarea>" in response.content.decode()
    else:
        assert b"Tired today" not in response.content
    if name == "anonymous":
        assert is_login_redirect(response)


def test_too_long_note(world, login):
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(
        record_url("note", record), {"note": "x" * 2001}, **HTMX
    )
    assert "Keep the note under 2000 characters." in response.content.decode()
    assert SessionStudent.objects.get(pk=record.pk).note == ""
