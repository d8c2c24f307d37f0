"""Privacy requests (docs/privacy.md): the administrator exports everything about one
student, deactivates them, and deletes them once the district's retention period is over,
leaving a tombstone in the audit log."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable

import pytest
import time_machine
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Goal, RecordRetention, Student, StudentDeparture
from pushin.caseload.privacy import student_retention
from pushin.progress.models import ProgressReport
from pushin.sessions.models import DataPoint, DatedSession, SessionStudent
from tests.factories import World
from tests.page_text import page_text
from tests.progress.reports.helpers import report_world, signed
from tests.sessions.factories import add_student, dated_session

pytestmark = pytest.mark.django_db

Login = Callable[[User | None], Client]


def test_the_export_holds_every_record_the_service_log_and_the_report_pdfs(
    world: World, login: Login
) -> None:
    rw = report_world(world)
    report = signed(rw)
    points = DataPoint.objects.filter(record__student=world.student).count()
    assert points > 0
    client = login(world.admin)
    response = client.post(reverse("caseload:privacy_export", args=[world.student.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "S-0001" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())

    (student,) = json.loads(archive.read("records/caseload.student.json"))
    assert student["pk"] == world.student.pk
    assert student["fields"]["first_name"] == "Avery"
    data = json.loads(archive.read("records/therapy_sessions.datapoint.json"))
    assert len(data) == points
    reports = json.loads(archive.read("records/progress.progressreport.json"))
    assert [r["pk"] for r in reports] == [report.pk]
    audit = json.loads(archive.read("records/accounts.auditentry.json"))
    assert audit
    assert all(e["fields"]["student_id"] == world.student.pk for e in audit)
    # Nothing about the other student.
    for name in names:
        if name.endswith(".json"):
            assert b"Blake" not in archive.read(name), name

    log = archive.read("service-log.csv").decode()
    rows = log.strip().splitlines()
    records = SessionStudent.objects.filter(
        student=world.student, session__date__lte=dt.date(2026, 12, 2)
    )
    assert len(rows) - 1 == records.exclude(attendance="").count()
    assert all("S-0001" in row for row in rows[1:])

    pdfs = [n for n in names if n.startswith("progress-reports/")]
    assert pdfs == [f"progress-reports/{rw.q2.start:%Y%m%d}-ot-r1-signed.pdf"]
    assert archive.read(pdfs[0]).startswith(b"%PDF")

    (entry,) = AuditEntry.objects.filter(action=AuditAction.EXPORT, student_id=world.student.pk)
    assert entry.actor == world.admin
    assert entry.detail["rows"]["therapy_sessions.datapoint"] == points
    assert "Avery" not in json.dumps(entry.detail)


def test_deactivate_records_the_day_and_keeps_everything(world: World, login: Login) -> None:
    dated_session(world)
    assert SessionStudent.objects.filter(
        student=world.student, session__date__gt=dt.date(2026, 12, 2)
    ).exists()
    client = login(world.admin)
    response = client.post(reverse("caseload:privacy_deactivate", args=[world.student.pk]))
    assert response.status_code == 302
    world.student.refresh_from_db()
    assert not world.student.active
    departure = StudentDeparture.objects.get(student=world.student)
    assert departure.left_on == dt.date(2026, 12, 2)
    assert departure.recorded_by == world.admin
    # Their past record stays; their places in sessions still to come are gone.
    records = SessionStudent.objects.filter(student=world.student)
    assert list(records.values_list("session__date", flat=True)) == [dt.date(2026, 11, 30)]
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="caseload.student", student_id=world.student.pk
    ).exists()
    again = client.post(reverse("caseload:privacy_deactivate", args=[world.student.pk]))
    assert again.status_code == 302
    assert StudentDeparture.objects.filter(student=world.student).count() == 1
    page = client.get(reverse("caseload:privacy"))
    assert "Dec 2, 2026" in page_text(page.content.decode())
    assert "Dec 2, 2033" in page_text(page.content.decode())  # seven years by default


def test_delete_is_refused_while_active_and_before_the_retention_period(
    world: World, login: Login
) -> None:
    dated_session(world)
    client = login(world.admin)
    url = reverse("caseload:privacy_delete", args=[world.student.pk])
    response = client.post(url, {"confirm_ref": "S-0001"})
    assert response.status_code == 400
    assert "deactivate first" in page_text(response.content.decode())
    client.post(reverse("caseload:privacy_deactivate", args=[world.student.pk]))
    response = client.post(url, {"confirm_ref": "S-0001"})
    assert response.status_code == 400
    assert "may be deleted from December 2, 2033" in page_text(response.content.decode())
    assert Student.objects.filter(pk=world.student.pk).exists()
    assert not AuditEntry.objects.filter(
        action=AuditAction.DELETE, object_type="caseload.student"
    ).exists()
    # And the ORM still refuses a plain delete: the records are PROTECTed.
    with pytest.raises(ProtectedError):
        Student.objects.get(pk=world.student.pk).delete()


def test_after_the_retention_period_the_student_goes_and_a_tombstone_stays(
    world: World, login: Login
) -> None:
    second = add_student(world)
    session = dated_session(world, [world.student, second])
    alone = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=dt.date(2026, 11, 24),
        start=dt.time(13),
        end=dt.time(13, 30),
    )
    SessionStudent.objects.create(session=alone, student=world.student, minutes_delivered=30)
    goal = Goal.objects.get(iep__student=world.student)
    record = SessionStudent.objects.get(session=session, student=world.student)
    DataPoint.objects.create(record=record, goal=goal, kind="trial", correct=True)
    client = login(world.admin)
    client.post(reverse("caseload:privacy"), {"years": 3})
    assert RecordRetention.objects.get(district=world.district).years == 3
    client.post(reverse("caseload:privacy_deactivate", args=[world.student.pk]))
    pk = world.student.pk
    url = reverse("caseload:privacy_delete", args=[pk])
    with time_machine.travel(dt.datetime(2029, 12, 3, 12, tzinfo=dt.UTC), tick=False):
        world.student.refresh_from_db()
        retention = student_retention(world.student, today=dt.date(2029, 12, 3))
        assert retention.deletable, retention.refusal
        client = login(world.admin)  # three years on: a new sign-in
        wrong = client.post(url, {"confirm_ref": "S-0002"})
        assert wrong.status_code == 400
        assert "Type the student's number" in page_text(wrong.content.decode())
        response = client.post(url, {"confirm_ref": "S-0001"})
    assert response.status_code == 302
    assert not Student.objects.filter(pk=pk).exists()
    assert not SessionStudent.objects.filter(student_id=pk).exists()
    assert not DataPoint.objects.filter(goal_id=goal.pk).exists()
    assert not DatedSession.objects.filter(pk=alone.pk).exists()  # only theirs
    # The group session stays, with the other student's record.
    assert list(session.members.values_list("student_id", flat=True)) == [second.pk]
    tomb = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="caseload.student")
    assert tomb.student_id == pk
    assert tomb.actor == world.admin
    assert tomb.detail["tombstone"] is True
    assert tomb.detail["ref"] == "S-0001"
    assert tomb.detail["retention_years"] == 3
    assert tomb.detail["rows"]["therapy_sessions.sessionstudent"] == 2
    assert "Avery" not in json.dumps(tomb.detail)
    # The earlier audit entries about the student are kept.
    assert AuditEntry.objects.filter(student_id=pk).count() > 1
    assert not ProgressReport.objects.filter(student_id=pk).exists()


def test_the_retention_period_is_checked(world: World, login: Login) -> None:
    client = login(world.admin)
    response = client.post(reverse("caseload:privacy"), {"years": 0})
    assert response.status_code == 400
    assert not RecordRetention.objects.exists()
    found = client.get(reverse("caseload:privacy"), {"ref": "s-0001"})
    assert found.status_code == 302
    assert found["Location"] == reverse("caseload:privacy_student", args=[world.student.pk])
    missing = client.get(reverse("caseload:privacy"), {"ref": "S-9999"})
    assert "No student of the district has this number" in page_text(missing.content.decode())


def test_only_the_administrator_answers_privacy_requests(world: World, login: Login) -> None:
    for person in (world.provider.user, world.teacher, world.para):
        client = login(person)
        assert client.get(reverse("caseload:privacy")).status_code == 404
        url = reverse("caseload:privacy_export", args=[world.student.pk])
        assert client.post(url).status_code == 404
    page = login(world.admin).get(reverse("caseload:privacy_student", args=[world.student.pk]))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, student_id=world.student.pk, detail__page="privacy_student"
    ).exists()


def test_the_district_settings_link_to_privacy_requests(world: World, login: Login) -> None:
    page = login(world.admin).get(reverse("district:settings"))
    assert reverse("caseload:privacy") in page.content.decode()
