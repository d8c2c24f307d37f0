"""The Today page: the provider's day in order, with travel, flags and each student's plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import Goal
from pushin.collaboration.models import Strategy, StudentStrategy
from pushin.district.models import ActivityBlock, Closure, TimetableException
from pushin.sessions.models import DatedSession, SessionStudent
from pushin.vocabulary import Activity
from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user
from tests.factories import make_student
from tests.sessions.factories import (
    MONDAY,
    THURSDAY,
    add_student,
    monday_writing,
    standing_schedule,
    standing_session,
    stored_ahead,
)

EXPECTED = {
    "provider": 200,
    "other_provider": 200,  # their own (empty) day
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


def url(day: dt.date | None = MONDAY) -> str:
    base = reverse("sessions:today")
    return f"{base}?date={day:%Y-%m-%d}" if day else base


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    response = login(persona_user(world, name)).get(url())
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    if name == "provider":
        assert [c.session.date for c in response.context["page"].cards] == [MONDAY]
    if name == "other_provider":
        assert response.context["page"].cards == []
        assert world.student.full_name not in response.content.decode()


def test_shows_the_stored_day_and_the_plan(world, login):
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    response = login(world.provider.user).get(url())
    assert response.status_code == 200
    session = DatedSession.objects.get(date=MONDAY)
    html = response.content.decode()
    assert reverse("sessions:detail", args=[session.pk]) in html
    assert "09:00\u201309:30" in html  # an en dash
    assert "Maple Elementary · Room 2A · Writing · Push-in" in html
    assert world.student.full_name in html
    assert "Writes a sentence with letters on the line." in html
    record = SessionStudent.objects.get(session__date=MONDAY)
    assert f'id="plan-{record.pk}"' in html
    assert 'hx-trigger="change"' in html


def test_reading_the_day_is_audited_per_record(world, login):
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    login(world.provider.user).get(url())
    record = SessionStudent.objects.get(session__date=MONDAY)
    entry = AuditEntry.objects.get(object_type="therapy_sessions.sessionstudent", action="read")
    assert (entry.object_id, entry.student_id, entry.actor) == (
        str(record.pk),
        world.student.pk,
        world.provider.user,
    )
    assert entry.detail == {"session": record.session_id, "page": "today"}


def test_default_is_today_and_a_bad_date_is_a_400(world, login):
    client = login(world.provider.user)
    response = client.get(url(None))
    assert response.context["page"].day == response.context["page"].today
    response = client.get(reverse("sessions:today") + "?date=not-a-date")
    assert response.status_code == 400  # tests/core/test_crafted_dates.py: every page alike
    assert "“?date=” must be a date written YYYY-MM-DD" in response.content.decode()


def test_week_strip_links_monday_to_friday(world, login):
    response = login(world.provider.user).get(url(THURSDAY))
    page = response.context["page"]
    assert [d.date for d in page.strip] == [MONDAY + dt.timedelta(days=i) for i in range(5)]
    assert [d.selected for d in page.strip] == [False, False, False, True, False]
    html = response.content.decode()
    assert "?date=2026-11-23" in html  # previous week
    assert "?date=2026-12-07" in html  # next week
    assert 'aria-current="date"' in html


def test_sessions_in_order_with_travel_between_schools(world, login):
    schedule = standing_schedule(world.provider)
    cedar_student = make_student(
        ref="S-0009", classroom=world.other_classroom, provider=world.provider, first_name="Dana"
    )
    standing_session(
        schedule,
        classroom=world.other_classroom,
        day="mon",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[cedar_student],
    )
    standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.student],
    )
    stored_ahead(world.provider, before=MONDAY)
    response = login(world.provider.user).get(url())
    cards = response.context["page"].cards
    assert [c.session.start for c in cards] == [dt.time(9), dt.time(10)]
    assert cards[0].travel is None
    leg = cards[1].travel
    assert (leg.to_school, leg.minutes, leg.gap, leg.tight) == ("Cedar Elementary", 15, 30, False)
    assert "Drive to Cedar Elementary:\n    15 min" in response.content.decode()


def test_a_dated_exception_flags_the_session(world, login):
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 45),
        students=[world.student],
    )
    TimetableException.objects.create(
        classroom=world.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        activity=Activity.TEST,
        created_by=world.teacher,
    )
    stored_ahead(world.provider, before=MONDAY)
    response = login(world.provider.user).get(url(THURSDAY))
    assert (
        "Thu Dec 3 10:00-10:45 is a test in Room 2A: the handwriting goal does not fit a test; "
        "re-plan or log as unavailable." in response.content.decode()
    )


def test_plan_choices_are_the_students_goals_and_strategies(world, login):
    # Both are in the district's starter library (seeded when the district was created).
    strategy = Strategy.objects.get(district=world.district, name="Slant board")
    StudentStrategy.objects.create(student=world.student, strategy=strategy)
    assert Strategy.objects.filter(district=world.district, name="Wiggle cushion").exists()
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    html = login(world.provider.user).get(url()).content.decode()
    assert "Slant board" in html
    assert "Wiggle cushion" not in html  # not one of this student's strategies
    other_goal = Goal.objects.get(iep__student=world.other_student)
    assert f'value="{other_goal.pk}"' not in html


def test_no_school_days_say_why(world, login):
    client = login(world.provider.user)
    saturday = MONDAY + dt.timedelta(days=5)
    assert client.get(url(saturday)).context["page"].no_school == "No school on weekends."
    summer = dt.date(2026, 7, 15)
    assert client.get(url(summer)).context["page"].no_school == "Outside the school year."
    Closure.objects.create(district=world.district, name="Snow day", start=MONDAY, end=MONDAY)
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    response = client.get(url())
    assert response.context["page"].no_school == "No school: Snow day."
    assert "No school: Snow day." in response.content.decode()


def test_signed_sessions_show_the_plan_read_only(world, login):
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    client = login(world.provider.user)
    client.get(url())
    DatedSession.objects.update(status="signed")
    html = client.get(url()).content.decode()
    assert "Signed: change the plan on the session page" in html
    assert 'name="focus_goal"' not in html


def _queries(client, day) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url(day))
    assert response.status_code == 200
    return len(context)


def test_no_n_plus_one_with_many_sessions(world, login, django_assert_max_num_queries):
    schedule = standing_schedule(world.provider)
    strategy = Strategy.objects.create(
        district=world.district, name="Grip of our own", how_to="Hold it."
    )
    rooms = [world.classroom, world.other_classroom]
    tuesday, wednesday = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)
    for i in range(10):
        room = rooms[i % 2]
        students = []
        for j in range(2):
            student = make_student(
                ref=f"N-{i}-{j}", classroom=room, provider=world.provider, first_name=f"N{i}{j}"
            )
            StudentStrategy.objects.create(student=student, strategy=strategy)
            students.append(student)
        start = dt.time(8 + i // 2, 30 * (i % 2))
        end = dt.time(8 + i // 2, 30 * (i % 2) + 25)
        for day in ("tue", "wed"):
            ActivityBlock.objects.create(
                classroom=room, day=day, start=start, end=end, activity=Activity.MATH
            )
        standing_session(
            schedule, classroom=room, day="tue", start=start, end=end, students=students
        )
        if i < 2:  # Wednesday: only the first two sessions (two schools)
            standing_session(
                schedule, classroom=room, day="wed", start=start, end=end, students=students
            )
        for date in (tuesday, wednesday):
            TimetableException.objects.create(
                classroom=room, date=date, start=start, end=end, activity=Activity.ASSEMBLY
            )
    stored_ahead(world.provider, before=MONDAY)
    client = login(world.provider.user)
    two_sessions = _queries(client, wednesday)
    with django_assert_max_num_queries(two_sessions):
        response = client.get(url(tuesday))
    assert two_sessions <= 25  # a fixed number, whatever the day holds
    page = response.context["page"]
    assert len(page.cards) == 10
    assert sum(len(c.records) for c in page.cards) == 20
    assert all(card.flags for card in page.cards)
    assert sum(1 for c in page.cards if c.travel) == 9


def test_teacher_never_sees_notes(world, login):
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    login(world.provider.user).get(url())
    SessionStudent.objects.update(note="Clinical: fatigue after recess")
    for person in (world.teacher, world.para, world.admin):
        response = login(person).get(url())
        assert response.status_code == 404
        assert b"Clinical" not in response.content


def test_htmx_not_needed_for_today(world, login):
    # The page is a plain GET; htmx only changes the plan in place.
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    response = login(world.provider.user).get(url(), **HTMX)
    assert response.status_code == 200


def test_second_student_gets_a_plan_row(world, login):
    second = add_student(world)
    monday_writing(world, [world.student, second])
    stored_ahead(world.provider, before=MONDAY)
    response = login(world.provider.user).get(url())
    (card,) = response.context["page"].cards
    assert [rv.record.student for rv in card.records] == [world.student, second]


def test_the_plan_shows_how_the_student_wants_support_to_look(world, login):
    world.student.comfort = "small_group"
    world.student.comfort_asked_on = dt.date(2026, 10, 5)
    world.student.save()
    monday_writing(world)
    stored_ahead(world.provider, before=MONDAY)
    html = login(world.provider.user).get(url()).content.decode()
    assert "Prefers not to be singled out" in html
    assert "(asked Oct 5)" in html
    session = DatedSession.objects.get(date=MONDAY)
    page = login(world.provider.user).get(reverse("sessions:detail", args=[session.pk]))
    assert page.status_code == 200
    assert "Prefers not to be singled out" in page.content.decode()
