"""The batch PDF of a caseload's reports for a period (progress:reports_pdf): every student
of the caseload is in it (a report each, or listed as not started), in a fixed number of
queries, and 40 students' reports come out in reasonable time."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import Goal, Method
from pushin.ids import encode_id
from pushin.progress.reports.services import report_draft, report_sign
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


def test_forty_students_in_reasonable_time(world, login):
    _, q2 = periods(world)
    students = _students(world, 40)
    ladder = ["partial_physical", "gesture", "visual", "verbal"]
    for n, student in enumerate(students):  # a prompt-level goal too: two graphs each
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
        DataPoint.objects.bulk_create(
            DataPoint(record=r, goal=goal, kind=DataKind.PROMPT, prompt=ladder[k])
            for k, r in enumerate(records)
        )
        _report(world, student, q2, sign=n % 2 == 0)
    client = login(world.provider.user)
    started = time.perf_counter()
    response = _get(client, world, q2)
    took = time.perf_counter() - started
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert all(f"Progress report: {s.full_name}" in text for s in students)
    print(f"\n40 students (20 signed, 20 drafts, 80 goals): batch PDF in {took:.1f} s")
    assert took < 60
