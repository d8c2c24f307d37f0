"""The session page: the provider's only; buttons by the focus goal's method; history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import Goal, Method
from pushin.sessions.models import SessionStudent
from pushin.sessions.services import (
    attendance_record,
    data_point_add,
    session_note_set,
    session_sign,
)
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.sessions.factories import add_student, dated_session

EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,  # the student's own teacher: session data and notes are clinical
    "other_teacher": 404,
    "para": 404,
    "admin": 404,
    "anonymous": 302,
}


def url(session) -> str:
    return reverse("sessions:detail", args=[session.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    session = dated_session(world)
    SessionStudent.objects.update(note="Clinical: tired after recess")
    response = login(persona_user(world, name)).get(url(session))
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    if name != "provider":
        assert b"Clinical" not in response.content
        assert world.student.first_name.encode() not in response.content
    else:
        assert "Clinical: tired after recess" in response.content.decode()


def test_unknown_session_is_404(world, login):
    response = login(world.provider.user).get(reverse("sessions:detail", args=[999999]))
    assert response.status_code == 404


def test_reading_is_audited(world, login):
    session = dated_session(world)
    login(world.provider.user).get(url(session))
    entry = AuditEntry.objects.get(action="read")
    assert entry.detail == {"session": session.pk, "page": "session"}
    assert entry.student_id == world.student.pk


def test_trial_buttons_and_running_percent(world, login):
    session = dated_session(world)
    record = session.members.get()
    for correct in (True, True, False):
        data_point_add(actor=world.provider.user, record=record, correct=correct)
    html = login(world.provider.user).get(url(session)).content.decode()
    assert 'name="correct" value="true"' in html
    assert "✓ correct" in html
    assert "✗ not yet" in html
    assert "2/3 = 67%" in html
    assert "Undo last" in html
    assert 'data-minutes="30"' in html  # the minutes, for the ledger


@pytest.mark.parametrize(
    ("method", "marker"),
    [
        (Method.PROMPT_LEVEL, 'name="prompt" value="partial_physical"'),
        (Method.RUBRIC, 'name="value" value="4"'),
        (Method.DURATION, "data-timer"),
        (Method.LATENCY, "data-timer"),
        (Method.FREQUENCY, ">+1</button>"),
        (Method.NARRATIVE, 'name="text"'),
    ],
)
def test_buttons_follow_the_goal_method(world, login, method, marker):
    Goal.objects.filter(iep__student=world.student).update(method=method)
    session = dated_session(world)
    html = login(world.provider.user).get(url(session)).content.decode()
    assert marker in html
    assert 'name="correct"' not in html


def test_absent_student_has_no_data_buttons(world, login):
    second = add_student(world)
    session = dated_session(world, [world.student, second])
    absent = session.members.get(student=second)
    attendance_record(actor=world.provider.user, record=absent, attendance="student_absent")
    response = login(world.provider.user).get(url(session))
    html = response.content.decode()
    assert "No data: student absent." in html
    assert html.count('name="correct" value="true"') == 1  # only the present student
    assert response.context["page"].missing_attendance == 1


def test_signed_session_lists_amendments_and_late_entries(world, login):
    session = dated_session(world)
    record = session.members.get()
    user = world.provider.user
    attendance_record(actor=user, record=record, attendance="delivered")
    session_note_set(actor=user, record=record, note="Before")
    session_sign(actor=user, session=session)
    session_note_set(actor=user, record=record, note="After", reason="Added detail")
    data_point_add(actor=user, record=record, correct=True)
    html = login(user).get(url(session)).content.decode()
    assert "Signed " in html
    assert "Sign the session" not in html
    assert "<del>Before</del> → <ins>After</ins>" in html
    assert "“Added detail”" in html
    assert "late entry" in html
    assert 'placeholder="Reason for the change"' in html
    assert ">After</textarea>" in html  # the amended value is the one shown


def test_flags_are_shown_on_the_session(world, login):
    from pushin.district.models import TimetableException
    from tests.sessions.factories import MONDAY

    session = dated_session(world)
    TimetableException.objects.create(
        classroom=world.classroom,
        date=MONDAY,
        start=session.start,
        end=session.end,
        kind="cancelled",
        note="Assembly in the gym",
    )
    html = login(world.provider.user).get(url(session)).content.decode()
    assert (
        "Mon Nov 30 09:00-09:30: the class activity in Room 2A is cancelled "
        "(Assembly in the gym); re-plan or log as unavailable." in html
    )
