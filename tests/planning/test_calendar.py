from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from icalendar import Calendar

from pushin.accounts.models import AuditEntry
from pushin.district.models import Closure
from pushin.planning.services import calendar_token_regenerate, calendar_token_revoke
from tests.factories import World
from tests.planning.helpers import standing


def feed(client, token: str):
    return client.get(reverse("planning:calendar_feed", args=[token]))


def test_feed_has_weekly_events_with_initials_only(pworld: World, client) -> None:
    Closure.objects.create(
        district=pworld.district,
        name="Winter break",
        start=dt.date(2026, 12, 21),
        end=dt.date(2027, 1, 1),
    )
    schedule = standing(pworld)
    token = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    response = feed(client, token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    for secret in ("Avery", "Sample", "S-0001", pworld.student.ref):
        assert secret not in body
    calendar = Calendar.from_ical(response.content)
    events: dict[str, Any] = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == schedule.sessions.count() == 2
    for session in schedule.sessions.all():
        event = events[f"pushin-session-{session.pk}@pushin"]
        assert str(event["location"]) == "Maple Elementary"
        assert str(event["summary"]).endswith("· Room 2A · AS")
        start: Any = event.decoded("dtstart")
        assert start.weekday() == {"mon": 0, "thu": 3}[session.day]
        assert start.time() == session.start
        assert str(start.tzinfo) == "America/New_York"
        rule = event["rrule"]
        assert rule["FREQ"] == ["WEEKLY"]
        assert rule["UNTIL"][0].date() in (dt.date(2027, 6, 18), dt.date(2027, 6, 19))  # UTC
        excluded = {d.dt.date() for d in event["exdate"].dts}
        expected = {
            "mon": {dt.date(2026, 12, 21), dt.date(2026, 12, 28)},
            "thu": {dt.date(2026, 12, 24), dt.date(2026, 12, 31)},
        }[session.day]
        assert excluded == expected
    assert calendar.walk("VTIMEZONE")


def test_regenerating_revokes_the_old_address(pworld: World, client) -> None:
    standing(pworld)
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
    assert "The feed is off." in client.get(url).content.decode()
    client.post(url, {"action": "regenerate"})
    pworld.provider.refresh_from_db()
    token = pworld.provider.calendar_token
    page = client.get(url).content.decode()
    assert f"/planning/calendar/{token}.ics" in page
    client.post(url, {"action": "revoke"})
    pworld.provider.refresh_from_db()
    assert pworld.provider.calendar_token == ""
