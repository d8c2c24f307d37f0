"""The week view: Monday to Friday with flags, before the provider goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.district.models import Closure, TimetableException
from pushin.sessions.models import DatedSession
from pushin.vocabulary import Activity
from tests.page_text import says_word
from tests.sessions.factories import (
    MONDAY,
    THURSDAY,
    standing_schedule,
    standing_session,
    stored_ahead,
)
from tests.sessions.helpers import PERSONAS, is_login_redirect, persona_user

EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


def url(day=THURSDAY) -> str:
    return f"{reverse('sessions:week')}?date={day:%Y-%m-%d}"


def _schedule(world):
    schedule = standing_schedule(world.provider)
    for day, start in (("mon", dt.time(9)), ("thu", dt.time(10))):
        standing_session(
            schedule,
            classroom=world.classroom,
            day=day,
            start=start,
            end=(dt.datetime.combine(MONDAY, start) + dt.timedelta(minutes=45)).time(),
            students=[world.student],
        )
    stored_ahead(world.provider, before=MONDAY)


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    _schedule(world)
    response = login(persona_user(world, name)).get(url())
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    if name == "other_provider":
        # Another provider's week: none of this provider's sessions, by link or initials.
        html = response.content.decode()
        for session in DatedSession.objects.filter(provider=world.provider):
            assert reverse("sessions:detail", args=[session.pk]) not in html
        assert not says_word(html, world.student.initials)


def test_shows_the_stored_week_and_flags_the_test(world, login):
    _schedule(world)
    TimetableException.objects.create(
        classroom=world.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        activity=Activity.TEST,
    )
    Closure.objects.create(
        district=world.district,
        name="Teacher day",
        start=MONDAY + dt.timedelta(days=2),
        end=MONDAY + dt.timedelta(days=2),
    )
    response = login(world.provider.user).get(url())
    page = response.context["page"]
    assert page.monday == MONDAY
    assert DatedSession.objects.filter(date__lte=MONDAY + dt.timedelta(days=4)).count() == 2
    assert [len(d.cards) for d in page.days] == [1, 0, 0, 1, 0]
    assert page.days[2].no_school == "No school: Teacher day."
    assert page.flag_count == 1
    html = response.content.decode()
    assert "1 session to re-plan or check" in html
    assert "Thu Dec 3 10:00-10:45 is a test in Room 2A" in html
    assert says_word(html, world.student.initials)  # the word the matrix looks for


def test_imported_minutes_are_not_sessions_of_a_day(world, login):
    imported = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=MONDAY,
        start=dt.time(8),
        end=dt.time(8, 30),
        is_imported=True,
        status="signed",
    )
    page = login(world.provider.user).get(url()).context["page"]
    assert imported.pk not in [c.session.pk for d in page.days for c in d.cards]
