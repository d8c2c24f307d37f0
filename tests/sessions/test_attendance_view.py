"""POST attendance: one tap on a button; minutes and cut-short reason when delivered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.sessions.models import Amendment, SessionStudent
from pushin.sessions.services import session_sign
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
        record_url("attendance", record), {"attendance": "delivered"}, **HTMX
    )
    assert response.status_code == POST_EXPECTED[name]
    record.refresh_from_db()
    if name == "provider":
        assert record.attendance == "delivered"
        assert f'id="record-{record.pk}"' in response.content.decode()
        assert 'id="session-status"' in response.content.decode()  # out-of-band status
        assert 'hx-swap-oob="true"' in response.content.decode()
    else:
        assert record.attendance == ""
    if name == "anonymous":
        assert is_login_redirect(response)


def test_get_is_not_allowed(world, login):
    record = dated_session(world).members.get()
    response = login(world.provider.user).get(record_url("attendance", record))
    assert response.status_code == 405


def test_partial_minutes_without_reason_shows_the_error_in_the_card(world, login):
    record = dated_session(world).members.get()
    client = login(world.provider.user)
    client.post(record_url("attendance", record), {"attendance": "delivered"}, **HTMX)
    response = client.post(
        record_url("attendance", record),
        {"attendance": "delivered", "minutes_delivered": "20"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Say why the session was cut short (20 of 30 minutes)." in response.content.decode()
    record.refresh_from_db()
    assert record.minutes_delivered == 30


def test_without_htmx_redirects_back_with_the_message(world, login):
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(
        record_url("attendance", record),
        {"attendance": "delivered", "minutes_delivered": "45"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(
        f"{reverse('sessions:detail', args=[record.session_id])}#record-{record.pk}"
    )
    assert "At most 30 minutes: the session lasts 30." in response.content.decode()


def test_bad_choice(world, login):
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(
        record_url("attendance", record), {"attendance": "nope"}, **HTMX
    )
    assert "Choose what happened for this student." in response.content.decode()


def test_after_signing_a_reason_is_asked_for(world, login):
    session = dated_session(world)
    record = session.members.get()
    client = login(world.provider.user)
    client.post(record_url("attendance", record), {"attendance": "delivered"}, **HTMX)
    session_sign(actor=world.provider.user, session=session)
    response = client.post(
        record_url("attendance", record), {"attendance": "student_absent"}, **HTMX
    )
    assert "Say why the signed record changes." in response.content.decode()
    client.post(
        record_url("attendance", record),
        {"attendance": "student_absent", "reason": "Logged the wrong student"},
        **HTMX,
    )
    assert SessionStudent.objects.get(pk=record.pk).attendance == "student_absent"
    assert Amendment.objects.filter(record=record, field="attendance").count() == 1
