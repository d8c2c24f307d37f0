"""The session history on the student page: who sees it, what it says, in what order."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.caseload.models import Goal
from pushin.sessions.models import Attendance, DataKind, DataPoint
from tests.progress.helpers import past_session, percent_sessions, trials

pytestmark = pytest.mark.django_db

NOTE = "Clinical: fatigued after recess, shortened the copying task"
FIRST = dt.date(2026, 10, 5)


@pytest.fixture
def goal(world):
    return Goal.objects.get(iep__student=world.student)


@pytest.fixture
def history(world, goal):
    """Three sessions: two delivered with data (one with a note), one missed."""
    first = past_session(world.provider, world.student, FIRST)
    trials(first, goal, [True, False, True, True])
    second = past_session(world.provider, world.student, FIRST + dt.timedelta(days=7), note=NOTE)
    trials(second, goal, [True] * 8 + [False, False])
    past_session(
        world.provider,
        world.student,
        FIRST + dt.timedelta(days=14),
        attendance=Attendance.STUDENT_ABSENT,
    )
    return first, second


def _page(client, world, query=""):
    return client.get(reverse("caseload:student", args=[world.student.pk]) + query)


def _section(html):
    start = html.find('<section id="history"')
    return html[start : html.index("</section>", start)] if start >= 0 else ""


def test_the_provider_sees_sessions_newest_first_with_data_and_notes(world, login, history):
    html = (
        login(world.provider.user)
        .get(reverse("caseload:student", args=[world.student.pk]))
        .content.decode()
    )
    section = _section(html)
    dates = re.findall(r"(Mon Oct \d+, 2026)", section)
    assert dates == ["Mon Oct 19, 2026", "Mon Oct 12, 2026", "Mon Oct 5, 2026"]
    assert "Student absent" in section
    assert "8/10 (80%)" in section
    assert "3/4 (75%)" in section
    assert "Handwriting / visual-motor" in section  # each data line names its goal
    assert NOTE in section
    assert "30 of 30 min" in section
    assert reverse("minutes:student", args=[world.student.pk]) in section
    assert reverse("progress:student", args=[world.student.pk]) in section
    # Their own sessions open.
    assert reverse("sessions:detail", args=[history[1].session_id]) in section


def test_the_administrator_sees_attendance_minutes_and_data_but_no_note(world, login, history):
    section = _section(_page(login(world.admin), world).content.decode())
    assert "8/10 (80%)" in section
    assert "Student absent" in section
    assert NOTE not in section
    assert reverse("sessions:detail", args=[history[1].session_id]) not in section


@pytest.mark.parametrize("persona", ["teacher", "para"])
def test_teachers_and_paras_see_no_history(world, login, history, persona):
    response = _page(login(getattr(world, persona)), world)
    assert response.status_code == 200
    html = response.content.decode()
    assert _section(html) == ""
    assert "8/10" not in html
    assert NOTE not in html
    assert reverse("progress:student", args=[world.student.pk]) not in html


def test_another_provider_of_the_student_sees_the_data_but_not_the_notes(world, login, history):
    world.student.providers.add(world.other_provider)
    section = _section(_page(login(world.other_provider.user), world).content.decode())
    assert "8/10 (80%)" in section
    assert NOTE not in section
    assert reverse("sessions:detail", args=[history[1].session_id]) not in section


def test_sessions_not_started_are_not_history(world, login, goal):
    past_session(world.provider, world.student, dt.date(2026, 12, 2), start=dt.time(11))
    past_session(world.provider, world.student, dt.date(2026, 12, 2), start=dt.time(14))
    past_session(world.provider, world.student, dt.date(2026, 12, 3))
    section = _section(_page(login(world.provider.user), world).content.decode())
    assert "Wed Dec 2, 2026 · 11:00" in section
    assert "14:00" not in section
    assert "Dec 3" not in section


def test_paginated_ten_a_page(world, login, goal):
    percent_sessions(world.provider, world.student, goal, [50] * 12, dt.date(2026, 9, 7))
    client = login(world.provider.user)
    first = _section(_page(client, world).content.decode())
    assert first.count('class="card history-row"') == 10
    assert "Page 1" in first
    assert "?history=2#history" in first
    second = _section(_page(client, world, "?history=2").content.decode())
    assert second.count('class="card history-row"') == 2
    assert "Mon Sep 7, 2026" in second  # the oldest, last
    assert "?history=1#history" in second
    assert "?history=3" not in second
    # A page number that is not one shows the first page, never an error.
    for query in ("?history=99", "?history=x", "?history=-1", "?history=99999999999999999999"):
        response = _page(client, world, query)
        assert response.status_code == 200
        assert _section(response.content.decode()).count('class="card history-row"') == 10


def test_each_record_shown_is_audited_as_read(world, login, history):
    _page(login(world.provider.user), world)
    entries = AuditEntry.objects.filter(detail__page="student history")
    assert entries.count() == 3
    assert {e.student_id for e in entries} == {world.student.pk}


def test_the_history_reads_a_fixed_number_of_queries(world, login, goal):
    """No query per session, per data point or per goal."""
    client = login(world.provider.user)
    percent_sessions(world.provider, world.student, goal, [50, 60], FIRST)
    _page(client, world)  # warm the session and the caches
    with CaptureQueriesContext(connection) as few:
        _page(client, world)
    other = Goal.objects.create(
        iep=goal.iep, domain="fine_motor", text="Cuts on a line.", method="rubric", target="3"
    )
    records = percent_sessions(world.provider, world.student, goal, [70] * 8, dt.date(2026, 9, 8))
    for record in records:
        DataPoint.objects.create(record=record, goal=other, kind=DataKind.RUBRIC, value=2)
    with CaptureQueriesContext(connection) as many:
        html = _page(client, world).content.decode()
    assert "Fine motor" in _section(html)
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
