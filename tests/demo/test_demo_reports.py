"""The demo's progress reports: on the day it is loaded, a signed report of the last period
that ended (shared with the teacher login) and a few drafts of the period in force, so the
report pages show something; in summer, before the year's first period, none."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from pushin.accounts.models import User
from pushin.demo.district import demo_district_load
from pushin.progress.models import ProgressReport, ReportStatus
from pushin.progress.reports.document import Document
from tests.page_text import page_text

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_signed_report_and_drafts(client):
    demo_district_load(size="small")  # today: Wed Dec 2, 2026; Quarter 2 in force
    reports = ProgressReport.objects.select_related("period", "student__classroom")
    (signed,) = reports.filter(status=ReportStatus.SIGNED)
    assert signed.period.name == "Quarter 1"
    assert signed.shared_with_teacher
    assert signed.shared_with_paras
    assert signed.snapshot is not None
    document = Document.from_json(signed.snapshot)
    assert document.goals
    assert all(g.code and g.narrative for g in document.goals)
    assert any(g.sessions_in_period for g in document.goals)  # the demo's data is in it
    drafts = reports.filter(status=ReportStatus.DRAFT)
    assert drafts.count() == 3
    assert {d.period.name for d in drafts} == {"Quarter 2"}

    provider = User.objects.get(username="ot.rivera")
    client.force_login(provider, backend="django.contrib.auth.backends.ModelBackend")
    page = page_text(
        client.get(reverse("progress:reports", args=[provider.provider.pk])).content.decode()
    )
    assert "3 drafts" in page
    teacher = User.objects.get(username="teacher.park")
    assert signed.student.classroom.teacher == teacher  # the teacher login's room
    client.force_login(teacher, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("caseload:student", args=[signed.student_id])).content.decode()
    assert "Progress reports shared with you" in html
    assert client.get(reverse("progress:report", args=[signed.pk])).status_code == 200


def test_no_report_before_the_first_period(time_machine):
    summer = dt.datetime(2026, 7, 15, 9, tzinfo=ZoneInfo("America/New_York"))
    time_machine.move_to(summer, tick=False)
    demo_district_load(size="small")
    assert not ProgressReport.objects.exists()
