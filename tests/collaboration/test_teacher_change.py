"""A teacher reports a change from the portal: a dated exception or a weekly block change
(or a good/bad time), the room's providers are notified without student names, and
exactly the sessions the change touches are flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.collaboration.models import Notification
from pushin.district.models import ActivityBlock, TimetableException
from pushin.planning.selectors import schedule_flags_for
from pushin.sessions.models import DatedSession
from pushin.sessions.selectors import session_flags
from pushin.vocabulary import Weekday
from tests.caseload.personas import HTMX, persona_user
from tests.collaboration.portal_helpers import MONDAY, THURSDAY, week_of_visits
from tests.factories import World
from tests.sessions.factories import stored_ahead

FRIDAY = MONDAY + dt.timedelta(days=4)
TEST_ON_THURSDAY = {
    "date": THURSDAY.isoformat(),
    "start": "10:00",
    "end": "10:45",
    "kind": "activity",
    "activity": "test",
    "note": "Unit 3 math test",
}


def report_url(world: World) -> str:
    return reverse("collaboration:report_dated", args=[world.classroom.pk])


def week_sessions(world: World, monday: dt.date) -> list[DatedSession]:
    sessions = []
    for provider in (world.provider, world.other_provider):
        stored_ahead(provider, before=monday)
        sessions += list(
            DatedSession.objects.filter(
                provider=provider, date__gte=monday, date__lte=monday + dt.timedelta(days=4)
            )
        )
    return sessions


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 404),  # providers change timetables on the district pages
        ("other_provider", 404),
        ("admin", 404),
        ("teacher", 302),
        ("other_teacher", 404),
        ("para", 404),
        ("anonymous", 302),
    ],
)
def test_reporting_by_persona(world: World, login, persona: str, status: int) -> None:
    response = login(persona_user(world, persona)).post(report_url(world), TEST_ON_THURSDAY)
    assert response.status_code == status
    assert TimetableException.objects.exists() == (persona == "teacher")


def test_a_test_on_thursday_flags_exactly_that_session(world: World, login) -> None:
    week = week_of_visits(world)
    response = login(world.teacher).post(report_url(world), TEST_ON_THURSDAY)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?week={MONDAY:%Y-%m-%d}#changes")
    exception = TimetableException.objects.get()
    assert (exception.classroom, exception.date, exception.activity) == (
        world.classroom,
        THURSDAY,
        "test",
    )
    assert exception.created_by == world.teacher

    # The sessions app flags the dated sessions the exception overlaps: only Thursday's.
    sessions = week_sessions(world, MONDAY)
    flagged = session_flags(sessions)
    thursday = DatedSession.objects.get(standing=week.thursday, date=THURSDAY)
    assert set(flagged) == {thursday.pk}
    assert "Test" in flagged[thursday.pk][0].message or "test" in flagged[thursday.pk][0].message
    untouched = [s for s in sessions if s.pk != thursday.pk]
    assert {s.standing_id for s in untouched} == {week.monday.pk, week.elsewhere.pk}
    # The next week is not affected.
    assert session_flags(week_sessions(world, MONDAY + dt.timedelta(days=7))) == {}

    # The planning flags agree: one week flag, on the Thursday session, nothing weekly.
    flags = schedule_flags_for(world.provider, MONDAY)
    assert [f.session.day for f in flags.week_flags if f.session] == ["thu"]
    assert flags.timetable_flags == []
    assert schedule_flags_for(world.other_provider, MONDAY).flags == []


def test_the_rooms_providers_are_notified_without_student_names(world: World, login) -> None:
    week_of_visits(world)
    login(world.teacher).post(report_url(world), TEST_ON_THURSDAY)
    [note] = Notification.objects.all()
    assert note.recipient == world.provider.user
    assert note.text == (
        "Room 2A, Maple Elementary: Thu Dec 3 10:00-10:45 is Test / assessment, reported by "
        "Teacher Tester. Your session 10:00-10:30 may be affected: see the flags."
    )
    for name in (world.student.first_name, world.student.last_name, world.student.ref):
        assert name not in note.text
    assert "Unit 3" not in note.text  # the teacher's free-text note stays on the timetable
    assert (
        note.link
        == f"{reverse('planning:provider', args=[world.provider.pk])}?week={MONDAY:%Y-%m-%d}"
    )
    assert note.read_at is None


def test_a_provider_serving_the_room_without_sessions_there_is_told_too(
    world: World, login
) -> None:
    login(world.teacher).post(report_url(world), {**TEST_ON_THURSDAY, "kind": "cancelled"})
    [note] = Notification.objects.all()
    assert note.recipient == world.provider.user
    assert "no class activity (cancelled)" in note.text
    assert "may be affected" not in note.text


def test_a_weekend_date_is_refused_and_nobody_is_told(world: World, login) -> None:
    saturday = THURSDAY + dt.timedelta(days=2)
    response = login(world.teacher).post(
        report_url(world), {**TEST_ON_THURSDAY, "date": saturday.isoformat()}
    )
    assert response.status_code == 400
    assert "weekend" in response.content.decode()
    assert not TimetableException.objects.exists()
    assert not Notification.objects.exists()


def test_moving_writing_for_every_week_flags_exactly_the_monday_session(
    world: World, login
) -> None:
    week = week_of_visits(world)
    writing = ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.MON)
    url = reverse("collaboration:block_change", args=[world.classroom.pk, writing.pk])
    client = login(world.teacher)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"day": "mon", "start": "13:00", "end": "13:45", "activity": "writing"}
    )
    assert response.status_code == 302
    writing.refresh_from_db()
    assert (writing.start, writing.end) == (dt.time(13), dt.time(13, 45))

    flags = schedule_flags_for(world.provider, None)
    assert [(f.source, f.session.ident) for f in flags.flags if f.session] == [
        ("timetable", week.monday.plan_session_id)
    ]
    assert schedule_flags_for(world.other_provider, None).flags == []

    [note] = Notification.objects.all()
    assert note.recipient == world.provider.user
    assert note.text == (
        "Room 2A, Maple Elementary: every week, Writing Mon 09:00-09:45 is now Writing Mon "
        "13:00-13:45, changed by Teacher Tester. Your session Mon 09:00-09:30 may be "
        "affected: see the flags."
    )
    assert note.link == reverse("planning:provider", args=[world.provider.pk])


def test_a_weekly_change_that_overlaps_is_refused(world: World, login) -> None:
    writing = ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.MON)
    ActivityBlock.objects.create(
        classroom=world.classroom,
        day="mon",
        start=dt.time(13),
        end=dt.time(14),
        activity="math",
    )
    url = reverse("collaboration:block_change", args=[world.classroom.pk, writing.pk])
    response = login(world.teacher).post(
        url, {"day": "mon", "start": "13:30", "end": "14:15", "activity": "writing"}
    )
    assert response.status_code == 400
    assert "overlaps the block" in response.content.decode()
    assert not Notification.objects.exists()
    other_block = ActivityBlock.objects.filter(classroom=world.other_classroom).first()
    assert other_block is not None
    foreign = reverse("collaboration:block_change", args=[world.classroom.pk, other_block.pk])
    assert login(world.teacher).get(foreign).status_code == 404


def test_marking_a_bad_time_for_push_in(world: World, login) -> None:
    week = week_of_visits(world)
    centers = ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.THU)
    url = reverse("collaboration:block_preference", args=[world.classroom.pk, centers.pk])
    response = login(world.teacher).post(url, {"teacher_preference": "bad"}, **HTMX)
    assert response.status_code == 200
    assert 'aria-pressed="true">Bad' in response.content.decode()
    centers.refresh_from_db()
    assert centers.teacher_preference == "bad"
    [note] = Notification.objects.all()
    assert "says Literacy centers Thu 10:00-10:45 is a bad time for push-in" in note.text
    assert "Thu 10:00-10:30" in note.text
    # Saying it again changes nothing and tells nobody again.
    login(world.teacher).post(url, {"teacher_preference": "bad"})
    assert Notification.objects.count() == 1
    assert week.thursday.block_id == centers.pk
    for persona in ("other_teacher", "provider", "para"):
        user = persona_user(world, persona)
        assert login(user).post(url, {"teacher_preference": "good"}).status_code == 404
