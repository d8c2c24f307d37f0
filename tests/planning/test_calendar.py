from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from icalendar import Calendar

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import Student
from pushin.district.models import Classroom, Provider
from pushin.planning.services import calendar_token_regenerate, calendar_token_revoke
from pushin.sessions.models import DatedSession, SessionStudent
from tests.factories import World, make_student


def feed(client, token: str):
    return client.get(reverse("planning:calendar_feed", args=[token]))


def dated(
    world: World,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    *,
    provider: Provider | None = None,
    classroom: Classroom | None = None,
    students: list[Student] | None = None,
    attendance: str = "",
    **fields: Any,
) -> DatedSession:
    """A stored dated session with one SessionStudent per student."""
    session = DatedSession.objects.create(
        provider=provider or world.provider,
        classroom=classroom or world.classroom,
        date=day,
        start=start,
        end=end,
        **fields,
    )
    for student in students if students is not None else [world.student]:
        SessionStudent.objects.create(session=session, student=student, attendance=attendance)
    return session


def events_of(response: Any) -> dict[str, Any]:
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_feed_has_one_event_per_dated_session(pworld: World, client) -> None:
    # TODAY is Wednesday 2026-12-02; the feed runs from four weeks back to the year end.
    weekly = dated(pworld, dt.date(2026, 12, 3), dt.time(10), dt.time(10, 30), activity="centers")
    moved = dated(
        pworld, dt.date(2026, 12, 7), dt.time(13), dt.time(13, 30), activity="art", is_override=True
    )
    makeup = dated(
        pworld,
        dt.date(2026, 12, 4),
        dt.time(11),
        dt.time(11, 30),
        activity="writing",
        is_makeup=True,
    )
    called_off = dated(
        pworld, dt.date(2026, 12, 14), dt.time(9), dt.time(9, 30), cancel_reason="Field trip"
    )
    absent_ahead = dated(
        pworld, dt.date(2026, 12, 10), dt.time(10), dt.time(10, 30), attendance="provider_absent"
    )
    last_week = dated(
        pworld, dt.date(2026, 11, 30), dt.time(9), dt.time(9, 30), attendance="delivered"
    )
    long_ago = dated(pworld, dt.date(2026, 10, 5), dt.time(9), dt.time(9, 30))
    theirs = dated(
        pworld,
        dt.date(2026, 12, 3),
        dt.time(10),
        dt.time(10, 30),
        provider=pworld.other_provider,
        classroom=pworld.other_classroom,
        students=[pworld.other_student],
    )
    token = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    response = feed(client, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    for secret in ("Avery", "Blake", "Sample", "S-0001", "S-0002", pworld.student.ref):
        assert secret not in body
    events = events_of(response)
    assert set(events) == {
        f"dated-{s.pk}@pushin" for s in (weekly, moved, makeup, called_off, absent_ahead, last_week)
    }
    assert f"dated-{long_ago.pk}@pushin" not in events
    assert f"dated-{theirs.pk}@pushin" not in events

    def when(session: DatedSession) -> tuple[dt.datetime, dt.datetime]:
        event = events[f"dated-{session.pk}@pushin"]
        return event.decoded("dtstart"), event.decoded("dtend")

    zone = ZoneInfo("America/New_York")
    assert when(moved) == (
        dt.datetime(2026, 12, 7, 13, tzinfo=zone),
        dt.datetime(2026, 12, 7, 13, 30, tzinfo=zone),
    )
    assert str(when(moved)[0].tzinfo) == "America/New_York"
    event = events[f"dated-{weekly.pk}@pushin"]
    assert str(event["summary"]) == "Literacy centers · Room 2A · AS"
    assert str(event["location"]) == "Room 2A, Maple Elementary"
    assert str(event["status"]) == "CONFIRMED"
    assert "rrule" not in event
    assert str(events[f"dated-{moved.pk}@pushin"]["summary"]) == "Art · Room 2A · AS"
    event = events[f"dated-{makeup.pk}@pushin"]
    assert str(event["summary"]) == "Makeup: Writing · Room 2A · AS"
    assert str(event["status"]) == "CONFIRMED"
    for session in (called_off, absent_ahead):
        event = events[f"dated-{session.pk}@pushin"]
        assert str(event["status"]) == "CANCELLED"
        assert str(event["summary"]) == "Cancelled: Session · Room 2A · AS"
    assert "Field trip" not in body  # the reason is free text: it stays in the app
    assert str(events[f"dated-{last_week.pk}@pushin"]["status"]) == "CONFIRMED"
    assert Calendar.from_ical(response.content).walk("VTIMEZONE")


def test_a_group_session_with_one_absent_student_still_goes_ahead(pworld: World, client) -> None:
    other = make_student(
        ref="S-0009", classroom=pworld.classroom, provider=pworld.provider, first_name="Casey"
    )
    session = dated(
        pworld, dt.date(2026, 12, 3), dt.time(10), dt.time(10, 30), students=[pworld.student, other]
    )
    SessionStudent.objects.filter(session=session, student=other).update(
        attendance="student_absent"
    )
    token = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    event = events_of(feed(client, token))[f"dated-{session.pk}@pushin"]
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "Session · Room 2A · AS CS"


def test_feed_queries_do_not_grow_with_sessions(
    pworld: World, client, django_assert_max_num_queries
) -> None:
    token = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    dated(pworld, dt.date(2026, 12, 3), dt.time(10), dt.time(10, 30))
    # The provider, the sessions, their students, and the read's audit entries (one insert).
    with django_assert_max_num_queries(4):
        assert len(events_of(feed(client, token))) == 1
    day = dt.date(2026, 12, 7)
    for week in range(30):
        dated(pworld, day + dt.timedelta(weeks=week), dt.time(9), dt.time(9, 30), is_makeup=True)
    with django_assert_max_num_queries(4):
        assert len(events_of(feed(client, token))) == 29  # the school year ends 2027-06-18


def test_regenerating_revokes_the_old_address(pworld: World, client) -> None:
    old = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    assert len(old) >= 43
    assert feed(client, old).status_code == 200
    new = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    assert new != old
    assert feed(client, old).status_code == 404
    assert feed(client, new).status_code == 200
    calendar_token_revoke(provider=pworld.provider, user=pworld.admin)
    assert feed(client, new).status_code == 404
    assert AuditEntry.objects.filter(object_type="district.provider").count() == 3


def test_unknown_and_short_tokens_are_404(pworld: World, client) -> None:
    assert feed(client, "x" * 43).status_code == 404
    assert feed(client, "short").status_code == 404


def test_no_schedule_gives_an_empty_calendar(pworld: World, client) -> None:
    token = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    calendar = Calendar.from_ical(feed(client, token).content)
    assert calendar.walk("VEVENT") == []


def test_settings_page_shows_the_address_and_makes_a_new_one(pworld: World, login) -> None:
    client = login(pworld.provider.user)
    url = reverse("planning:calendar", args=[pworld.provider.pk])
    page = client.get(url).content.decode()
    assert "The feed is off." in page
    assert "one-day changes at their new time, makeups marked as makeups" in page
    client.post(url, {"action": "regenerate"})
    pworld.provider.refresh_from_db()
    token = pworld.provider.calendar_token
    page = client.get(url).content.decode()
    assert f"/planning/calendar/{token}.ics" in page
    client.post(url, {"action": "revoke"})
    pworld.provider.refresh_from_db()
    assert pworld.provider.calendar_token == ""


def test_the_administrator_turns_the_feed_off_or_renews_it_but_never_sees_its_address(
    pworld: World, login
) -> None:
    # Reads through the address are audited as the provider's: it is theirs alone.
    token = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    url = reverse("planning:calendar", args=[pworld.provider.pk])
    client = login(pworld.admin)
    page = client.get(url).content.decode()
    assert token not in page
    assert "The feed is on" in page
    client.post(url, {"action": "regenerate"})
    pworld.provider.refresh_from_db()
    renewed = pworld.provider.calendar_token
    assert renewed != token
    assert renewed not in client.get(url).content.decode()
    assert renewed in login(pworld.provider.user).get(url).content.decode()
    login(pworld.admin).post(url, {"action": "revoke"})
    pworld.provider.refresh_from_db()
    assert pworld.provider.calendar_token == ""
