"""A teacher asks for a lesson; the provider accepts and schedules it, or declines with a
note; the teacher sees the outcome. Float support is shown to the teacher without names.
Through the test client, as each persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.collaboration.models import Notification
from pushin.ids import encode_id
from pushin.lessons.models import ClassLesson, LessonRequest, RequestStatus, SessionSupport, Topic
from pushin.lessons.services import session_support_set
from pushin.sessions.models import DatedSession, SessionStudent
from tests.factories import World, make_student
from tests.lessons.helpers import THURSDAY, working_week

pytestmark = pytest.mark.django_db


def _portal(world: World) -> str:
    return reverse("collaboration:portal", args=[world.classroom.pk])


def _ask(world: World, login) -> LessonRequest:
    client = login(world.teacher)
    response = client.post(
        reverse("lessons:request_create", args=[world.classroom.pk]),
        {
            "topic": Topic.SCISSOR_SKILLS,
            "by_when": "2026-12-18",
            "note": "Before the holiday craft",
        },
    )
    assert response.status_code == 302
    return LessonRequest.objects.get()


def test_a_teacher_asks_the_provider_schedules_the_teacher_sees_it(world: World, login) -> None:
    working_week(world)
    asked = _ask(world, login)
    assert asked.status == RequestStatus.OPEN
    told = Notification.objects.get(recipient=world.provider.user)
    assert "scissor skills" in told.text
    assert world.student.first_name not in told.text

    client = login(world.provider.user)
    page = client.get(reverse("lessons:home")).content.decode()
    assert "Scissor skills" in page
    assert "Before the holiday craft" in page
    new_url = reverse("lessons:new") + f"?request={encode_id(asked.pk)}&week=2026-11-30"
    form = client.get(new_url)
    assert form.status_code == 200
    assert "2026-12-03 10:00 10:45" in form.content.decode()  # Thursday's centers block
    response = client.post(
        new_url,
        {"slot": "2026-12-03 10:00 10:45", "topic": Topic.SCISSOR_SKILLS, "plan": "Snip strips"},
    )
    assert response.status_code == 302
    lesson = ClassLesson.objects.get()
    asked.refresh_from_db()
    assert (asked.status, asked.lesson_id) == (RequestStatus.ACCEPTED, lesson.pk)
    assert (lesson.session.date, lesson.session.provider_id) == (THURSDAY, world.provider.pk)
    assert SessionStudent.objects.filter(session=lesson.session, student=world.student).exists()
    assert Notification.objects.filter(recipient=world.teacher, text__contains="scheduled").exists()
    # On the provider's day like any session.
    today = client.get(reverse("sessions:today") + "?date=2026-12-03").content.decode()
    assert reverse("sessions:detail", args=[lesson.session.pk]) in today
    assert "Whole-class lesson: Scissor skills" in today

    portal = login(world.teacher).get(_portal(world)).content.decode()
    lessons = portal.split('id="lessons"')[1]
    assert "Scissor skills" in lessons
    assert "Snip strips" in lessons
    assert "Scheduled" in lessons
    # The other teacher's room shows nothing of it.
    other = login(world.other_teacher).get(
        reverse("collaboration:portal", args=[world.other_classroom.pk])
    )
    assert "Snip strips" not in other.content.decode()


def test_the_provider_declines_with_a_note_the_teacher_reads(world: World, login) -> None:
    asked = _ask(world, login)
    url = reverse("lessons:request_decline", args=[asked.pk])
    # Nobody else answers it: the other provider, the other teacher, the para, the admin.
    for user in (
        world.other_provider.user,
        world.teacher,
        world.other_teacher,
        world.para,
        world.admin,
    ):
        assert login(user).post(url, {"note": "no"}).status_code == 404
    assert login(None).post(url, {"note": "no"}).status_code == 302  # to sign in
    client = login(world.provider.user)
    assert client.post(url, {"note": ""}).status_code == 400
    assert client.post(url, {"note": "Fully booked before the break; January?"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.DECLINED
    portal = login(world.teacher).get(_portal(world)).content.decode()
    assert "Fully booked before the break; January?" in portal
    assert Notification.objects.filter(recipient=world.teacher, text__contains="declined").exists()
    # Answered once: no second answer, not by scheduling it either.
    client = login(world.provider.user)
    assert client.post(url, {"note": "again"}).status_code == 400
    working_week(world)
    new_url = reverse("lessons:new") + f"?request={encode_id(asked.pk)}&week=2026-11-30"
    response = client.post(new_url, {"slot": "2026-12-03 10:00 10:45", "topic": Topic.KEYBOARDING})
    assert response.status_code == 400
    assert "answered already" in response.content.decode()
    assert not ClassLesson.objects.exists()


def test_only_the_rooms_teacher_asks(world: World, login) -> None:
    url = reverse("lessons:request_create", args=[world.classroom.pk])
    data = {"topic": Topic.KEYBOARDING, "by_when": "2026-12-18"}
    for user in (world.other_teacher, world.provider.user, world.para, world.admin):
        assert login(user).post(url, data).status_code == 404
    assert login(None).post(url, data).status_code == 302
    assert not LessonRequest.objects.exists()
    # A day already gone is refused, and nothing is written.
    login(world.teacher).post(url, {**data, "by_when": "2026-11-01"})
    assert not LessonRequest.objects.exists()


def test_the_lesson_page_is_the_providers(world: World, login) -> None:
    for user in (world.teacher, world.para, world.admin):
        assert login(user).get(reverse("lessons:home")).status_code == 404
        assert login(user).get(reverse("lessons:new")).status_code == 404
    assert login(world.provider.user).get(reverse("lessons:new")).status_code == 200


def test_float_is_shown_to_the_teacher_without_naming_the_student(world: World, login) -> None:
    classmate = make_student(
        ref="S-0012", classroom=world.classroom, provider=world.provider, first_name="Quinn"
    )
    session = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 30),
        activity="centers",
    )
    for student in (world.student, classmate):
        SessionStudent.objects.create(session=session, student=student)
    client = login(world.provider.user)
    response = client.post(
        reverse("lessons:support", args=[session.pk]),
        {"style": "float", "focus": encode_id(classmate.pk)},
    )
    assert response.status_code == 302
    support = SessionSupport.objects.get()
    assert support.focus_student_id == classmate.pk  # recorded, for the provider
    assert "Quinn" in client.get(reverse("sessions:detail", args=[session.pk])).content.decode()

    portal = login(world.teacher).get(_portal(world) + "?week=2026-11-30").content.decode()
    visits = portal.split('id="visits"')[1].split('id="students"')[0]
    assert "Float" in visits
    assert "Works around the whole room" in visits
    assert "Quinn" not in visits
    assert world.student.first_name not in visits
    # A focus student who is not in the session is refused.
    other = make_student(ref="S-0013", classroom=world.classroom, provider=None)
    client.post(
        reverse("lessons:support", args=[session.pk]),
        {"style": "float", "focus": encode_id(other.pk)},
    )
    support.refresh_from_db()
    assert support.focus_student_id == classmate.pk


def test_a_signed_session_keeps_its_style(world: World) -> None:
    session = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=dt.date(2026, 11, 30),
        start=dt.time(9),
        end=dt.time(9, 30),
        status="signed",
    )
    with pytest.raises(Exception, match="signed"):
        session_support_set(
            actor=world.provider.user, session=session, style="float", focus_student_id=None
        )
    assert not SessionSupport.objects.exists()


def test_the_mandate_setting_is_changed_by_who_amends_the_mandate(world: World, login) -> None:
    from pushin.caseload.models import Service
    from pushin.lessons.models import LessonCredit

    service = Service.objects.get(iep__student=world.student)
    url = reverse("lessons:credit", args=[service.pk])
    for user in (world.teacher, world.para, world.other_provider.user):
        assert login(user).post(url, {"counts": "yes"}).status_code == 404
    assert not LessonCredit.objects.exists()
    client = login(world.provider.user)
    page = client.get(reverse("caseload:mandate_amend", args=[world.student.pk, service.pk]))
    assert "count toward this mandate" in page.content.decode()
    assert client.post(url, {"counts": "yes"}).status_code == 302
    assert LessonCredit.objects.get(service=service).counts is True
    assert login(world.admin).post(url, {"counts": "no"}).status_code == 302
    assert LessonCredit.objects.get(service=service).counts is False
