"""The session page before the session starts: plan and note only, the reason why shown;
attendance, data and signing posted anyway are refused with the same exact message."""

from __future__ import annotations

from django.urls import reverse

from pushin.sessions.models import DataPoint, DatedSession
from tests.sessions.helpers import HTMX, record_url
from tests.sessions.timing import AHEAD, AHEAD_MAKEUP, AHEAD_MISS, THURSDAY, at, upcoming


def page(client, session) -> str:
    response = client.get(reverse("sessions:detail", args=[session.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_a_session_ahead_is_read_only_for_delivered_data_and_signing(world, login):
    session = upcoming(world)
    record = session.members.get()
    html = page(login(world.provider.user), session)
    assert AHEAD in html
    assert 'id="sign-button"' not in html
    assert record_url("attendance", record) not in html  # no attendance buttons
    assert record_url("data_add", record) not in html  # no data buttons
    assert "Data is taken once the session starts." in html
    assert record_url("plan", record) in html  # the plan and the note stay open
    assert record_url("note", record) in html
    assert reverse("sessions:call_off", args=[session.pk]) in html
    assert "Call off in advance" in html


def test_once_started_the_page_opens(world, login, time_machine):
    session = upcoming(world)
    record = session.members.get()
    at(time_machine, THURSDAY, 10)
    html = page(login(world.provider.user), session)
    assert AHEAD not in html
    assert 'id="sign-button"' in html
    assert record_url("attendance", record) in html
    assert record_url("data_add", record) in html
    assert reverse("sessions:call_off", args=[session.pk]) not in html


def test_posting_delivered_ahead_shows_the_message_in_the_card(world, login):
    record = upcoming(world).members.get()
    client = login(world.provider.user)
    response = client.post(record_url("attendance", record), {"attendance": "delivered"}, **HTMX)
    assert response.status_code == 200
    assert AHEAD in response.content.decode()
    response = client.post(
        record_url("attendance", record),
        {"attendance": "delivered", "minutes_delivered": "20", "short_reason": "provider_conflict"},
        **HTMX,
    )
    assert AHEAD in response.content.decode()
    response = client.post(
        record_url("attendance", record), {"attendance": "student_absent"}, **HTMX
    )
    assert AHEAD_MISS in response.content.decode()
    record.refresh_from_db()
    assert (record.attendance, record.minutes_delivered) == ("", None)


def test_posting_data_ahead_is_refused(world, login):
    record = upcoming(world).members.get()
    response = login(world.provider.user).post(
        record_url("data_add", record), {"correct": "true"}, follow=True
    )
    assert AHEAD in response.content.decode()
    assert not DataPoint.objects.exists()


def test_signing_ahead_is_refused(world, login):
    session = upcoming(world)
    response = login(world.provider.user).post(
        reverse("sessions:sign", args=[session.pk]), follow=True
    )
    assert AHEAD in response.content.decode()
    assert DatedSession.objects.get(pk=session.pk).status == "planned"


def test_a_makeup_ahead_says_so(world, login):
    session = upcoming(world, makeup=True)
    record = session.members.get()
    client = login(world.provider.user)
    assert AHEAD_MAKEUP in page(client, session)
    response = client.post(record_url("attendance", record), {"attendance": "delivered"}, **HTMX)
    assert AHEAD_MAKEUP in response.content.decode()
    record.refresh_from_db()
    assert record.attendance == ""
