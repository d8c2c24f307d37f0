"""A change of the provider's week over upcoming dated sessions: refused with the
sessions it hits, saved on an explicit "save anyway", which lists them to re-plan."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.collaboration.models import Notification
from pushin.district.models import Availability, BusyTime
from pushin.sessions.models import DatedSession, SessionStudent
from tests.district.personas import HTMX
from tests.factories import World

ZONE = ZoneInfo("America/New_York")
# The clock stands at Wednesday 2026-12-02 12:00 (tests/conftest.py).
PAST_MONDAY = dt.date(2026, 11, 30)
MONDAY = dt.date(2026, 12, 7)
TODAY = dt.date(2026, 12, 2)


def url(world: World) -> str:
    return reverse("district:availability", args=[world.provider.pk])


def dated(world: World, day: dt.date, start: dt.time, minutes: int = 30, **fields: Any):
    end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)).time()
    session = DatedSession.objects.create(
        provider=world.provider, classroom=world.classroom, date=day, start=start, end=end, **fields
    )
    SessionStudent.objects.create(session=session, student=world.student)
    return session


def busy(day: str, start: str, end: str, **extra: str) -> dict[str, str]:
    return {"action": "busy_add", "day": day, "start": start, "end": end, **extra}


@pytest.fixture
def week(world: World) -> World:
    """Working every day 08:00-15:00; Monday 09:00 sessions past and ahead."""
    for day in ("mon", "tue", "wed", "thu", "fri"):
        Availability.objects.create(
            provider=world.provider, day=day, start=dt.time(8), end=dt.time(15)
        )
    dated(world, PAST_MONDAY, dt.time(9))  # the past: never considered
    dated(world, MONDAY, dt.time(9))
    dated(world, MONDAY + dt.timedelta(days=14), dt.time(9))
    dated(world, MONDAY + dt.timedelta(days=7), dt.time(9), cancel_reason="Field trip")
    return world


def errors(response: Any, form: str = "busy_form") -> list[str]:
    return list(response.context[form].non_field_errors())


def test_busy_time_over_sessions_is_refused_with_the_sessions_it_hits(week, login):
    response = login(week.provider.user).post(url(week), busy("mon", "09:00", "10:00"), **HTMX)
    assert response.status_code == 200
    assert errors(response) == [
        "This busy time overlaps 2 sessions: Mon Dec 7 09:00-09:30 Room 2A, "
        "Mon Dec 21 09:00-09:30 Room 2A."
    ]
    html = response.content.decode()
    assert '<button type="submit" name="confirm" value="1">Save anyway</button>' in html
    assert "Avery" not in html
    assert "Sample" not in html
    assert not BusyTime.objects.exists()


def test_save_anyway_keeps_the_busy_time_and_lists_the_sessions(week, login):
    client = login(week.provider.user)
    response = client.post(url(week), busy("mon", "09:00", "10:00", confirm="1", label="Meeting"))
    assert response.status_code == 302
    assert BusyTime.objects.get(provider=week.provider).label == "Meeting"
    page = client.get(url(week))
    notices = [str(m) for m in page.context["messages"]]
    assert notices == [
        "Added the busy time Monday 09:00-10:00 Meeting. It affects 2 sessions: "
        "Mon Dec 7 09:00-09:30 Room 2A, Mon Dec 21 09:00-09:30 Room 2A: "
        "re-plan them (listed under Sessions to re-plan)."
    ]
    assert [(s.date, s.start) for s in page.context["to_replan"]] == [
        (MONDAY, dt.time(9)),
        (MONDAY + dt.timedelta(days=14), dt.time(9)),
    ]
    assert "Sessions to re-plan" in page.content.decode()
    entry = AuditEntry.objects.get(object_type="district.provider")
    assert entry.detail["sessions_hit"] == [
        s.pk for s in DatedSession.objects.filter(date__in=[MONDAY, MONDAY + dt.timedelta(14)])
    ]
    # The provider made the change: the page told them; no notification to themself.
    assert not Notification.objects.exists()


def test_busy_time_that_hits_nothing_saves_directly(week, login):
    client = login(week.provider.user)
    for day, start, end in (("tue", "09:00", "10:00"), ("mon", "09:30", "10:00")):
        response = client.post(url(week), busy(day, start, end))
        assert response.status_code == 302  # touching the session's end is no overlap
    assert BusyTime.objects.count() == 2
    assert not AuditEntry.objects.filter(object_type="district.provider").exists()
    assert "Sessions to re-plan" not in client.get(url(week)).content.decode()


def test_sessions_that_have_started_are_not_considered(week, login, time_machine):
    client = login(week.provider.user)
    dated(week, TODAY, dt.time(9))  # started this morning
    assert client.post(url(week), busy("wed", "09:00", "09:30")).status_code == 302
    dated(week, TODAY, dt.time(13))
    response = client.post(url(week), busy("wed", "13:00", "13:30"))
    assert errors(response) == ["This busy time overlaps 1 session: Wed Dec 2 13:00-13:30 Room 2A."]
    time_machine.move_to(dt.datetime(2026, 12, 2, 13, 0, tzinfo=ZONE), tick=False)
    client = login(week.provider.user)  # an hour idle signs out (the district's idle sign-out)
    assert client.post(url(week), busy("wed", "13:00", "13:30")).status_code == 302
    assert BusyTime.objects.filter(day="wed").count() == 2


def test_a_makeup_counts_and_a_session_missed_in_advance_does_not(week, login):
    dated(week, dt.date(2026, 12, 4), dt.time(11), is_makeup=True)
    absent = dated(week, dt.date(2026, 12, 11), dt.time(11))
    absent.members.update(attendance="provider_absent")
    response = login(week.provider.user).post(url(week), busy("fri", "10:30", "11:15"))
    assert errors(response) == ["This busy time overlaps 1 session: Fri Dec 4 11:00-11:30 Room 2A."]


def test_deleting_a_window_over_sessions_is_refused_then_deleted_anyway(week, login):
    client = login(week.provider.user)
    monday = Availability.objects.get(provider=week.provider, day="mon")
    response = client.post(url(week), {"action": "window_delete", "id": monday.pk}, **HTMX)
    assert response.status_code == 200
    assert response.context["window_hit"]["message"] == (
        "Deleting this window leaves 2 sessions: Mon Dec 7 09:00-09:30 Room 2A, "
        "Mon Dec 21 09:00-09:30 Room 2A outside the available hours."
    )
    assert "Delete anyway" in response.content.decode()
    assert Availability.objects.filter(pk=monday.pk).exists()
    response = client.post(url(week), {"action": "window_delete", "id": monday.pk, "confirm": "1"})
    assert response.status_code == 302
    assert not Availability.objects.filter(pk=monday.pk).exists()
    assert len(client.get(url(week)).context["to_replan"]) == 2


def test_deleting_a_window_that_covers_no_session_deletes_directly(week, login):
    tuesday = Availability.objects.get(provider=week.provider, day="tue")
    tuesday.school = week.other_school  # pinned elsewhere: it never covered Room 2A
    tuesday.save()
    dated(week, dt.date(2026, 12, 8), dt.time(9))
    client = login(week.provider.user)
    assert [s.date for s in client.get(url(week)).context["to_replan"]] == [dt.date(2026, 12, 8)]
    response = client.post(url(week), {"action": "window_delete", "id": tuesday.pk})
    assert response.status_code == 302
    assert not Availability.objects.filter(pk=tuesday.pk).exists()


def test_admin_is_refused_too_and_saving_anyway_tells_the_provider(week, login):
    client = login(week.admin)
    response = client.post(url(week), busy("mon", "08:30", "09:15"))
    assert errors(response) == [
        "This busy time overlaps 2 sessions: Mon Dec 7 09:00-09:30 Room 2A, "
        "Mon Dec 21 09:00-09:30 Room 2A."
    ]
    assert client.post(url(week), busy("mon", "08:30", "09:15", confirm="1")).status_code == 302
    note = Notification.objects.get()
    assert note.recipient == week.provider.user
    assert note.text == (
        "Admin Tester changed your week (busy time Monday 08:30-09:15 added): 2 sessions: "
        "Mon Dec 7 09:00-09:30 Room 2A, Mon Dec 21 09:00-09:30 Room 2A. Re-plan them."
    )
    assert note.link == url(week)
    page = client.get(url(week))
    assert len(page.context["to_replan"]) == 2
    planning = reverse("planning:provider", args=[week.provider.pk])
    assert f'<a href="{planning}">Re-plan them in Plan the week</a>' in page.content.decode()


def test_a_long_run_of_weekly_sessions_is_named_by_its_first_ten(week, login):
    for n in range(3, 15):
        dated(week, MONDAY + dt.timedelta(weeks=n), dt.time(9))
    response = login(week.provider.user).post(url(week), busy("mon", "09:00", "09:30"))
    (message,) = errors(response)
    assert message.startswith("This busy time overlaps 14 sessions: Mon Dec 7 09:00-09:30 Room 2A,")
    assert message.endswith("Mon Feb 15 09:00-09:30 Room 2A and 4 more.")
