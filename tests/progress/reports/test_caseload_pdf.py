"""The batch PDF of a caseload's reports for a period (progress:reports_pdf): every student
of the caseload is in it (a report each, or listed as not started), in a fixed number of
queries, and each report with its goals and their graphs. (The time a caseload's file
takes is a benchmark: `make bench`, bench/reports.py.)"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import Goal, Method
from pushin.ids import encode_id
from pushin.progress.reports.services import report_draft, report_sign
from pushin.progress.series import PROMPT_LADDER
from pushin.sessions.models import DataKind, DataPoint, SessionStudent
from tests.factories import make_student
from tests.progress.helpers import percent_sessions
from tests.progress.reports.helpers import Q2_START, periods
from tests.workload.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _students(world, n, *, start=0):
    made = []
    for i in range(start, start + n):
        student = make_student(
            ref=f"B-{i:04d}",
            classroom=world.classroom,
            provider=world.provider,
            first_name=f"Kid{i:02d}",
            last_name="Batch",
        )
        goal = Goal.objects.get(iep__student=student)
        percents = [40 + (i * 7 + k * 9) % 50 for k in range(4)]
        percent_sessions(world.provider, student, goal, percents, Q2_START)
        made.append(student)
    return made


def _report(world, student, period, *, sign):
    report, _ = report_draft(
        actor=world.provider.user, provider=world.provider, student=student, period=period
    )
    return report_sign(actor=world.provider.user, report=report) if sign else report


def _get(client, world, period):
    return client.get(
        reverse("progress:reports_pdf", args=[world.provider.pk]),
        {"period": encode_id(period.pk)},
    )


def test_every_student_of_the_caseload_is_in_the_file(world, login):
    _, q2 = periods(world)
    first, second, third = _students(world, 3)
    _report(world, first, q2, sign=True)
    _report(world, second, q2, sign=False)
    response = _get(login(world.provider.user), world, q2)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="progress-reports-20261109.pdf"'
    )
    text = pdf_text(response.content)
    assert "Progress reports: Q2" in text
    assert "Provider Tester's caseload: 4 students, 2 with a report." in text
    for student, status in [
        (world.student, "Not started"),
        (first, "Signed"),
        (second, "Draft"),
        (third, "Not started"),
    ]:
        assert f"{student.full_name} {student.ref} {status}" in text
    assert "Progress report: Kid00 Batch" in text
    assert "Progress report: Kid01 Batch" in text
    assert "Progress report: Kid02 Batch" not in text
    assert "Signed by Provider Tester on Dec 2, 2026" in text
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT)
    assert sorted(pk or 0 for pk in exports.values_list("student_id", flat=True)) == sorted(
        s.pk for s in (world.student, first, second, third)
    )


def _queries(client, world, period):
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, world, period).status_code == 200
    return len(queries)


def test_the_batch_is_a_fixed_number_of_queries(world, login):
    _, q2 = periods(world)
    client = login(world.provider.user)
    students = _students(world, 2)
    _report(world, students[0], q2, sign=True)
    _report(world, students[1], q2, sign=False)
    few = _queries(client, world, q2)
    more = _students(world, 4, start=2)
    _report(world, more[0], q2, sign=True)
    _report(world, more[1], q2, sign=True)
    _report(world, more[2], q2, sign=False)
    assert _queries(client, world, q2) == few


def test_each_report_has_its_goals_and_both_graphs(world, login):
    """Half signed (graphs stored at signing), half drafts (graphs drawn for the file); a
    prompt-level goal besides the percent goal: two graphs a report. (How long the file
    takes for a whole caseload is measured by `make bench`: bench/reports.py.)"""
    _, q2 = periods(world)
    students = _students(world, 6)
    for n, student in enumerate(students):
        goal = Goal.objects.create(
            iep=Goal.objects.get(iep__student=student).iep,
            domain="self_care",
            text="Opens the lunch containers.",
            method=Method.PROMPT_LEVEL,
            baseline="partial physical assistance",
            target="independent",
            mastery_criterion="in 4 of 5 opportunities",
        )
        records = SessionStudent.objects.filter(student=student).order_by("session__date")
        DataPoint.objects.bulk_create(  # each student's own prompts: no two graphs alike
            DataPoint(record=r, goal=goal, kind=DataKind.PROMPT, prompt=PROMPT_LADDER[(n + k) % 6])
            for k, r in enumerate(records)
        )
        _report(world, student, q2, sign=n % 2 == 0)
    response = _get(login(world.provider.user), world, q2)
    assert response.status_code == 200
    text = pdf_text(response.content)
    reports = {
        part.split(" Occupational therapy, Q2")[0]: part
        for part in text.split("Progress report: ")[1:]
    }
    assert list(reports) == [s.full_name for s in students]
    for n, part in enumerate(reports.values()):
        assert "Goal 1: Handwriting / visual-motor Writes a sentence" in part
        assert "Goal 2: Self-care Opens the lunch containers. Method: Level of prompting." in part
        signed = "Signed by Provider Tester on Dec 2, 2026" in part
        assert signed == (n % 2 == 0)
        assert ("Draft: not signed." in part) == (not signed)
    # The graphs: an RGB image each (their transparency masks are one shared image).
    graphs = re.findall(rb"<<[^<>]*/ColorSpace /DeviceRGB[^<>]*/Subtype /Image", response.content)
    assert len(graphs) == 2 * len(students)
