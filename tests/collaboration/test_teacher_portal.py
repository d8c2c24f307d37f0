"""The teacher portal: my caseload students, this week's visits, each student's strategy
card, follow-ups and the change forms. Only the teacher's own room; no clinical detail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.collaboration.services import strategy_use_log
from pushin.district.models import Classroom, ExceptionKind, TimetableException
from pushin.sessions.models import DatedSession, SessionStudent
from pushin.vocabulary import Activity
from tests.caseload.personas import is_login_redirect, persona_user
from tests.collaboration.portal_helpers import MONDAY, THURSDAY, week_of_visits
from tests.collaboration.strategy_helpers import (
    CLINICAL_NOTE,
    GOAL_TEXT,
    chosen,
    past_session,
    with_trials,
)
from tests.factories import World, make_student


def portal(world: World, room: Classroom | None = None, week=MONDAY) -> str:
    room = room or world.classroom
    return f"{reverse('collaboration:portal', args=[room.pk])}?week={week:%Y-%m-%d}"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 404),
        ("other_provider", 404),
        ("admin", 404),
        ("teacher", 200),
        ("other_teacher", 404),
        ("para", 404),
        ("anonymous", 302),
    ],
)
def test_portal_by_persona(world: World, login, persona: str, status: int) -> None:
    response = login(persona_user(world, persona)).get(portal(world))
    assert response.status_code == status
    if persona == "anonymous":
        assert is_login_redirect(response)


def test_my_classroom_link_goes_to_the_teachers_room(world: World, login) -> None:
    client = login(world.teacher)
    response = client.get("/collaboration/my-classroom/")
    assert response.status_code == 302
    assert response["Location"] == reverse("collaboration:portal", args=[world.classroom.pk])
    second = Classroom.objects.create(
        school=world.school, name="Room 3B", code="3b", grade="3", teacher=world.teacher
    )
    body = client.get("/collaboration/my-classroom/").content.decode()
    assert "Room 2A" in body
    assert "Room 3B" in body
    assert client.get(portal(world, second)).status_code == 200
    assert login(world.para).get("/collaboration/my-classroom/").status_code == 404
    nav = login(world.teacher).get(portal(world)).content.decode()
    assert nav.index("My classroom") < nav.index("My students")


def test_own_students_and_their_cards_only(world: World, login) -> None:
    chosen(world, "Slant board", notes="Blue board on the left")
    chosen(world, "Timer", carryover=False)
    chosen(world, "Fidget", active=False)
    chosen(world, "Wiggle cushion", student=world.other_student)
    gone = make_student(ref="S-0050", classroom=world.classroom, provider=None, first_name="Gone")
    gone.active = False
    gone.save()
    body = login(world.teacher).get(portal(world)).content.decode()
    assert world.student.full_name in body
    assert world.other_student.full_name not in body
    assert gone.full_name not in body
    assert "Slant board" in body
    assert "Blue board on the left" in body
    assert "3-inch binder" in body  # the how-to materials
    cards = body.split('id="students"')[1].split('id="followups"')[0]
    assert "Timer" not in cards
    assert "Fidget" not in body
    assert "Wiggle cushion" not in body
    reads = AuditEntry.objects.filter(action=AuditAction.READ, student_id=world.student.pk)
    assert reads.filter(detail__page="teacher_portal").exists()


def test_no_clinical_notes_goals_or_session_data(world: World, login) -> None:
    link = chosen(world, "Raised-line paper")
    session = past_session(world)
    record = with_trials(SessionStudent.objects.get(session=session), 7, 10)
    strategy_use_log(
        actor=world.provider.user,
        link=link,
        outcome="worked",
        session_record=record,
        note="Used with a verbal cue",
    )
    body = login(world.teacher).get(portal(world, week=session.date)).content.decode()
    assert "Raised-line paper" in body
    assert CLINICAL_NOTE not in body
    assert GOAL_TEXT not in body
    assert "7/10" not in body
    assert "trials" not in body
    assert "Used with a verbal cue" not in body


def test_printable_link_sized_for_the_grade(world: World, login) -> None:
    chosen(world, "Raised-line paper")
    body = login(world.teacher).get(portal(world)).content.decode()
    assert "/followups/paper/print/?kind=raised_line&amp;grade=2" in body


def test_this_weeks_visits(world: World, login) -> None:
    week_of_visits(world)
    TimetableException.objects.create(
        classroom=world.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.TEST,
    )
    response = login(world.teacher).get(portal(world))
    visits = response.context["portal"].visits
    assert [(v.session.date, v.session.start.hour) for v in visits] == [(MONDAY, 9), (THURSDAY, 10)]
    assert all(v.provider == "Provider Tester (OT)" for v in visits)
    assert visits[0].students == [world.student.full_name]
    assert visits[0].activity == "Writing"
    assert visits[0].change is None
    assert visits[1].change is not None
    body = response.content.decode()
    assert "Mon Nov 30" in body
    assert "Thu Dec 3" in body
    assert "changed that day: Test / assessment" in body
    # The other teacher's room is visited by the other provider, not shown here.
    assert "Room K1" not in body
    # The visits are the week's dated sessions, as the calendar stored them ahead.
    week = DatedSession.objects.filter(
        classroom=world.classroom, date__gte=MONDAY, date__lte=MONDAY + dt.timedelta(days=4)
    )
    assert week.count() == 2


def test_next_week_and_no_visits(world: World, login) -> None:
    body = login(world.teacher).get(portal(world)).content.decode()
    assert "No visits planned to your room this week." in body
    assert "?week=2026-12-07" in body
    assert "?week=2026-11-23" in body


def test_portal_queries_stay_flat(world: World, login, django_assert_max_num_queries) -> None:
    week_of_visits(world)
    students = [
        make_student(ref=f"S-01{n:02d}", classroom=world.classroom, provider=world.provider)
        for n in range(8)
    ]
    for student in [world.student, *students]:
        for name in ("Slant board", "Timer", "Pencil grip"):
            chosen(world, name, student=student)
    client = login(world.teacher)
    client.get(portal(world))  # materializes the week once
    with django_assert_max_num_queries(25):
        response = client.get(portal(world))
    assert response.content.decode().count('class="strategy-card"') == 27
