"""Session notes and data never reach a teacher's or a para's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.caseload.models import Goal, Method
from pushin.sessions.services import attendance_record, data_point_add, session_note_set
from tests.sessions.factories import MONDAY, dated_session

NOTE = "Clinical: tactile defensiveness flared after recess"
OBSERVATION = "Observed: refused the pencil grip twice"


@pytest.fixture
def logged(world):
    Goal.objects.filter(iep__student=world.student).update(method=Method.NARRATIVE)
    session = dated_session(world)
    record = session.members.get()
    attendance_record(actor=world.provider.user, record=record, attendance="delivered")
    session_note_set(actor=world.provider.user, record=record, note=NOTE)
    data_point_add(actor=world.provider.user, record=record, text=OBSERVATION)
    return session


def _pages(world, session):
    return [
        reverse("caseload:list"),
        reverse("caseload:student", args=[world.student.pk]),
        reverse("district:timetable", args=[world.classroom.pk]) + f"?week={MONDAY:%Y-%m-%d}",
        reverse("collaboration:portal_home"),
        reverse("collaboration:portal", args=[world.classroom.pk]),
        reverse("collaboration:carryover"),
        reverse("sessions:today") + f"?date={MONDAY:%Y-%m-%d}",
        reverse("sessions:week") + f"?date={MONDAY:%Y-%m-%d}",
        reverse("sessions:detail", args=[session.pk]),
    ]


@pytest.mark.parametrize("name", ["teacher", "para"])
def test_no_note_or_data_on_any_page(world, login, logged, name):
    client = login(getattr(world, name))
    for url in _pages(world, logged):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert NOTE not in html, url
        assert OBSERVATION not in html, url


def test_the_provider_sees_both(world, login, logged):
    html = login(world.provider.user).get(reverse("sessions:detail", args=[logged.pk]))
    assert NOTE in html.content.decode()
    assert OBSERVATION in html.content.decode()
