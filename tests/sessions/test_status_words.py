"""Status words a provider can trust, the same on Today, the week and the session page
(`DatedSession.status_word`, `moved_from`): a call-off says "Called off" with its reason,
never "Logged"; a session that went by unlogged says "Not logged", not "Planned"; a
session a one-day change moved says where it came from."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from pushin.sessions import services
from pushin.sessions.models import DatedSession
from tests.sessions.factories import (
    MONDAY,
    THURSDAY,
    standing_schedule,
    standing_session,
    stored_ahead,
)
from tests.sessions.timing import at, upcoming

BACKEND = "django.contrib.auth.backends.ModelBackend"
FRIDAY = THURSDAY + dt.timedelta(days=1)
BADGE = re.compile(r'<span[^>]*class="badge session-status[^"]*"[^>]*>([^<]*)</span>')
MOVED = re.compile(r'<span class="badge moved-from">([^<]*)</span>')


def _pages(client, session: DatedSession) -> dict[str, str]:
    """The three pages that show the session to its provider, as HTML (signed in anew: a
    test that moves the clock by hours would meet the idle sign-out)."""
    client.force_login(session.provider.user, backend=BACKEND)
    day = f"{session.date:%Y-%m-%d}"
    urls = {
        "today": f"{reverse('sessions:today')}?date={day}",
        "week": f"{reverse('sessions:week')}?date={day}",
        "session": reverse("sessions:detail", args=[session.pk]),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def _badges(html: str) -> list[str]:
    return [word.strip() for word in BADGE.findall(html)]


def _weekly_thursday(world) -> DatedSession:
    """Thursday 10:00-10:45 of a standing schedule, stored ahead as accepting it does."""
    standing_session(
        standing_schedule(world.provider),
        classroom=world.classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 45),
        students=[world.student],
    )
    stored_ahead(world.provider, before=MONDAY)
    return DatedSession.objects.get(provider=world.provider, date=THURSDAY)


def test_a_called_off_session_says_called_off_with_its_reason_never_logged(
    world, login, time_machine
):
    session = upcoming(world)
    services.session_call_off(
        actor=world.provider.user,
        session=session,
        attendance="student_unavailable",
        reason="Class trip to the museum",
    )
    client = login(world.provider.user)
    for moment in ("before it", "after it"):
        for name, html in _pages(client, session).items():
            assert _badges(html) == ["Called off"], (moment, name)
            assert "Class trip to the museum" in html, (moment, name)
            assert "Logged" not in _badges(html)
        at(time_machine, FRIDAY, 9)  # the call-off still reads the same once the day is gone


def test_a_session_nobody_logged_says_not_logged_once_it_started(world, login, time_machine):
    session = upcoming(world)
    client = login(world.provider.user)
    for name, html in _pages(client, session).items():
        assert _badges(html) == ["Planned"], name  # Thursday 10:00, still ahead
    at(time_machine, THURSDAY, 10, 1)
    for name, html in _pages(client, session).items():
        assert _badges(html) == ["Not logged"], name
    at(time_machine, FRIDAY, 9)
    for name, html in _pages(client, session).items():
        assert _badges(html) == ["Not logged"], name


def test_logged_and_signed_sessions_say_so(world, login, time_machine):
    session = upcoming(world)
    at(time_machine, THURSDAY, 10, 40)
    services.attendance_record(
        actor=world.provider.user, record=session.members.get(), attendance="delivered"
    )
    client = login(world.provider.user)
    for name, html in _pages(client, session).items():
        assert _badges(html) == ["Logged"], name
    services.session_sign(actor=world.provider.user, session=session)
    for name, html in _pages(client, session).items():
        assert _badges(html) == ["Signed"], name


def test_a_session_moved_for_one_day_says_where_it_came_from(world, login):
    session = _weekly_thursday(world)
    # What applying a one-week re-plan does to a moved occurrence (planning.week._move).
    session.date = FRIDAY
    session.is_override = True
    session.save(update_fields=["date", "is_override"])
    client = login(world.provider.user)
    for name, html in _pages(client, session).items():
        assert MOVED.findall(html) == ["Moved from Thu Dec 3"], name
        assert _badges(html) == ["Planned"], name


def test_a_session_moved_within_its_day_says_its_usual_time(world, login):
    session = _weekly_thursday(world)
    session.start, session.end = dt.time(13), dt.time(13, 45)
    session.is_override = True
    session.save(update_fields=["start", "end", "is_override"])
    client = login(world.provider.user)
    for name, html in _pages(client, session).items():
        assert MOVED.findall(html) == ["Moved from 10:00"], name


def test_an_occurrence_on_its_usual_day_and_time_is_not_marked_moved(world, login):
    session = _weekly_thursday(world)
    session.is_override = True  # kept by a one-day change: its day and time are its own
    session.save(update_fields=["is_override"])
    client = login(world.provider.user)
    for name, html in _pages(client, session).items():
        assert MOVED.findall(html) == [], name
