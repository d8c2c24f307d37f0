from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.district.models import ActivityBlock, BusyTime
from pushin.planning.models import ScheduledSession
from pushin.planning.services import PlanRefused, session_move, session_pin_set
from pushin.planning.views import _refusal_words
from pushin.vocabulary import Activity, Weekday
from tests.factories import World
from tests.planning.helpers import standing


def thursday_session(world: World) -> ScheduledSession:
    """The Thursday session of a fresh standing schedule, set to 10:00-10:30 (and Monday's
    to 09:00-09:30): the solver may pick any start, the tests need known ones."""
    schedule = standing(world)
    schedule.sessions.filter(day=Weekday.MON).update(start=dt.time(9), end=dt.time(9, 30))
    schedule.sessions.filter(day=Weekday.THU).update(start=dt.time(10), end=dt.time(10, 30))
    return schedule.sessions.get(day=Weekday.THU)


def centers(world: World) -> ActivityBlock:
    return ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.THU)


def test_a_valid_move_is_saved(pworld: World) -> None:
    session = thursday_session(pworld)
    moved = session_move(
        session=session, user=pworld.provider.user, block=centers(pworld), start=dt.time(10, 15)
    )
    session.refresh_from_db()
    assert (session.day, session.start, session.end) == ("thu", dt.time(10, 15), dt.time(10, 45))
    assert moved.pk == session.pk
    audit = AuditEntry.objects.get(object_type="planning.scheduledsession")
    assert audit.student_id == pworld.student.pk
    assert audit.detail["moved_to"] == "thu 10:15"


def test_a_move_onto_a_busy_time_is_refused(pworld: World) -> None:
    session = thursday_session(pworld)
    BusyTime.objects.create(
        provider=pworld.provider, day=Weekday.THU, start=dt.time(10, 30), end=dt.time(11)
    )
    before = (session.day, session.start)
    with pytest.raises(PlanRefused) as refused:
        session_move(
            session=session,
            user=pworld.provider.user,
            block=centers(pworld),
            start=dt.time(10, 15),
        )
    assert [p.rule for p in refused.value.problems] == [4]
    session.refresh_from_db()
    assert (session.day, session.start) == before
    assert not AuditEntry.objects.filter(object_type="planning.scheduledsession").exists()


def test_a_move_to_an_activity_that_fits_no_goal_is_refused_in_plain_words(
    pworld: World, login
) -> None:
    """The form does not offer such a block (tests/planning/test_move_offers.py); the
    engine's checker, behind it, refuses the move in plain words."""
    session = thursday_session(pworld)
    test_block = ActivityBlock.objects.create(
        classroom=pworld.classroom,
        day=Weekday.TUE,
        start=dt.time(9),
        end=dt.time(10),
        activity=Activity.TEST,
    )
    with pytest.raises(PlanRefused) as refused:
        session_move(session=session, user=pworld.provider.user, block=test_block, start=dt.time(9))
    words = _refusal_words(refused.value, pworld.provider.user)
    page = " ".join(words)
    assert "The class activity then does not suit the student's goals" in page
    assert "the handwriting / visual-motor goal does not fit Test / assessment (Tue" in page
    assert "session (Tue 09:00-09:30)" in page
    assert "sess-" not in page  # plan ids mean nothing to a person
    session.refresh_from_db()
    assert session.day == "thu"


def test_two_sessions_on_one_day_are_refused_with_the_students_name(pworld: World, login) -> None:
    session = thursday_session(pworld)
    # Monday's math is free and fits handwriting (0.5), so the form offers it; but the
    # student is already seen on Monday.
    math = ActivityBlock.objects.create(
        classroom=pworld.classroom,
        day=Weekday.MON,
        start=dt.time(13),
        end=dt.time(13, 45),
        activity=Activity.MATH,
    )
    url = reverse("planning:session_move", args=[session.pk])
    response = login(pworld.provider.user).post(url, {"block": math.pk, "start": "13:00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "A student has at most one session a day" in page
    assert "Avery Sample has two sessions on mon" in page


def test_the_form_explains_a_start_outside_the_block(pworld: World, login) -> None:
    session = thursday_session(pworld)
    url = reverse("planning:session_move", args=[session.pk])
    response = login(pworld.provider.user).post(
        url, {"block": centers(pworld).pk, "start": "10:30"}
    )
    assert response.status_code == 400
    assert "fits that block when it starts between 10:00 and 10:15" in response.content.decode()


def test_move_view_saves_and_pins(pworld: World, login) -> None:
    session = thursday_session(pworld)
    url = reverse("planning:session_move", args=[session.pk])
    client = login(pworld.admin)
    form = client.get(url)
    assert form.status_code == 200
    assert "Thursday 10:00-10:45 Literacy centers" in form.content.decode()
    response = client.post(url, {"block": centers(pworld).pk, "start": "10:10", "pin": "on"})
    assert response["Location"] == reverse("planning:schedule", args=[pworld.provider.pk])
    session.refresh_from_db()
    assert session.start == dt.time(10, 10)
    assert session.pinned


def test_pin_and_unpin(pworld: World, login) -> None:
    session = thursday_session(pworld)
    client = login(pworld.provider.user)
    url = reverse("planning:session_pin", args=[session.pk])
    client.post(url, {"pinned": "on"})
    session.refresh_from_db()
    assert session.pinned
    page = client.get(reverse("planning:schedule", args=[pworld.provider.pk])).content.decode()
    assert "Unpin" in page
    client.post(url, {})
    assert not ScheduledSession.objects.get(pk=session.pk).pinned
    session_pin_set(session=session, user=pworld.admin, pinned=True)
    assert ScheduledSession.objects.get(pk=session.pk).pinned
    assert AuditEntry.objects.filter(object_type="planning.scheduledsession").count() == 3


def test_only_sessions_of_the_active_schedule_move(pworld: World, login) -> None:
    old = thursday_session(pworld)
    standing(pworld)  # a newer schedule replaces it
    url = reverse("planning:session_move", args=[old.pk])
    assert login(pworld.provider.user).get(url).status_code == 404
